import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { loadConfig } from "../../config/load";
import { deriveNaming, ports } from "../../config/naming";
import { Cassandra } from "../../constructs/cassandra";
import { ConnectionGraph, type Peer } from "../../constructs/connections";
import type { PodsPeer } from "../../constructs/grants";
import { StrimziKafka } from "../../constructs/kafka";
import type { KubernetesObject } from "../../constructs/kubernetes-object";
import { StreamstackStack } from "../../stacks/streamstack-stack";
import { helmBinary, renderLocalRelease } from "../support/render-local-chart";
import { synthesize } from "../support/synth";
import { nodeImageOf } from "../../constructs/container-image";

const profiles = ["kind", "cloud"] as const;

function graphOf(profile: (typeof profiles)[number]) {
  const config = loadConfig({ profile });
  const stack = new StreamstackStack(Testing.app(), config);
  return { flows: ConnectionGraph.of(stack).flows, naming: deriveNaming(config), config };
}

const peerName = (peer: Peer) => (peer.kind === "pods" ? `${peer.namespace}/${peer.name}` : peer.kind);

describe.each(profiles)("the connection graph (%s)", (profile) => {
  const { flows, naming, config } = graphOf(profile);
  const front = config.schemaRegistry.readOnlyFront.enabled;
  const edges = flows.map((flow) => `${peerName(flow.from)} -> ${peerName(flow.to)}:${flow.port}`);
  const { apps, kafka, cassandra, airflow, certManager } = naming.namespaces;
  const brokers = `${kafka}/kafka-broker:${naming.kafka.bootstrap.port}`;
  const registry = `${apps}/${naming.schemaRegistry.service}:${ports.schemaRegistry}`;
  // Readers go through the read-only front where it runs (the cloud profile), else to the registry itself.
  const registryReader = front
    ? `${apps}/${naming.schemaRegistry.reader.service}:${naming.schemaRegistry.reader.port}`
    : registry;
  const cql = `${cassandra}/cassandra:${ports.cassandraNative}`;
  const apiServer = "kube-apiserver:443";

  it("holds a flow for every client the stack wires to a service", () => {
    const expected = [
      `${apps}/producer -> ${brokers}`,
      `${apps}/producer -> ${registry}`,
      `${apps}/${naming.spark.application} -> ${brokers}`,
      `${apps}/${naming.spark.application} -> ${cql}`,
      `${apps}/${naming.spark.application} -> ${registryReader}`,
      `${apps}/dashboard -> ${cql}`,
      `${apps}/schema-registry -> ${brokers}`,
      `${apps}/control-center -> ${brokers}`,
      `${apps}/control-center -> ${registryReader}`,
      ...(front ? [`${apps}/${naming.schemaRegistry.reader.service} -> ${registry}`] : []),
      `${airflow}/airflow -> ${airflow}/postgres:${ports.postgres}`,
      `${apps}/${naming.airflow.producerTaskApp} -> ${brokers}`,
      `${apps}/${naming.airflow.producerTaskApp} -> ${registry}`,
      `${airflow}/airflow-worker -> ${apiServer}`,
      `${cassandra}/${naming.cassandra.schemaJob} -> ${cql}`,
      `${kafka}/${naming.gates.kafka} -> ${apiServer}`,
      `${cassandra}/${naming.gates.cassandra} -> ${apiServer}`,
      `${airflow}/${naming.gates.postgres} -> ${apiServer}`,
      ...(profile === "cloud" ? [`${certManager}/${naming.gates.certificateAuthority} -> ${apiServer}`] : []),
    ];
    expect(edges).toEqual(expect.arrayContaining(expected));
    // With the front, only the producers reach the registry itself (its API has no authorization: the network is
    // the grant).
    const writers = edges.filter((edge) => edge.endsWith(` -> ${registry}`)).map((edge) => edge.split(" -> ")[0]);
    if (front)
      expect(writers.sort()).toEqual(
        [
          `${apps}/producer`,
          `${apps}/${naming.airflow.producerTaskApp}`,
          `${apps}/${naming.schemaRegistry.reader.service}`,
        ].sort(),
      );
  });

  it("is, one flow a line, what the snapshot pins (the NetworkPolicies are derived from it)", () => {
    const line = (flow: (typeof flows)[number]) =>
      `${peerName(flow.from)} -> ${peerName(flow.to)}:${flow.port}${flow.protocol === "UDP" ? "/UDP" : ""}  ${flow.purpose}`;
    expect(flows.map(line).join("\n")).toMatchSnapshot();
  });

  it("reaches the brokers on the listener the profile's clients use", () => {
    expect(naming.kafka.bootstrap.port).toBe(profile === "cloud" ? ports.kafkaTls : ports.kafkaPlain);
  });
});

