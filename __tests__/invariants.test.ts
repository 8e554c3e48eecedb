import type { KubernetesObject } from "../constructs/kubernetes-object";
import { isCoreKind } from "../validation/core-validator";
import {
  profileModeMatrix,
  synthesize,
  synthesizeMatrixEntry,
  upstreamReleases,
  withReleaseChanged,
  type SynthesizedStack,
} from "./support/synth";
import { text } from "../validation/text";

/** Which upstream chart installs the CRDs of each API group the stack uses. */
const operatorChartOfGroup: Readonly<Record<string, string>> = {
  "kafka.strimzi.io": "strimzi-kafka-operator",
  "sparkoperator.k8s.io": "spark-operator",
  "k8ssandra.io": "k8ssandra-operator",
  "postgresql.cnpg.io": "cloudnative-pg",
  "cert-manager.io": "cert-manager",
};

const apiGroup = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");

type Json = Record<string, unknown>;
const asJson = (value: unknown) => (value ?? {}) as Json;

/** Every container spec in an object, wherever the kind keeps it. */
function podSpecs(object: KubernetesObject): Json[] {
  const spec = asJson(object.spec);
  if (object.kind === "Job") return [asJson(asJson(asJson(spec.template).spec))];
  if (object.kind === "SparkApplication") return [asJson(spec.driver), asJson(spec.executor)];
  return [];
}

interface Provided {
  readonly kafkaBootstraps: Set<string>;
  readonly schemaRegistryUrls: Set<string>;
  readonly cassandraHosts: Set<string>;
  /** namespace/name of every Secret some component creates. */
  readonly secrets: Set<string>;
}

/** What the emitted objects provide, derived from the objects themselves with the operators' documented naming. */
function provided(stack: SynthesizedStack): Provided {
  const result: Provided = {
    kafkaBootstraps: new Set(),
    schemaRegistryUrls: new Set(),
    cassandraHosts: new Set(),
    secrets: new Set(),
  };
  for (const { object, release } of stack.manifestObjects) {
    const spec = asJson(object.spec);
    const namespace = object.metadata.namespace ?? release.namespace;
    if (object.kind === "Kafka") {
      for (const listener of asJson(spec.kafka).listeners as Json[]) {
        result.kafkaBootstraps.add(`${object.metadata.name}-kafka-bootstrap.${namespace}.svc:${String(listener.port)}`);
      }
    }
    if (object.kind === "K8ssandraCluster") {
      for (const datacenter of asJson(spec.cassandra).datacenters as Json[]) {
        result.cassandraHosts.add(
          `${object.metadata.name}-${String(asJson(datacenter.metadata).name)}-service.${namespace}.svc`,
        );
      }
    }
    // Strimzi's user operator writes each KafkaUser's secret under the user's name, in the user's namespace.
    if (object.kind === "KafkaUser") result.secrets.add(`${namespace}/${object.metadata.name}`);
    if (object.kind === "Certificate") result.secrets.add(`${namespace}/${String(spec.secretName)}`);
    if (object.kind === "Secret") result.secrets.add(`${namespace}/${object.metadata.name}`);
  }
  for (const release of stack.releases) {
    for (const generated of (release.values.generatedSecrets as Json[] | undefined) ?? []) {
      for (const namespace of generated.namespaces as string[])
        result.secrets.add(`${namespace}/${String(generated.name)}`);
    }
    if (release.local && "storeTopic" in release.values) {
      result.schemaRegistryUrls.add(`http://${release.name}.${release.namespace}.svc:8081`);
    }
    // The registry's read-only front serves the same API on its own Service (its upstream is checked as a use).
    const env = release.values.env as Json | undefined;
    if (release.local && env && typeof env.REGISTRY_READER_PORT === "string") {
      result.schemaRegistryUrls.add(`http://${release.name}.${release.namespace}.svc:${env.REGISTRY_READER_PORT}`);
    }
  }
  return result;
}

interface Used {
  readonly where: string;
  readonly kind: "kafka" | "schemaRegistry" | "cassandra" | "secret";
  readonly value: string;
}

