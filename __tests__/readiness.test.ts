import type { KubernetesObject } from "../constructs/kubernetes-object";
import { gateComponent } from "../constructs/resources/readiness-gate";
import { pluralOf } from "../constructs/resources/readiness";
import {
  profileModeMatrix,
  synthesize,
  synthesizeMatrixEntry,
  transitiveDependencies,
  withReleaseChanged,
  type SynthesizedRelease,
  type SynthesizedStack,
} from "./support/synth";

/**
 * Helm's wait treats custom resources as ready the moment they exist, so every release that uses a service backed
 * by a custom resource must (transitively) depend on a readiness gate for that resource. Everything here is derived
 * from the synthesized objects: which service each CR provides, who uses it, and what each gate waits for.
 */

type Json = Record<string, unknown>;
const asJson = (value: unknown) => (value ?? {}) as Json;

interface Gate {
  readonly release: SynthesizedRelease;
  readonly job: KubernetesObject;
  /** `plural/namespace/name` of every object the gate waits for. */
  readonly waitsFor: ReadonlySet<string>;
  readonly timeoutSeconds: number;
}

function jobEnvironment(job: KubernetesObject): Record<string, string> {
  const pod = asJson(asJson(asJson(job.spec).template).spec);
  const container = (pod.containers as Json[])[0] ?? {};
  return Object.fromEntries(
    ((container.env as Json[] | undefined) ?? []).map((variable) => [String(variable.name), String(variable.value)]),
  );
}

function gatesOf(stack: SynthesizedStack): Gate[] {
  return stack.manifestObjects
    .filter(
      ({ object }) =>
        object.kind === "Job" && object.metadata.labels?.["app.kubernetes.io/component"] === gateComponent,
    )
    .map(({ object, release }) => {
      const env = jobEnvironment(object);
      const targets = JSON.parse(env.GATE_TARGETS ?? "[]") as { apiPath: string }[];
      const waitsFor = new Set(
        targets.map((target) => {
          const match = /^\/apis\/[^/]+\/[^/]+\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(target.apiPath);
          if (!match) throw new Error(`gate ${release.name}: unexpected apiPath ${target.apiPath}`);
          return `${match[2]}/${match[1]}/${match[3]}`;
        }),
      );
      return { release, job: object, waitsFor, timeoutSeconds: Number(env.GATE_TIMEOUT_SECONDS) };
    });
}

const keyOf = (object: KubernetesObject, release: SynthesizedRelease) =>
  `${pluralOf(object)}/${object.metadata.namespace ?? release.namespace}/${object.metadata.name}`;

