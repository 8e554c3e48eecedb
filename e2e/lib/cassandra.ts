import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "cassandra-driver";
import { stringify } from "yaml";
import { tableSchemaCql } from "../../apps/schemas/table-schema";
import { mavenClasspath } from "./maven";
import { loopback } from "./paths";
import { ports } from "./settings";
import { portOpen, startProcess, waitFor, type ManagedProcess } from "../../scripts/lib/processes";
import { cassandraArtifacts, engineVersions } from "./versions";

/** A plain single-node Cassandra with SimpleSnitch reports this datacenter. */
export const localDatacenter = "datacenter1";

export interface CassandraEngine {
  readonly host: string;
  readonly port: number;
  readonly datacenter: string;
  readonly process: ManagedProcess;
}

/** Where the pipeline's rows live, as the job and the dashboard are told. */
export interface CassandraTable {
  readonly host: string;
  readonly port: number;
  readonly datacenter: string;
  readonly keyspace: string;
  readonly table: string;
}

/** The Java 17 module flags from upstream conf/jvm17-server.options; Cassandra 5 fails at start without them. */
const java17ModuleOptions = [
  "-Djdk.attach.allowAttachSelf=true",
  "--add-exports",
  "java.base/jdk.internal.misc=ALL-UNNAMED",
  "--add-exports",
  "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
  "--add-exports",
  "java.rmi/sun.rmi.registry=ALL-UNNAMED",
  "--add-exports",
  "java.rmi/sun.rmi.server=ALL-UNNAMED",
  "--add-exports",
  "java.sql/java.sql=ALL-UNNAMED",
  "--add-exports",
  "java.base/java.lang.ref=ALL-UNNAMED",
  "--add-exports",
  "jdk.unsupported/sun.misc=ALL-UNNAMED",
  "--add-exports",
  "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
  "--add-exports",
  "jdk.attach/sun.tools.attach=ALL-UNNAMED",
  "--add-opens",
  "java.base/java.lang.module=ALL-UNNAMED",
  "--add-opens",
  "java.base/jdk.internal.loader=ALL-UNNAMED",
  "--add-opens",
  "java.base/jdk.internal.ref=ALL-UNNAMED",
  "--add-opens",
  "java.base/jdk.internal.reflect=ALL-UNNAMED",
  "--add-opens",
  "java.base/jdk.internal.math=ALL-UNNAMED",
  "--add-opens",
  "java.base/jdk.internal.module=ALL-UNNAMED",
  "--add-opens",
  "java.base/jdk.internal.util.jar=ALL-UNNAMED",
  "--add-opens",
  "jdk.management/com.sun.management.internal=ALL-UNNAMED",
  "--add-opens",
  "java.base/sun.nio.ch=ALL-UNNAMED",
  "--add-opens",
  "java.base/java.io=ALL-UNNAMED",
  "--add-opens",
  "java.base/java.lang.reflect=ALL-UNNAMED",
  "--add-opens",
  "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
  "--add-opens",
  "java.base/java.lang=ALL-UNNAMED",
  "--add-opens",
  "java.base/java.util=ALL-UNNAMED",
  "-Dio.netty.tryReflectionSetAccessible=true",
  "-Dio.netty.allocator.useCacheForAllThreads=true",
  "-Dio.netty.allocator.maxOrder=11",
];

/** The default superuser a fresh node with PasswordAuthenticator creates (CassandraRoleManager). */
export const defaultSuperuser = { username: "cassandra", password: "cassandra" } as const;

export interface CassandraOptions {
  /** PasswordAuthenticator + CassandraAuthorizer, as K8ssandra runs it; the default allows everyone everything. */
  readonly authentication?: boolean;
}

/** A minimal single-node configuration; everything not set keeps Cassandra's defaults. */
export function cassandraYaml(dataRoot: string, options: CassandraOptions = {}): string {
  return stringify({
    cluster_name: "streamstack-e2e",
    num_tokens: 1,
    partitioner: "org.apache.cassandra.dht.Murmur3Partitioner",
    endpoint_snitch: "SimpleSnitch",
    seed_provider: [
      {
        class_name: "org.apache.cassandra.locator.SimpleSeedProvider",
        parameters: [{ seeds: `${loopback}:${ports.cassandraStorage}` }],
      },
    ],
    listen_address: loopback,
    rpc_address: loopback,
    storage_port: ports.cassandraStorage,
    native_transport_port: ports.cassandraNative,
    start_native_transport: true,
    data_file_directories: [join(dataRoot, "data")],
    commitlog_directory: join(dataRoot, "commitlog"),
    saved_caches_directory: join(dataRoot, "saved_caches"),
    hints_directory: join(dataRoot, "hints"),
    cdc_raw_directory: join(dataRoot, "cdc_raw"),
    commitlog_sync: "periodic",
    commitlog_sync_period: "10000ms",
    authenticator: options.authentication ? "PasswordAuthenticator" : "AllowAllAuthenticator",
    authorizer: options.authentication ? "CassandraAuthorizer" : "AllowAllAuthorizer",
    role_manager: "CassandraRoleManager",
    // Permissions are cached for 2 s by default; a grant's effect is checked at once.
    ...(options.authentication
      ? { permissions_validity: "0ms", roles_validity: "0ms", credentials_validity: "0ms" }
      : {}),
    disk_failure_policy: "stop",
    commit_failure_policy: "stop",
    auto_snapshot: false,
    concurrent_compactors: 1,
    memtable_allocation_type: "heap_buffers",
  });
}