/** Every address and secret a component is configured with. */
function used(stack: SynthesizedStack): Used[] {
  const uses: Used[] = [];
  const fromEnv = (where: string, namespace: string, env: Record<string, unknown>) => {
    for (const [name, value] of Object.entries(env)) {
      if (name === "KAFKA_BOOTSTRAP_SERVERS") uses.push({ where, kind: "kafka", value: String(value) });
      if (name === "SCHEMA_REGISTRY_URL" || name === "REGISTRY_READER_UPSTREAM")
        uses.push({ where, kind: "schemaRegistry", value: String(value) });
      if (name === "CASSANDRA_CONTACT_POINTS" || name === "CASSANDRA_HOST")
        uses.push({ where, kind: "cassandra", value: String(value) });
    }
    void namespace;
  };
  const envListToMap = (list: Json[] | undefined) =>
    Object.fromEntries((list ?? []).filter((e) => "value" in e).map((e) => [String(e.name), e.value]));

  for (const release of stack.releases.filter((r) => r.local)) {
    const values = release.values;
    const where = `release ${release.name}`;
    const kafka = values.kafka as Json | undefined;
    if (kafka) {
      uses.push({ where, kind: "kafka", value: String(kafka.bootstrapServers) });
      for (const key of ["credentialsSecret", "caSecret"]) {
        if (kafka[key]) uses.push({ where, kind: "secret", value: `${release.namespace}/${text(kafka[key])}` });
      }
    }
    if (typeof values.schemaRegistryUrl === "string" && values.schemaRegistryUrl) {
      uses.push({ where, kind: "schemaRegistry", value: values.schemaRegistryUrl });
    }
    if (values.env && !Array.isArray(values.env)) fromEnv(where, release.namespace, values.env as Json);
    for (const secretEnv of (values.secretEnv as Json[] | undefined) ?? []) {
      uses.push({ where, kind: "secret", value: `${release.namespace}/${String(secretEnv.secretName)}` });
    }
    for (const file of (values.secretFiles as Json[] | undefined) ?? []) {
      uses.push({ where, kind: "secret", value: `${release.namespace}/${String(file.secretName)}` });
    }
  }
  for (const { object, release } of stack.manifestObjects) {
    const namespace = object.metadata.namespace ?? release.namespace;
    const where = `${object.kind}/${object.metadata.name}`;
    if (object.kind === "ConfigMap" && object.metadata.name.endsWith("producer-env"))
      fromEnv(where, namespace, asJson(object.data));
    for (const pod of podSpecs(object)) {
      const containers = (pod.containers as Json[] | undefined) ?? [pod];
      for (const container of containers) {
        const env = container.env as Json[] | undefined;
        fromEnv(where, namespace, envListToMap(env));
        for (const variable of env ?? []) {
          const reference = asJson(asJson(variable.valueFrom).secretKeyRef);
          if (reference.name) uses.push({ where, kind: "secret", value: `${namespace}/${text(reference.name)}` });
        }
      }
    }
    for (const volume of [
      ...((asJson(object.spec).volumes as Json[] | undefined) ?? []),
      ...((asJson(asJson(asJson(object.spec).template).spec).volumes as Json[] | undefined) ?? []),
    ]) {
      const secret = asJson(volume.secret);
      if (secret.secretName) uses.push({ where, kind: "secret", value: `${namespace}/${text(secret.secretName)}` });
    }
  }
  return uses;
}

