import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { KubernetesObject } from "../constructs/kubernetes-object";
import { charts } from "../config/versions";
import { schemaDirectory } from "../validation/schema-directory";
import {
  profileModeMatrix,
  synthesizeMatrixEntry,
  transitiveDependencies,
  type SynthesizedStack,
} from "./support/synth";

// Invariants for the Strimzi behaviour we rely on, over every profile × Kafka mode (upstream notes: constructs/kafka.upstream.md).

const watchedNamespaceVariable = "STRIMZI_ENTITY_OPERATOR_WATCHED_NAMESPACE_ENABLED";
const networkPolicyVariable = "STRIMZI_NETWORK_POLICY_GENERATION";
const strimziChart = "strimzi-kafka-operator";

interface EntityOperatorSpec {
  readonly topicOperator?: { readonly watchedNamespace?: string };
  readonly userOperator?: { readonly watchedNamespace?: string };
}
interface Listener {
  readonly name: string;
  readonly configuration?: { readonly brokerCertChainAndKey?: { readonly secretName: string } };
}
interface KafkaSpec {
  readonly entityOperator?: EntityOperatorSpec;
  readonly kafka: { readonly listeners: readonly Listener[] };
}

const entries = profileModeMatrix.map((entry) => [`${entry.profile} × ${entry.mode}`, entry] as const);

function objectsOf(stack: SynthesizedStack, kind: string, group: string): KubernetesObject[] {
  return stack.manifestObjects
    .map(({ object }) => object)
    .filter((object) => object.kind === kind && object.apiVersion.startsWith(`${group}/`));
}

function kafkaSpec(kafka: KubernetesObject): KafkaSpec {
  return kafka.spec as KafkaSpec;
}

/** Strimzi defaults an operator's watchedNamespace to the Kafka resource's namespace. */
function otherWatchedNamespaces(kafka: KubernetesObject): string[] {
  const { topicOperator, userOperator } = kafkaSpec(kafka).entityOperator ?? {};
  const own = kafka.metadata.namespace;
  return [topicOperator, userOperator].flatMap((operator) =>
    operator?.watchedNamespace && operator.watchedNamespace !== own ? [operator.watchedNamespace] : [],
  );
}

function operatorRelease(stack: SynthesizedStack) {
  const operators = stack.releases.filter((release) => release.chart === strimziChart);
  expect(operators).toHaveLength(1);
  const [operator] = operators;
  if (!operator) throw new Error("no Strimzi operator release");
  return operator;
}

function versionAtLeast(version: string, major: number, minor: number, patch: number): boolean {
  const [a = 0, b = 0, c = 0] = version.split(".").map(Number);
  return a !== major ? a > major : b !== minor ? b > minor : c >= patch;
}

function rawRelease(stack: SynthesizedStack, id: string): Record<string, unknown> {
  const raw = stack.resourcesOfType("helm_release")[id];
  if (!raw) throw new Error(`no helm_release ${id}`);
  return raw;
}

