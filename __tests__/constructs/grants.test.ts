import { Testing } from "cdktf";
import { loadConfig } from "../../config/load";
import { deriveNaming, ports } from "../../config/naming";
import { Cassandra } from "../../constructs/cassandra";
import type { Peer } from "../../constructs/connections";
import { StrimziKafka } from "../../constructs/kafka";
import { graphOf, profiles } from "../support/connection-graph";
import { nodeImageOf } from "../../constructs/container-image";

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