describe.each(profileModeMatrix)("invariants of the $profile profile in $mode mode", (entry) => {
  const stack = synthesizeMatrixEntry(entry);

  it("delivers custom resources only through releases that depend on their operator's release", () => {
    for (const { object, release } of stack.manifestObjects) {
      const group = apiGroup(object.apiVersion);
      const operatorChart = operatorChartOfGroup[group];
      if (isCoreKind(object.apiVersion, object.kind)) continue;
      expect({ object: `${object.kind}/${object.metadata.name}`, operatorChart }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        operatorChart: expect.any(String),
      });
      const ownOperator = upstreamReleases(stack, release).some((r) => r.chart === operatorChart);
      // cert-manager switched off means the cluster provides it, so there is no release to wait for.
      const clusterProvides = operatorChart === "cert-manager" && !stack.config.certManager.enabled;
      expect({
        object: `${object.kind}/${object.metadata.name}`,
        waitsForOperator: ownOperator || clusterProvides,
      }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        waitsForOperator: true,
      });
    }
  });

  it("escapes every template sequence in Helm values, so Terraform passes bundled code through untouched", () => {
    for (const release of stack.releases) {
      expect({
        release: release.name,
        unescaped: /(^|[^$])\$\{|(^|[^%])%\{/.test(release.rawValues.replace(/([$%])\1\{/g, "")),
      }).toEqual({
        release: release.name,
        unescaped: false,
      });
    }
    // The producer bundle really contains template literals: the check above is not vacuous.
    expect(stack.release("producer").rawValues).toContain("$${");
  });

  it("uses no kubernetes_manifest", () => {
    expect(Object.keys(stack.resourcesOfType("kubernetes_manifest"))).toEqual([]);
  });

  it("wires every address and secret a component uses to one another component provides", () => {
    const offer = provided(stack);
    const problems = used(stack).filter((use) => {
      switch (use.kind) {
        case "kafka":
          return !use.value.split(",").every((address) => offer.kafkaBootstraps.has(address));
        case "schemaRegistry":
          return !offer.schemaRegistryUrls.has(use.value);
        case "cassandra":
          return !use.value.split(",").every((host) => offer.cassandraHosts.has(host.split(":")[0]));
        case "secret":
          return !offer.secrets.has(use.value);
      }
    });
    expect(problems).toEqual([]);
    // The check is not vacuous: every kind of wiring occurs.
    expect(new Set(used(stack).map((use) => use.kind))).toEqual(
      new Set(["kafka", "schemaRegistry", "cassandra", "secret"]),
    );
  });
});

describe("the wiring check catches a component pointing nowhere", () => {
  it("finds a Kafka address no Kafka listener serves", () => {
    const stack = synthesize("kind");
    const broken = withReleaseChanged(stack, "schema-registry", (release) => ({
      ...release,
      values: { ...release.values, kafka: { ...(release.values.kafka as object), bootstrapServers: "kafka:9092" } },
    }));
    const offer = provided(broken);
    const bad = used(broken).filter((use) => use.kind === "kafka" && !offer.kafkaBootstraps.has(use.value));
    expect(bad).toEqual([{ where: "release schema-registry", kind: "kafka", value: "kafka:9092" }]);
  });
});

describe.each([
  ["kafka", { kafka: { enabled: false } }],
  ["cassandra", { cassandra: { enabled: false } }],
  ["postgres", { postgres: { enabled: false } }],
  ["schemaRegistry", { schemaRegistry: { enabled: false } }],
  ["spark", { spark: { enabled: false } }],
  // An outside cert-manager cannot hold the stack's CA (config/load.ts), so the cloud profile drops Kafka authentication.
  ["certManager", { certManager: { enabled: false }, kafka: { authentication: "none" } }],
  ["airflow", { airflow: { enabled: false } }],
  ["controlCenter", { controlCenter: { enabled: false } }],
  ["producer", { apps: { producer: { enabled: false } } }],
  ["dashboard", { apps: { dashboard: { enabled: false } } }],
])("with %s switched off", (_component, overrides) => {
  for (const profile of ["kind", "cloud"] as const) {
    it(`the ${profile} stack still wires up and orders correctly`, () => {
      const stack = synthesize(profile, overrides);
      const offer = provided(stack);
      const dangling = used(stack).filter((use) =>
        use.kind === "secret"
          ? !offer.secrets.has(use.value)
          : use.kind === "kafka"
            ? !offer.kafkaBootstraps.has(use.value)
            : use.kind === "schemaRegistry"
              ? !offer.schemaRegistryUrls.has(use.value)
              : !offer.cassandraHosts.has(use.value),
      );
      expect(dangling).toEqual([]);
      const releaseIds = new Set(stack.releases.map((r) => r.id));
      const namespaceIds = new Set(Object.keys(stack.resourcesOfType("kubernetes_namespace_v1")));
      for (const release of stack.releases) {
        for (const id of release.dependsOn) expect(releaseIds.has(id)).toBe(true);
        expect(stack.json.resource).toBeDefined();
        void namespaceIds;
      }
    });
  }
});
