import {
  diffSummaries,
  renderSummary,
  summarizeStack,
  withHashesMasked,
  type SummarySection,
} from "../scripts/lib/release-summary";
import { profileModeMatrix, synthesizeMatrixEntry } from "./support/synth";

type Profile = (typeof profileModeMatrix)[number]["profile"];
type Mode = (typeof profileModeMatrix)[number]["mode"];

/**
 * The NetworkPolicies of a network-policies release, by name only: they are derived from the connection graph, which
 * constructs/grants.test.ts snapshots one flow a line, and the policy analysis proves them equal to it. In full they
 * would triple this file.
 */
function withPoliciesByName(section: SummarySection): SummarySection {
  if (!section.heading.endsWith("/network-policies") && section.heading !== "release network-policies") return section;
  const policies = section.sections.map((object) => object.heading.replace(/^object NetworkPolicy\/[^/]+\//, ""));
  return { ...section, fields: { ...section.fields, policies }, sections: [] };
}

function summary(profile: Profile, mode: Mode): SummarySection[] {
  const entry = profileModeMatrix.find((candidate) => candidate.profile === profile && candidate.mode === mode);
  if (!entry) throw new Error(`no ${profile} × ${mode} entry in the synth matrix`);
  return summarizeStack(synthesizeMatrixEntry(entry)).map(withPoliciesByName);
}

/** What KRaft mode changes on a profile, with digests and content-hashed names masked (the snapshots pin those). */
function kraftDifference(profile: Profile): { blocks: string[]; lines: string[] } {
  const changes = diffSummaries(summary(profile, "zookeeper"), summary(profile, "kraft"));
  return {
    blocks: [...new Set(changes.map((change) => withHashesMasked(change.block)))].sort(),
    lines: changes.map((change) => withHashesMasked(change.line)),
  };
}

// KRaft mode is not read in full: each profile's KRaft summary is its ZooKeeper summary with the difference tested
// below (line by line on kind, block by block on cloud), which keeps this file small enough to review.
const readInFull: readonly [Profile, Mode][] = [
  ["kind", "zookeeper"],
  ["cloud", "zookeeper"],
];

describe("every release (chart, version, namespace, depends_on, settings, values, carried objects), data source and namespace", () => {
  it.each(readInFull)("%s profile, %s mode", (profile, mode) => {
    expect(renderSummary(summary(profile, mode))).toMatchSnapshot();
  });
});

describe("what KRaft mode changes", () => {
  it("on the kind profile: Strimzi 1.2.0 and its CRDs, v1 APIs, a dual-role node pool instead of ZooKeeper", () => {
    expect(kraftDifference("kind").lines).toEqual([
      // The CRD release refuses a switch back to ZooKeeper over KRaft-era CRDs with a different message.
      '~ release strimzi-crds values.crdStorageRefusal: "<digest>" → "<digest>"',
      // Strimzi 1.2.0's chart defaults the operator container's securityContext to the restricted profile (runAsNonRoot,
      // seccomp RuntimeDefault, no privilege escalation, ALL capabilities dropped: its values.yaml); 0.45.2's is {}.
      "- release strimzi-operator values.podSecurityContext.runAsNonRoot: true",
      '- release strimzi-operator values.podSecurityContext.seccompProfile.type: "RuntimeDefault"',
      "- release strimzi-operator values.securityContext.allowPrivilegeEscalation: false",
      '- release strimzi-operator values.securityContext.capabilities.drop: ["ALL"]',
      '~ release strimzi-operator version: "0.45.2" → "1.2.0"',
      // The Kafka gate waits for other objects (node pools), so its Job is a new one.
      "~ release kafka-ready › object Job/streamstack-kafka/kafka-ready-<hash> renamed to object Job/streamstack-kafka/kafka-ready-<hash>",
      '~ release kafka-ready › object Job/streamstack-kafka/kafka-ready-<hash> spec.template: "<digest>" → "<digest>"',
      '~ release kafka-resources › object Kafka/streamstack-kafka/streamstack apiVersion: "kafka.strimzi.io/v1beta2" → "kafka.strimzi.io/v1"',
      // Broker replicas, resources and storage move to the node pool; ZooKeeper is gone.
      "- release kafka-resources › object Kafka/streamstack-kafka/streamstack spec.kafka.replicas: 1",
      '- release kafka-resources › object Kafka/streamstack-kafka/streamstack spec.kafka.resources.limits.memory: "576Mi"',
      '- release kafka-resources › object Kafka/streamstack-kafka/streamstack spec.kafka.resources.requests.cpu: "200m"',
      '- release kafka-resources › object Kafka/streamstack-kafka/streamstack spec.kafka.resources.requests.memory: "576Mi"',
      '- release kafka-resources › object Kafka/streamstack-kafka/streamstack spec.kafka.storage.type: "ephemeral"',
      '~ release kafka-resources › object Kafka/streamstack-kafka/streamstack spec.kafka.version: "3.9.2" → "4.3.1"',
      "- release kafka-resources › object Kafka/streamstack-kafka/streamstack spec.zookeeper.replicas: 1",
      '- release kafka-resources › object Kafka/streamstack-kafka/streamstack spec.zookeeper.resources.limits.memory: "448Mi"',
      '- release kafka-resources › object Kafka/streamstack-kafka/streamstack spec.zookeeper.resources.requests.cpu: "50m"',
      '- release kafka-resources › object Kafka/streamstack-kafka/streamstack spec.zookeeper.resources.requests.memory: "448Mi"',
      '- release kafka-resources › object Kafka/streamstack-kafka/streamstack spec.zookeeper.storage.type: "ephemeral"',
      '+ release kafka-resources › object Kafka/streamstack-kafka/streamstack spec.kafka.metadataVersion: "4.3-IV0"',
      '~ release kafka-resources › object KafkaTopic/streamstack-kafka/users-created apiVersion: "kafka.strimzi.io/v1beta2" → "kafka.strimzi.io/v1"',
      '~ release kafka-resources › object KafkaTopic/streamstack-kafka/users-created-dlq apiVersion: "kafka.strimzi.io/v1beta2" → "kafka.strimzi.io/v1"',
      "+ release kafka-resources › object KafkaNodePool/streamstack-kafka/dual-role",
      '+ release kafka-resources › object KafkaNodePool/streamstack-kafka/dual-role apiVersion: "kafka.strimzi.io/v1"',
      '+ release kafka-resources › object KafkaNodePool/streamstack-kafka/dual-role metadata.labels[app.kubernetes.io/part-of]: "streamstack"',
      '+ release kafka-resources › object KafkaNodePool/streamstack-kafka/dual-role metadata.labels[strimzi.io/cluster]: "streamstack"',
      "+ release kafka-resources › object KafkaNodePool/streamstack-kafka/dual-role spec.replicas: 1",
      '+ release kafka-resources › object KafkaNodePool/streamstack-kafka/dual-role spec.resources.limits.memory: "576Mi"',
      '+ release kafka-resources › object KafkaNodePool/streamstack-kafka/dual-role spec.resources.requests.cpu: "200m"',
      '+ release kafka-resources › object KafkaNodePool/streamstack-kafka/dual-role spec.resources.requests.memory: "576Mi"',
      '+ release kafka-resources › object KafkaNodePool/streamstack-kafka/dual-role spec.roles: ["controller","broker"]',
      '+ release kafka-resources › object KafkaNodePool/streamstack-kafka/dual-role spec.storage.type: "ephemeral"',
      // No ZooKeeper pods to let in or out.
      expect.stringMatching(
        /^~ release streamstack-kafka\/network-policies policies: .*"allow-zookeeper-ingress".* → /,
      ),
      // The CRDs the strimzi-crds release carries are rendered from the 1.2.0 chart.
      '~ data helm_template/strimzi-operator version: "0.45.2" → "1.2.0"',
    ]);
  });

  it("on the cloud profile: only the Strimzi releases and chart data source, the Kafka gate and the Kafka objects", () => {
    expect(kraftDifference("cloud").blocks).toEqual([
      "data helm_template/strimzi-operator",
      "release kafka-ready › object Job/streamstack-kafka/kafka-ready-<hash>",
      "release kafka-resources › object Kafka/streamstack-kafka/streamstack",
      "release kafka-resources › object KafkaNodePool/streamstack-kafka/brokers",
      "release kafka-resources › object KafkaNodePool/streamstack-kafka/controllers",
      "release kafka-resources › object KafkaTopic/streamstack-kafka/users-created",
      "release kafka-resources › object KafkaTopic/streamstack-kafka/users-created-dlq",
      "release kafka-resources › object KafkaUser/streamstack-apps/control-center",
      "release kafka-resources › object KafkaUser/streamstack-apps/producer",
      "release kafka-resources › object KafkaUser/streamstack-apps/schema-registry",
      "release kafka-resources › object KafkaUser/streamstack-apps/spark-streaming-job",
      "release streamstack-kafka/network-policies",
      "release strimzi-crds",
      "release strimzi-operator",
    ]);
  });
});