function logbackXml(): string {
  return `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
`;
}

/** Resolves (once) cassandra-all and its dependencies. */
export function cassandraClasspath(): Promise<string> {
  return mavenClasspath(`cassandra-${engineVersions.cassandra}`, cassandraArtifacts);
}

/** Starts one Cassandra node on loopback and waits until CQL queries succeed. */
export async function startCassandra(
  runDir: string,
  heap = "1G",
  options: CassandraOptions = {},
): Promise<CassandraEngine> {
  const classpathDir = await cassandraClasspath();
  const configDir = join(runDir, "cassandra-config");
  const dataRoot = join(runDir, "cassandra-data");
  mkdirSync(configDir, { recursive: true });
  mkdirSync(dataRoot, { recursive: true });
  const configFile = join(configDir, "cassandra.yaml");
  writeFileSync(configFile, cassandraYaml(dataRoot, options));
  writeFileSync(join(configDir, "logback.xml"), logbackXml());

  const process = startProcess({
    name: "cassandra",
    command: "java",
    args: [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      "-Xss512k",
      "-XX:+UseG1GC",
      "-XX:+ParallelRefProcEnabled",
      "-XX:MaxTenuringThreshold=1",
      "-XX:G1HeapRegionSize=4m",
      "-XX:MaxDirectMemorySize=512m",
      "-XX:+AlwaysPreTouch",
      "-XX:+ExitOnOutOfMemoryError",
      ...java17ModuleOptions,
      `-Dcassandra.config=file://${configFile}`,
      `-Dlogback.configurationFile=${join(configDir, "logback.xml")}`,
      `-Dcassandra.logdir=${runDir}`,
      `-Dcassandra.storagedir=${dataRoot}`,
      "-Dcassandra-foreground=yes",
      // A single fresh node has nobody to gossip with; skip the waits meant for real clusters.
      "-Dcassandra.skip_wait_for_gossip_to_settle=0",
      "-Dcassandra.ring_delay_ms=0",
      "-Dcassandra.superuser_setup_delay_ms=0",
      "-Dcassandra.jmx.local.port=0",
      "-cp",
      `${configDir}:${classpathDir}/*`,
      "org.apache.cassandra.service.CassandraDaemon",
    ],
    logFile: join(runDir, "cassandra.log"),
  });
  await waitFor(
    async () => {
      if (!(await portOpen(ports.cassandraNative))) return false;
      const client = cassandraClient(undefined, options.authentication ? defaultSuperuser : undefined);
      try {
        await client.connect();
        await client.execute("SELECT release_version FROM system.local");
        return true;
      } catch (error) {
        // With authentication the default superuser appears shortly after the port opens.
        if (options.authentication) return false;
        throw error;
      } finally {
        await client.shutdown();
      }
    },
    { what: `Cassandra native port ${ports.cassandraNative}`, timeoutMs: 240_000, process, intervalMs: 2000 },
  );
  return { host: loopback, port: ports.cassandraNative, datacenter: localDatacenter, process };
}

export function cassandraClient(
  keyspace?: string,
  credentials?: { readonly username: string; readonly password: string },
): Client {
  return new Client({
    ...(credentials ? { credentials } : {}),
    contactPoints: [`${loopback}:${ports.cassandraNative}`],
    localDataCenter: localDatacenter,
    keyspace,
    socketOptions: { connectTimeout: 5000, readTimeout: 20_000 },
  });
}

/** Creates the keyspace (SimpleStrategy, RF 1: one node) and the table as the schema Job does (with migrations). */
export async function createSchema(keyspace: string): Promise<void> {
  const client = cassandraClient();
  await client.connect();
  try {
    await client.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    for (const statement of cqlStatements(tableSchemaCql(keyspace))) {
      await client.execute(statement);
    }
  } finally {
    await client.shutdown();
  }
}

/** Splits a CQL file into statements, dropping `--` comment lines. */
export function cqlStatements(cql: string): string[] {
  return cql
    .split("\n")
    .filter((line) => !line.trim().startsWith("--"))
    .join("\n")
    .split(";")
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
