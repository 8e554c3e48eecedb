/**
 * The environment each of our TypeScript workloads gets in the synthesized stack goes through that app's own
 * config loader: the node-app releases (producer, dashboard), the producer's Airflow task ConfigMap, and the gate Jobs.
 * Files the pod mounts from secrets are laid out, with placeholder contents, in a temporary directory.
 * Every variable set must be one the app declares: a loader ignores an unknown name and falls back to its default.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dashboardEnvironmentSchema, loadDashboardConfig } from "../apps/dashboard/src/config";
import { readSettings } from "../apps/gate/src/settings";
import { gateVariables, kubeletVariables } from "../apps/gate/src/variables";
import { loadProducerConfig, producerEnvironmentSchema } from "../apps/producer/src/config";
import { readRegistryReaderConfig, registryReaderVariables } from "../apps/registry-reader/src/config";
import { topicValueSubject } from "../apps/shared/schema-subject";
import { deriveNaming } from "../config/naming";
import { gateComponent } from "../constructs/resources/readiness-gate";
import { profileModeMatrix, synthesizeMatrixEntry, type SynthesizedStack } from "./support/synth";

interface NodeAppValues {
  readonly env: Record<string, string>;
  readonly secretFiles: readonly MountedSecret[];
}

interface MountedSecret {
  readonly mountPath: string;
  readonly keys: readonly string[];
}

/** What a placeholder secret file holds: a PEM for certificates, otherwise a value naming its path. */
function placeholderContent(key: string, mountPath: string): string {
  return key.endsWith(".crt")
    ? "-----BEGIN CERTIFICATE-----\nplaceholder\n-----END CERTIFICATE-----\n"
    : `placeholder ${mountPath}/${key}`;
}

let mountRoot: string;
beforeAll(() => {
  mountRoot = mkdtempSync(join(tmpdir(), "app-environments-"));
});
afterAll(() => rmSync(mountRoot, { recursive: true, force: true }));

/** Lays out each mounted secret directory with a placeholder file per key and points the variables at it. */
function withMountedFiles(
  environment: Record<string, string>,
  mounts: readonly MountedSecret[],
): Record<string, string> {
  let result = { ...environment };
  for (const { mountPath, keys } of mounts) {
    const local = join(mountRoot, mountPath);
    mkdirSync(local, { recursive: true });
    for (const key of keys) writeFileSync(join(local, key), placeholderContent(key, mountPath));
    result = Object.fromEntries(
      Object.entries(result).map(([name, value]) => [
        name,
        value.startsWith(`${mountPath}/`) ? join(local, value.slice(mountPath.length + 1)) : value,
      ]),
    );
  }
  return result;
}

/** A release's env, its mounted secret files laid out with placeholder contents. */
function nodeAppEnvironment(values: NodeAppValues): Record<string, string> {
  return withMountedFiles({ ...values.env }, values.secretFiles);
}

function undeclared(environment: Record<string, string>, declared: readonly string[]): string[] {
  return Object.keys(environment).filter((name) => !declared.includes(name));
}

/** An environment that records every name read from it. */
function recordingEnvironment(values: Record<string, string>): {
  environment: Record<string, string>;
  read: Set<string>;
} {
  const read = new Set<string>();
  const environment = new Proxy(values, {
    get(target, name) {
      if (typeof name === "string") read.add(name);
      return Reflect.get(target, name) as unknown;
    },
  });
  return { environment, read };
}

it("the gate reads exactly the variables apps/gate/src/variables.ts declares", () => {
  const targets = JSON.stringify([
    {
      apiPath: "/api/v1/namespaces/a/pods/b",
      description: "Pod a/b",
      checks: [{ path: "status.phase", equals: "Running" }],
      hint: "its events",
    },
  ]);
  const { environment, read } = recordingEnvironment({
    GATE_TARGETS: targets,
    GATE_TIMEOUT_SECONDS: "60",
    GATE_INTERVAL_SECONDS: "5",
    GATE_FORBIDDEN_GRACE_SECONDS: "30",
    GATE_API_SERVER: "https://10.96.0.1:443",
    GATE_TOKEN_FILE: "/token",
    GATE_CA_FILE: "/ca.crt",
  });
  readSettings(environment);
  // Without GATE_API_SERVER it falls back to kubelet's variables.
  const { environment: inPod, read: readInPod } = recordingEnvironment({
    GATE_TARGETS: targets,
    GATE_TIMEOUT_SECONDS: "60",
    KUBERNETES_SERVICE_HOST: "10.96.0.1",
  });
  readSettings(inPod);
  expect([...new Set([...read, ...readInPod])].sort()).toEqual([...gateVariables, ...kubeletVariables].sort());
});