/** The labels of every pod template the stack ships itself, by workload name and namespace. */
function podTemplates(profile: (typeof profiles)[number], helm: string) {
  const stack = synthesize(profile);
  const templates: { name: string; namespace: string; labels: Record<string, string> }[] = [];
  const add = (name: string, namespace: string, labels: unknown) =>
    templates.push({ name, namespace, labels: (labels ?? {}) as Record<string, string> });
  for (const { object, release } of stack.manifestObjects) {
    const namespace = object.metadata.namespace ?? release.namespace;
    const spec = (object.spec ?? {}) as Record<string, { labels?: unknown; metadata?: { labels?: unknown } }>;
    if (object.kind === "Job") add(object.metadata.name, namespace, spec.template?.metadata?.labels);
    if (object.kind === "SparkApplication") {
      // Spark adds spark-role to the labels the application gives (kubeflow/spark-operator pkg/common/spark.go).
      for (const role of ["driver", "executor"] as const) {
        add(`${object.metadata.name}-${role}`, namespace, { ...(spec[role]?.labels ?? {}), "spark-role": role });
      }
    }
  }
  for (const release of stack.releases.filter((r) => r.local && !Array.isArray(r.values.resources))) {
    for (const object of renderLocalRelease(release, helm) as unknown as KubernetesObject[]) {
      const spec = (object.spec ?? {}) as { template?: { metadata?: { labels?: unknown } } };
      if (object.kind === "Deployment") add(object.metadata.name, release.namespace, spec.template?.metadata?.labels);
    }
  }
  return templates;
}

const helm = helmBinary();
const describeWithHelm = helm ? describe.each(profiles) : describe.skip.each(profiles);
if (!helm) process.stdout.write("grants: label checks skipped, no helm binary (tools/build.sh or STREAMSTACK_HELM)\n");

describeWithHelm("the peers of our own workloads (%s)", (profile) => {
  const { flows, naming } = graphOf(profile);
  // describe.skip still runs this body to collect the tests: render nothing without helm.
  const templates = helm ? podTemplates(profile, helm) : [];
  const ours = (peer: Peer): peer is PodsPeer =>
    peer.kind === "pods" && peer.labels["app.kubernetes.io/part-of"] === "streamstack";
  const peers = new Map(
    flows
      .flatMap((flow) => [flow.from, flow.to])
      .filter(ours)
      .map((peer) => [`${peer.namespace}/${peer.name}`, peer]),
  );

  it("select exactly the pods of the workload they name", () => {
    // The DAG's producer pods are created by Airflow at run time, checked against the DAG's source below.
    peers.delete(`${naming.namespaces.apps}/${naming.airflow.producerTaskApp}`);
    const problems = [...peers.values()].flatMap((peer) => {
      const matched = templates.filter(
        (template) =>
          template.namespace === peer.namespace &&
          Object.entries(peer.labels).every(([key, value]) => template.labels[key] === value),
      );
      if (matched.length === 0) return [`${peer.namespace}/${peer.name} selects no pod`];
      const strangers = matched.filter((template) => !template.name.startsWith(peer.name));
      return strangers.map((template) => `${peer.namespace}/${peer.name} also selects ${template.name}`);
    });
    expect(problems).toEqual([]);
    expect(peers.size).toBeGreaterThanOrEqual(8);
  });

  it("label the DAG's producer pods as the producer DAG does", () => {
    const producerTasks = flows
      .map((flow) => flow.from)
      .find((peer) => peer.kind === "pods" && peer.name === "streamstack-producer");
    expect(producerTasks?.kind).toBe("pods");
    const labels = producerTasks?.kind === "pods" ? producerTasks.labels : {};
    const dictionary = Object.entries(labels)
      .sort(([a], [b]) => (a === "app.kubernetes.io/name" ? -1 : b === "app.kubernetes.io/name" ? 1 : 0))
      .map(([key, value]) => `"${key}": "${value}"`)
      .join(", ");
    const dag = readFileSync(join(__dirname, "..", "..", "apps", "dags", "produce_users.py"), "utf8");
    expect(dag).toContain(`labels={${dictionary}}`);
  });
});

describe("construct errors", () => {
  it("name the construct's path", () => {
    const kafkaConfig = loadConfig({ profile: "cloud" });
    expect(() =>
      Testing.synthScope((scope) => {
        new StrimziKafka(scope, "events", {
          settings: kafkaConfig.kafka,
          naming: deriveNaming(kafkaConfig),
          gateImage: nodeImageOf(kafkaConfig),
          dependsOn: [],
        });
      }),
    ).toThrow(/^[\w-]+\/events: kafka\.authentication needs the certificate authority/);
  });

  it("name the construct's path and the grantee's when a grant exceeds the client's role", () => {
    const config = loadConfig({});
    expect(() =>
      Testing.synthScope((scope) => {
        const cassandra = new Cassandra(scope, "store", {
          settings: config.cassandra,
          operatorResources: config.operatorResources,
          gateImage: nodeImageOf(config),
          naming: deriveNaming(config),
          credentialsFor: [],
          imagePullPolicy: config.cluster.imagePullPolicy,
          dependsOn: [],
        });
        const pods = { kind: "pods" as const, name: "viewer", namespace: "apps", labels: { app: "viewer" } };
        cassandra.grantReadWrite({ node: scope.node, pods, cassandraClient: "dashboard" });
      }),
    ).toThrow(/^[\w-]+\/store: [\w-]+ needs MODIFY on the table, which role dashboard lacks/);
  });
});
