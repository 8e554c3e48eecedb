import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Peer } from "../../constructs/connections";
import type { PodsPeer } from "../../constructs/grants";
import type { KubernetesObject } from "../../constructs/kubernetes-object";
import { graphOf, profiles } from "../support/connection-graph";
import { helmBinary, renderLocalRelease } from "../support/render-local-chart";
import { synthesize } from "../support/synth";

// The pod selectors of the connection graph (grants.test.ts) against the pods our charts render with helm.

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
if (!helm)
  process.stdout.write("grant-peers: label checks skipped, no helm binary (tools/build.sh or STREAMSTACK_HELM)\n");

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