describe("Strimzi semantics in every synthesized stack", () => {
  const crossNamespaceOnOneDotX: string[] = [];
  const listenerCertificates: string[] = [];

  afterAll(() => {
    // Non-vacuity: the matrix holds a Strimzi ≥ 1.0.1 entity operator watching another namespace, and a custom listener certificate.
    expect(crossNamespaceOnOneDotX.length).toBeGreaterThan(0);
    expect(listenerCertificates.length).toBeGreaterThan(0);
  });

  it.each(entries)(
    "%s: an entity operator watching another namespace is allowed by the cluster operator (variable from Strimzi 1.0.1, RBAC)",
    (label, entry) => {
      const stack = synthesizeMatrixEntry(entry);
      const operator = operatorRelease(stack);
      const env = (operator.values.extraEnvs ?? []) as { name: string; value: string }[];
      const variable = env.find((item) => item.name === watchedNamespaceVariable);
      const version = operator.version ?? "";
      const watched = objectsOf(stack, "Kafka", "kafka.strimzi.io").flatMap(otherWatchedNamespaces);
      if (versionAtLeast(version, 1, 0, 1)) {
        if (watched.length > 0) {
          expect(variable).toEqual({ name: watchedNamespaceVariable, value: "true" });
          crossNamespaceOnOneDotX.push(label);
        }
      } else {
        // Strimzi before 1.0.1 does not read the variable (ClusterOperatorConfig at 0.45.2 has no such parameter).
        expect(variable).toBeUndefined();
      }
      // The chart grants the cluster operator (and the entity operator through it) rights only in watchNamespaces.
      expect((operator.values.watchNamespaces ?? []) as string[]).toEqual(expect.arrayContaining(watched));
    },
  );

  it.each(entries)(
    "%s: the operator generates no NetworkPolicies, through the chart's generateNetworkPolicy value and only through it",
    (_label, entry) => {
      const operator = operatorRelease(synthesizeMatrixEntry(entry));
      const pinned = Object.values(charts).find(
        (chart) => chart.chart === strimziChart && chart.version === operator.version,
      );
      if (!pinned?.referenceFolder) throw new Error(`no pinned Strimzi chart ${operator.version ?? ""}`);
      const defaults = parse(
        readFileSync(join(schemaDirectory(), pinned.referenceFolder, "chart-values.yaml"), "utf8"),
      ) as Record<string, unknown>;
      // 060-Deployment-strimzi-cluster-operator.yaml renders the variable only when the value differs from this default.
      expect(defaults.generateNetworkPolicy).toBe(true);
      expect(operator.values.generateNetworkPolicy).toBe(false);
      const env = (operator.values.extraEnvs ?? []) as { name: string }[];
      expect(env.map((item) => item.name)).not.toContain(networkPolicyVariable);
    },
  );

  it.each(entries)(
    "%s: a User Operator runs exactly when there are KafkaUsers, and watches their namespace",
    (_label, entry) => {
      const stack = synthesizeMatrixEntry(entry);
      for (const kafka of objectsOf(stack, "Kafka", "kafka.strimzi.io")) {
        const users = objectsOf(stack, "KafkaUser", "kafka.strimzi.io").filter(
          (user) => user.metadata.labels?.["strimzi.io/cluster"] === kafka.metadata.name,
        );
        const userOperator = kafkaSpec(kafka).entityOperator?.userOperator;
        expect(userOperator !== undefined).toBe(users.length > 0);
        const watched = userOperator?.watchedNamespace ?? kafka.metadata.namespace;
        for (const user of users) expect(user.metadata.namespace).toBe(watched);
      }
    },
  );

  it.each(entries)("%s: every certificate a Strimzi listener serves has an unencrypted PKCS#8 key", (label, entry) => {
    const stack = synthesizeMatrixEntry(entry);
    const certificates = objectsOf(stack, "Certificate", "cert-manager.io");
    for (const kafka of objectsOf(stack, "Kafka", "kafka.strimzi.io")) {
      for (const listener of kafkaSpec(kafka).kafka.listeners) {
        const secretName = listener.configuration?.brokerCertChainAndKey?.secretName;
        if (!secretName) continue;
        const issuing = certificates.filter(
          (c) =>
            c.metadata.namespace === kafka.metadata.namespace &&
            (c.spec as { secretName: string }).secretName === secretName,
        );
        expect(issuing).toHaveLength(1);
        expect((issuing[0].spec as { privateKey?: { encoding?: string } }).privateKey?.encoding).toBe("PKCS8");
        listenerCertificates.push(`${label}: ${listener.name}`);
      }
    }
  });

  it.each(entries)(
    "%s: the Strimzi CRDs are a release of their own, from the operator's chart, before the operator",
    (_label, entry) => {
      const stack = synthesizeMatrixEntry(entry);
      const operator = operatorRelease(stack);
      // The operator's crds/ would be installed once and never upgraded.
      expect(rawRelease(stack, operator.id).skip_crds).toBe(true);

      const templates =
        (stack.json.data as Record<string, Record<string, Record<string, unknown>>> | undefined)?.helm_template ?? {};
      const sources = Object.entries(templates).filter(([, source]) => source.chart === strimziChart);
      expect(sources).toHaveLength(1);
      const [templateId, source] = sources[0] ?? ["", {}];
      // The CRDs come from the very chart version the operator release installs.
      expect([source.repository, source.version]).toEqual([operator.repository, operator.version]);
      // Read at plan time: a data source with depends_on is deferred to apply.
      expect(source.depends_on).toBeUndefined();

      const crdReleases = stack.releases.filter((release) =>
        ((rawRelease(stack, release.id).values as string[] | undefined) ?? []).some((text) =>
          text.includes(`data.helm_template.${templateId}.crds`),
        ),
      );
      expect(crdReleases.map((release) => release.local)).toEqual([true]);
      const crdRelease = crdReleases[0];
      if (!crdRelease) return;
      expect(rawRelease(stack, crdRelease.id).take_ownership).toBe(true);
      expect(transitiveDependencies(stack, operator).has(crdRelease.id)).toBe(true);
      // Every release carrying Strimzi resources waits for the operator (and so for the CRDs).
      const carriers = new Set(
        stack.manifestObjects
          .filter(({ object }) => object.apiVersion.startsWith("kafka.strimzi.io/"))
          .map(({ release }) => release),
      );
      expect(carriers.size).toBeGreaterThan(0);
      for (const carrier of carriers) expect(transitiveDependencies(stack, carrier).has(operator.id)).toBe(true);
    },
  );
});
