import { join } from "node:path";
import type { MavenArtifact } from "./maven";
import { repoRoot } from "./paths";

/** Engine versions the real-engine run uses; bumping one re-resolves its jars on the next run. */
export const engineVersions = {
  kafka: "3.9.2",
  cassandra: "5.0.9",
} as const;

/** Broker, ZooKeeper (a dependency of the broker), kafka-producer-perf-test, and a log binding so the broker logs. */
export const kafkaArtifacts: readonly MavenArtifact[] = [
  { groupId: "org.apache.kafka", artifactId: "kafka_2.13", version: engineVersions.kafka },
  { groupId: "org.apache.kafka", artifactId: "kafka-tools", version: engineVersions.kafka },
  { groupId: "org.slf4j", artifactId: "slf4j-reload4j", version: "1.7.36" },
  { groupId: "ch.qos.reload4j", artifactId: "reload4j", version: "1.2.25" },
];

/** cassandra-all brings its own logback binding. */
export const cassandraArtifacts: readonly MavenArtifact[] = [
  { groupId: "org.apache.cassandra", artifactId: "cassandra-all", version: engineVersions.cassandra },
];

/**
 * Apicurio Registry (the e2e run's Schema Registry) and every version its build needs are pinned in this wrapper pom's
 * <properties>, not here: Maven reads them, and e2e/lib/apicurio.ts rebuilds whenever the pom's bytes change.
 */
export const apicurioWrapperPom = join(repoRoot, "tools", "apicurio", "pom.xml");
