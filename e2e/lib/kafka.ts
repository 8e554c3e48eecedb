import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel, type Admin } from "kafkajs";
import { mavenClasspath } from "./maven";
import { stackNaming } from "./naming";
import { loopback } from "./paths";
import { ports } from "./settings";
import { portOpen, startProcess, waitFor, type ManagedProcess } from "../../scripts/lib/processes";
import { engineVersions, kafkaArtifacts } from "./versions";

/** The topics the pipeline uses; created before anything produces so auto-creation can stay off. */
export const topics = stackNaming.kafka.topics;

export interface KafkaEngine {
  readonly bootstrapServers: string;
  /** The jar directory, reused by kafka-producer-perf-test. */
  readonly classpathDir: string;
  readonly zookeeper: ManagedProcess;
  readonly broker: ManagedProcess;
}

/** Resolves (once) the broker, ZooKeeper and tools jars. */
export function kafkaClasspath(): Promise<string> {
  return mavenClasspath(`kafka-${engineVersions.kafka}`, kafkaArtifacts);
}

function log4jProperties(): string {
  return [
    "log4j.rootLogger=INFO, stdout",
    "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
    "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
    "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
    "log4j.logger.kafka.request.logger=WARN",
    "log4j.logger.state.change.logger=WARN",
    "log4j.logger.kafka.controller=WARN",
    "log4j.logger.org.apache.zookeeper=WARN",
    "",
  ].join("\n");
}

function zookeeperProperties(dataDir: string): string {
  return [
    `dataDir=${dataDir}`,
    `clientPort=${ports.zookeeper}`,
    `clientPortAddress=${loopback}`,
    "maxClientCnxns=0",
    "admin.enableServer=false",
    "",
  ].join("\n");
}

function brokerProperties(logDir: string): string {
  return [
    "broker.id=0",
    `listeners=PLAINTEXT://${loopback}:${ports.kafka}`,
    `advertised.listeners=PLAINTEXT://${loopback}:${ports.kafka}`,
    `log.dirs=${logDir}`,
    `zookeeper.connect=${loopback}:${ports.zookeeper}`,
    "zookeeper.connection.timeout.ms=30000",
    // Topics are created explicitly, so a typo in a topic name fails instead of silently creating a new topic.
    "auto.create.topics.enable=false",
    "num.partitions=1",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=4",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "num.network.threads=2",
    "num.io.threads=4",
    "log.retention.hours=4",
    "",
  ].join("\n");
}

function javaCommand(classpathDir: string, heap: string, configDir: string): string[] {
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-Djava.awt.headless=true",
    `-Dlog4j.configuration=file:${join(configDir, "log4j.properties")}`,
    "-cp",
    `${classpathDir}/*`,
  ];
}

/** Starts ZooKeeper and one broker in ZooKeeper mode on loopback and waits until the broker answers metadata requests. */
export async function startKafka(runDir: string): Promise<KafkaEngine> {
  const classpathDir = await kafkaClasspath();
  const configDir = join(runDir, "kafka-config");
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, "log4j.properties"), log4jProperties());
  writeFileSync(join(configDir, "zookeeper.properties"), zookeeperProperties(join(runDir, "zookeeper-data")));
  writeFileSync(join(configDir, "server.properties"), brokerProperties(join(runDir, "kafka-logs")));

  const zookeeper = startProcess({
    name: "zookeeper",
    command: "java",
    args: [
      ...javaCommand(classpathDir, "256m", configDir),
      "org.apache.zookeeper.server.quorum.QuorumPeerMain",
      join(configDir, "zookeeper.properties"),
    ],
    logFile: join(runDir, "zookeeper.log"),
  });
  await waitFor(() => portOpen(ports.zookeeper), {
    what: `ZooKeeper port ${ports.zookeeper}`,
    timeoutMs: 60_000,
    process: zookeeper,
  });

  const broker = startProcess({
    name: "kafka",
    command: "java",
    args: [...javaCommand(classpathDir, "512m", configDir), "kafka.Kafka", join(configDir, "server.properties")],
    logFile: join(runDir, "kafka.log"),
  });
  const bootstrapServers = `${loopback}:${ports.kafka}`;
  const admin = kafkaClient(bootstrapServers, "e2e-readiness").admin();
  try {
    await waitFor(
      async () => {
        if (!(await portOpen(ports.kafka))) return false;
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0 && cluster.controller !== null && cluster.controller >= 0;
      },
      { what: `Kafka broker ${bootstrapServers}`, timeoutMs: 120_000, process: broker },
    );
  } finally {
    await admin.disconnect();
  }
  return { bootstrapServers, classpathDir, zookeeper, broker };
}

/** A kafkajs client with its own logging silenced (the harness reports what matters). */
export function kafkaClient(bootstrapServers: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrapServers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 300 },
  });
}

/** Creates topics that do not exist yet (idempotent). */
export async function createTopic(bootstrapServers: string, topic: string, partitions: number): Promise<void> {
  const admin: Admin = kafkaClient(bootstrapServers, "e2e-topics").admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      await admin.createTopics({
        topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
        waitForLeaders: true,
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Creates the pipeline topics (idempotent). */
export async function createTopics(bootstrapServers: string, partitions = 2): Promise<void> {
  await createTopic(bootstrapServers, topics.users, partitions);
  await createTopic(bootstrapServers, topics.deadLetters, 1);
}

/** The end offset of every partition of a topic. */
export async function topicEndOffsets(bootstrapServers: string, topic: string): Promise<Map<number, bigint>> {
  const admin = kafkaClient(bootstrapServers, "e2e-offsets").admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((entry) => [entry.partition, BigInt(entry.high)]));
  } finally {
    await admin.disconnect();
  }
}

export interface TopicRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | undefined;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

/** Reads a topic from the beginning up to its current end offsets (a snapshot, then stops). */
export async function readTopic(bootstrapServers: string, topic: string, timeoutMs = 60_000): Promise<TopicRecord[]> {
  const ends = await topicEndOffsets(bootstrapServers, topic);
  const remaining = new Map([...ends].filter(([, end]) => end > 0n));
  const records: TopicRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafkaClient(bootstrapServers, "e2e-reader").consumer({
    groupId: `e2e-reader-${process.pid}-${Date.now()}`,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic}: only ${records.length} records within ${timeoutMs / 1000}s`)),
        timeoutMs,
      );
      void consumer
        .run({
          autoCommit: false,
          // Collecting a record awaits nothing; kafkajs wants the handler's promise all the same.
          eachMessage: ({ partition, message }) => {
            const end = remaining.get(partition);
            if (end === undefined) return Promise.resolve();
            if (BigInt(message.offset) < end) {
              records.push({
                partition,
                offset: message.offset,
                key: message.key?.toString("utf8"),
                value: message.value,
                timestamp: Number(message.timestamp),
              });
            }
            if (BigInt(message.offset) + 1n >= end) {
              remaining.delete(partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolvePromise();
              }
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