/** A name as a whole token in a release's values (not part of a longer name). */
function mentions(release: SynthesizedRelease, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9_.-])${escaped}([^A-Za-z0-9_-]|$)`).test(release.rawValues);
}

interface Service {
  /** What the service is, for messages. */
  readonly what: string;
  /** The release that creates the custom resource(s). */
  readonly carrier: SynthesizedRelease;
  /** Names whose appearance in a release's values makes it a user of the service. */
  readonly usedThrough: readonly string[];
  /** Objects a user must see ready, as `plural/namespace/name`. */
  readonly mustBeReady: readonly string[];
  /** Releases a user must also wait for (the Cassandra schema Job's). */
  readonly alsoAfter: readonly SynthesizedRelease[];
}

/** Every CR-backed service the stack provides, with the names that reveal its users. */
function servicesOf(stack: SynthesizedStack): Service[] {
  const services: Service[] = [];
  const all = stack.manifestObjects;
  for (const { object, release } of all) {
    const namespace = object.metadata.namespace ?? release.namespace;
    const spec = asJson(object.spec);
    if (object.kind === "Kafka") {
      const cluster = object.metadata.name;
      // Topics and users of this cluster, and the certificates shipped with it (TLS listener, client trust).
      const parts = all.filter(
        (other) =>
          ((other.object.kind === "KafkaTopic" || other.object.kind === "KafkaUser") &&
            other.object.metadata.labels?.["strimzi.io/cluster"] === cluster) ||
          (other.object.kind === "Certificate" && other.release.id === release.id),
      );
      services.push({
        what: `Kafka ${namespace}/${cluster}`,
        carrier: release,
        usedThrough: [`${cluster}-kafka-bootstrap.${namespace}.svc`],
        mustBeReady: [keyOf(object, release), ...parts.map((part) => keyOf(part.object, part.release))],
        alsoAfter: [],
      });
    }
    if (object.kind === "K8ssandraCluster") {
      const datacenters = asJson(spec.cassandra).datacenters as Json[];
      const hosts = datacenters.map(
        (dc) => `${object.metadata.name}-${String(asJson(dc.metadata).name)}-service.${namespace}.svc`,
      );
      // The release whose Job applies the CQL (the Job mounts a ConfigMap carrying schema.cql).
      const schemaReleases = stack.releases.filter((candidate) =>
        all.some(
          (other) =>
            other.release.id === candidate.id &&
            other.object.kind === "ConfigMap" &&
            "schema.cql" in asJson(other.object.data) &&
            (other.object.metadata.namespace ?? candidate.namespace) === namespace,
        ),
      );
      services.push({
        what: `K8ssandraCluster ${namespace}/${object.metadata.name}`,
        carrier: release,
        usedThrough: hosts,
        mustBeReady: [keyOf(object, release)],
        alsoAfter: schemaReleases,
      });
    }
    if (object.kind === "Cluster" && object.apiVersion.startsWith("postgresql.cnpg.io/")) {
      const host = `${object.metadata.name}-rw.${namespace}.svc`;
      // Credentials whose derived keys embed the address (Airflow's connection URL) reveal users too.
      const secrets = ((release.values.generatedSecrets as Json[] | undefined) ?? [])
        .filter((secret) =>
          Object.values(asJson(secret.derivedKeys)).some((template) => String(template).includes(host)),
        )
        .map((secret) => String(secret.name));
      services.push({
        what: `PostgreSQL Cluster ${namespace}/${object.metadata.name}`,
        carrier: release,
        usedThrough: [host, ...secrets],
        mustBeReady: [keyOf(object, release)],
        alsoAfter: [],
      });
    }
    if (object.kind === "Certificate") {
      const secretName = String(spec.secretName);
      services.push({
        what: `Certificate ${namespace}/${object.metadata.name}`,
        carrier: release,
        usedThrough: [secretName],
        mustBeReady: [keyOf(object, release)],
        alsoAfter: [],
      });
    }
  }
  return services;
}

interface Use {
  readonly user: string;
  readonly service: string;
}

/** Each (user, service) pair, and those whose user does not wait for the gates and releases the service needs. */
function checkUses(stack: SynthesizedStack): { uses: Use[]; ungated: string[] } {
  const gates = gatesOf(stack);
  const gateIds = new Set(gates.map((gate) => gate.release.id));
  const uses: Use[] = [];
  const ungated: string[] = [];
  for (const service of servicesOf(stack)) {
    const users = stack.releases.filter(
      (release) =>
        release.id !== service.carrier.id &&
        !gateIds.has(release.id) &&
        service.usedThrough.some((name) => mentions(release, name)),
    );
    for (const user of users) {
      uses.push({ user: user.name, service: service.what });
      const upstream = transitiveDependencies(stack, user);
      const readyObjects = new Set(
        gates.filter((gate) => upstream.has(gate.release.id)).flatMap((gate) => [...gate.waitsFor]),
      );
      const missing = service.mustBeReady.filter((key) => !readyObjects.has(key));
      const notAfter = service.alsoAfter
        .filter((release) => release.id !== user.id && !upstream.has(release.id))
        .map((release) => `release ${release.name}`);
      if (missing.length + notAfter.length > 0) {
        ungated.push(`${user.name} uses ${service.what} without waiting for: ${[...missing, ...notAfter].join(", ")}`);
      }
    }
  }
  return { uses, ungated };
}

describe.each(profileModeMatrix)("readiness of the $profile profile in $mode mode", (entry) => {
  const stack = synthesizeMatrixEntry(entry);

  it("makes every user of a custom-resource-backed service wait for a gate on it", () => {
    const { uses, ungated } = checkUses(stack);
    expect(ungated).toEqual([]);
    // Not vacuous: the services and their users the pipeline has are all found.
    const pairs = uses.map((use) => `${use.user} -> ${use.service.split(" ")[0]}`);
    expect(pairs).toEqual(
      expect.arrayContaining([
        "schema-registry -> Kafka",
        "control-center -> Kafka",
        "streaming-job -> Kafka",
        "producer -> Kafka",
        "streaming-job -> K8ssandraCluster",
        "dashboard -> K8ssandraCluster",
        "cassandra-schema -> K8ssandraCluster",
        "airflow -> PostgreSQL",
      ]),
    );
    if (stack.config.kafka.authentication !== "none") {
      expect(pairs).toEqual(
        expect.arrayContaining(["schema-registry -> Certificate", "kafka-resources -> Certificate"]),
      );
    }
  });

  it("gives every gate, and every Job, a time limit Helm waits out", () => {
    const gates = gatesOf(stack);
    expect(gates.length).toBeGreaterThanOrEqual(3);
    const raw = stack.resourcesOfType("helm_release");
    for (const gate of gates) {
      const deadline = Number(asJson(gate.job.spec).activeDeadlineSeconds);
      const helmTimeout = Number(raw[gate.release.id]?.timeout);
      // The deadline counts from the Job's creation (image pull included), the gate's clock from its container's start;
      // Helm v3.18.4 reports a failed Job only after about 62 s of retries (pkg/kube/wait.go).
      expect({
        gate: gate.release.name,
        limit: gate.timeoutSeconds > 0,
        deadlineCoversStart: deadline >= gate.timeoutSeconds + 300,
        helmOutwaits: helmTimeout >= deadline + 62,
      }).toEqual({ gate: gate.release.name, limit: true, deadlineCoversStart: true, helmOutwaits: true });
      expect(asJson(gate.job.spec).backoffLimit).toBe(0);
    }
    for (const { object, release } of stack.manifestObjects.filter(({ object }) => object.kind === "Job")) {
      const deadline = Number(asJson(object.spec).activeDeadlineSeconds);
      expect({
        job: object.metadata.name,
        deadline: deadline > 0 && deadline < Number(raw[release.id]?.timeout),
      }).toEqual({ job: object.metadata.name, deadline: true });
    }
  });

  it("sets replace on every release, so a first install that failed can be installed again", () => {
    // The helm provider 3.1.1 keeps a failed first install out of state; Helm re-uses its name only with Replace.
    for (const release of Object.values(stack.resourcesOfType("helm_release"))) {
      expect({ release: release.name, replace: release.replace }).toEqual({ release: release.name, replace: true });
    }
  });

  it("turns on wait_for_jobs on every release, so Helm's wait covers the gates and the schema Job", () => {
    const raw = stack.resourcesOfType("helm_release");
    const withJobs = new Set(
      stack.manifestObjects.filter(({ object }) => object.kind === "Job").map(({ release }) => release.id),
    );
    expect(withJobs.size).toBeGreaterThan(0);
    // Upstream charts may carry Jobs we cannot see without rendering them, so every release waits for Jobs.
    for (const [id, release] of Object.entries(raw)) {
      expect({ release: release.name, wait: release.wait, waitForJobs: release.wait_for_jobs }).toEqual({
        release: release.name,
        wait: true,
        waitForJobs: true,
      });
      void id;
    }
  });

  it("grants each gate only `get` on the objects it waits for", () => {
    for (const gate of gatesOf(stack)) {
      const roles = stack.manifestObjects.filter(
        ({ object, release }) => release.id === gate.release.id && object.kind === "Role",
      );
      const granted = roles.flatMap(({ object }) =>
        ((object.rules as Json[]) ?? []).flatMap((rule) => {
          expect(rule.verbs).toEqual(["get"]);
          return (rule.resourceNames as string[]).map(
            (name) => `${(rule.resources as string[])[0]}/${String(object.metadata.namespace)}/${name}`,
          );
        }),
      );
      expect(new Set(granted)).toEqual(gate.waitsFor);
    }
  });
});

describe("the readiness check catches a user that does not wait", () => {
  it("reports schema-registry when it depends on the Kafka resources instead of the gate", () => {
    const stack = synthesize("kind");
    const kafkaResources = stack.release("kafka-resources");
    const broken = withReleaseChanged(stack, "schema-registry", (release) => ({
      ...release,
      dependsOn: [kafkaResources.id],
    }));
    const { ungated } = checkUses(broken);
    expect(ungated.filter((line) => line.startsWith("schema-registry "))).toEqual([
      expect.stringMatching(
        /^schema-registry uses Kafka streamstack-kafka\/streamstack without waiting for: kafkas\/streamstack-kafka\/streamstack, kafkatopics\//,
      ),
    ]);
  });

  it("reports the dashboard when it waits for the Cassandra gate but not the schema Job", () => {
    const stack = synthesize("kind");
    const gate = stack.release("cassandra-ready");
    const broken = withReleaseChanged(stack, "dashboard", (release) => ({ ...release, dependsOn: [gate.id] }));
    expect(checkUses(broken).ungated).toEqual([
      expect.stringMatching(/^dashboard uses K8ssandraCluster .* without waiting for: release cassandra-schema$/),
    ]);
  });
});