describe.each(profileModeMatrix)(
  "$profile profile, $mode mode: synthesized environments through the apps' loaders",
  (entry) => {
    let stack: SynthesizedStack;
    let naming: ReturnType<typeof deriveNaming>;
    beforeAll(() => {
      stack = synthesizeMatrixEntry(entry);
      naming = deriveNaming(stack.config);
    });

    it("producer release", () => {
      const values = stack.release(naming.releases.producer).values as unknown as NodeAppValues;
      const environment = nodeAppEnvironment(values);
      expect(undeclared(environment, Object.keys(producerEnvironmentSchema.shape))).toEqual([]);
      const { environment: loaded } = loadProducerConfig(environment, []);
      // Credentials come from mounted files only (issue 11): no secret-backed env var, the password read from its file.
      expect(values).not.toHaveProperty("secretEnv");
      if (loaded.KAFKA_SASL_MECHANISM !== undefined) {
        expect(loaded.KAFKA_PASSWORD).toBe(placeholderContent("password", "/etc/kafka-user"));
      }
      expect(loaded.KAFKA_TOPIC).toBe(naming.kafka.topics.users);
      // The producer registers its schema under the deployed topic's subject, the one naming publishes.
      expect(topicValueSubject(loaded.KAFKA_TOPIC)).toBe(naming.kafka.schemaSubject);
      expect(loaded.KAFKA_TLS).toBe(naming.kafka.tls);
    });

    it("producer runs scheduled by Airflow (env ConfigMap plus the DAG's secret mounts)", () => {
      const carried = stack.manifestObjects.find(
        ({ object }) => object.kind === "ConfigMap" && object.metadata.name === naming.airflow.producerEnvConfigMap,
      );
      if (carried === undefined)
        throw new Error(`no ConfigMap ${naming.airflow.producerEnvConfigMap} in the synthesized stack`);
      const data = carried.object.data as Record<string, string>;
      // produce_users.py adds PRODUCER_SEED; where Kafka uses SCRAM over TLS it mounts the CA and the KafkaUser's
      // password at the paths the ConfigMap names (KAFKA_CA_MOUNT_PATH, KAFKA_USER_MOUNT_PATH).
      const environment = withMountedFiles({ ...data, PRODUCER_SEED: "run-id" }, [
        ...(data.KAFKA_TLS_CA_FILE ? [{ mountPath: "/etc/kafka-ca", keys: ["ca.crt"] }] : []),
        ...(data.KAFKA_PASSWORD_FILE ? [{ mountPath: "/etc/kafka-user", keys: ["password"] }] : []),
      ]);
      expect(Object.keys(data).filter((name) => name.endsWith("PASSWORD"))).toEqual([]);
      expect(undeclared(environment, Object.keys(producerEnvironmentSchema.shape))).toEqual([]);
      const { environment: loaded } = loadProducerConfig(environment, ["--count", "100"]);
      expect(loaded.KAFKA_TOPIC).toBe(naming.kafka.topics.users);
      if (loaded.KAFKA_SASL_MECHANISM !== undefined) {
        expect(loaded.KAFKA_PASSWORD).toBe(placeholderContent("password", "/etc/kafka-user"));
      }
    });

    it("schema registry's read-only front release (where it runs)", () => {
      if (!stack.config.schemaRegistry.readOnlyFront.enabled) {
        expect(stack.releases.map((release) => release.name)).not.toContain(naming.schemaRegistry.reader.service);
        return;
      }
      const values = stack.release(naming.schemaRegistry.reader.service).values as unknown as NodeAppValues;
      const environment = nodeAppEnvironment(values);
      expect(undeclared(environment, registryReaderVariables)).toEqual([]);
      const outcome = readRegistryReaderConfig(environment);
      if (!outcome.ok) throw new Error(outcome.problems.join("; "));
      expect(outcome.config.upstream.href).toBe(`${naming.schemaRegistry.url}/`);
      expect(outcome.config.port).toBe(naming.schemaRegistry.reader.port);
    });

    it("dashboard release", () => {
      const values = stack.release(naming.releases.dashboard).values as unknown as NodeAppValues;
      const environment = nodeAppEnvironment(values);
      expect(undeclared(environment, Object.keys(dashboardEnvironmentSchema.shape))).toEqual([]);
      const { environment: loaded } = loadDashboardConfig(environment);
      expect(values).not.toHaveProperty("secretEnv");
      expect(values.secretFiles).toEqual([
        { secretName: naming.cassandra.roles.dashboard.secret, mountPath: expect.any(String), keys: ["password"] },
      ]);
      expect(loaded.CASSANDRA_USERNAME).toBe(naming.cassandra.roles.dashboard.role);
      expect(loaded.CASSANDRA_PASSWORD).toBe(placeholderContent("password", values.secretFiles[0]?.mountPath ?? ""));
      expect([loaded.CASSANDRA_KEYSPACE, loaded.CASSANDRA_TABLE]).toEqual([
        naming.cassandra.keyspace,
        naming.cassandra.table,
      ]);
    });

    it("every readiness gate Job", () => {
      const jobs = stack.manifestObjects
        .map(({ object }) => object)
        .filter(
          (object) =>
            object.kind === "Job" && object.metadata.labels?.["app.kubernetes.io/component"] === gateComponent,
        );
      expect(jobs.length).toBeGreaterThan(0);
      for (const job of jobs) {
        const container = (
          job as unknown as {
            spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } };
          }
        ).spec.template.spec.containers[0];
        const environment = Object.fromEntries((container?.env ?? []).map(({ name, value }) => [name, value]));
        expect({ job: job.metadata.name, undeclared: undeclared(environment, gateVariables) }).toEqual({
          job: job.metadata.name,
          undeclared: [],
        });
        // kubelet sets the API server's address in every pod.
        const settings = readSettings({
          ...environment,
          KUBERNETES_SERVICE_HOST: "10.96.0.1",
          KUBERNETES_SERVICE_PORT: "443",
        });
        expect(settings.targets.length).toBeGreaterThan(0);
      }
    });
  },
);
