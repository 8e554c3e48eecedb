/**
 * Semantics of the official Airflow chart 1.22.0 that the stack relies on (constructs/airflow.upstream.md), checked on
 * the synthesized output against the pinned values schema.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { charts, versions } from "../config/versions";
import type { KubernetesObject } from "../constructs/kubernetes-object";
import { dagCatalog, dagFileNames, dagIgnoreFile } from "../constructs/resources/airflow-dags";
import { airflowChartSecretKeys } from "../constructs/resources/airflow-secrets";
import type { GeneratedSecret } from "../constructs/resources/generated-secret";
import { schemaDirectory } from "../validation/schema-directory";
import {
  profileModeMatrix,
  synthesize,
  synthesizeMatrixEntry,
  type SynthesizedRelease,
  type SynthesizedStack,
} from "./support/synth";

type Json = Record<string, unknown>;
type Schema = Json;

const isMap = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The pinned schema: MANIFEST.json files it under `airflow-chart-<version>/` while config/versions.ts names
 * `airflow-<version>`; take whichever exists, so this test never skips silently.
 */
function pinnedSchemaFile(): string {
  const candidates = [`airflow-chart-${charts.airflow.version}`, charts.airflow.referenceFolder ?? ""].map((folder) =>
    join(schemaDirectory(), folder, "chart-values.schema.json"),
  );
  const found = candidates.find((file) => existsSync(file));
  if (!found)
    throw new Error(
      `no pinned Airflow chart schema; looked at ${candidates.join(", ")} (see README, "Schema directory")`,
    );
  return found;
}

const chartSchema = JSON.parse(readFileSync(pinnedSchemaFile(), "utf8")) as Schema;

/** Follows local `$ref`s (`#/definitions/...`) of the chart's schema. */
function resolveRef(node: Schema): Schema {
  let current = node;
  for (let hops = 0; typeof current.$ref === "string" && hops < 20; hops += 1) {
    const path = current.$ref.replace(/^#\//, "").split("/");
    current = path.reduce<Schema>((at, key) => (at[key] ?? {}) as Schema, chartSchema);
  }
  return current;
}

/** Value paths the schema does not declare: Helm would ignore them without a word. */
function undeclaredPaths(value: unknown, node: Schema, path: string): string[] {
  const schema = resolveRef(node);
  if (Array.isArray(value)) {
    const items = isMap(schema.items) ? schema.items : undefined;
    return items ? value.flatMap((item, index) => undeclaredPaths(item, items, `${path}[${index}]`)) : [];
  }
  if (!isMap(value)) return [];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = path ? `${path}.${key}` : key;
    if (key in properties) return undeclaredPaths(child, properties[key], childPath);
    if (isMap(schema.additionalProperties)) return undeclaredPaths(child, schema.additionalProperties, childPath);
    return schema.properties === undefined ? [] : [childPath];
  });
}

/** The schema node of a dotted path, or undefined when the chart has no such value. */
function schemaAt(path: string): Schema | undefined {
  let node: Schema | undefined = chartSchema;
  for (const key of path.split(".")) {
    const properties = (resolveRef(node).properties ?? {}) as Record<string, Schema>;
    node = properties[key];
    if (!node) return undefined;
  }
  return resolveRef(node);
}

/** Every string value of the chart whose name says it holds a secret (passwords, keys), as dotted paths. */
function secretValuePaths(node: Schema = chartSchema, path = "", depth = 0): string[] {
  if (depth > 6 || (typeof node.$ref === "string" && node.$ref.includes("io.k8s"))) return [];
  const properties = (resolveRef(node).properties ?? {}) as Record<string, Schema>;
  return Object.entries(properties).flatMap(([key, child]) => {
    const childPath = path ? `${path}.${key}` : key;
    const types = [resolveRef(child).type].flat();
    const holdsSecret = types.includes("string") && /(password|pass|secret|secretkey|fernetkey)$/i.test(key);
    return [...(holdsSecret ? [childPath] : []), ...secretValuePaths(child, childPath, depth + 1)];
  });
}

function valueAt(values: Json, path: string): unknown {
  return path.split(".").reduce<unknown>((at, key) => (isMap(at) ? at[key] : undefined), values);
}

/** What the chart uses for a path: our value, else the schema's default (the schema's defaults match values.yaml). */
function effective(values: Json, path: string): unknown {
  const ours = valueAt(values, path);
  if (ours !== undefined) return ours;
  const node = schemaAt(path);
  if (!node) throw new Error(`${path} is not a value of the Airflow chart ${charts.airflow.version}`);
  return node.default;
}

function airflowRelease(stack: SynthesizedStack): SynthesizedRelease {
  return stack.release("airflow");
}

function helmWaits(stack: SynthesizedStack, release: SynthesizedRelease): boolean {
  return stack.resourcesOfType("helm_release")[release.id]?.wait === true;
}

/** Generated secrets carried by manifests releases, keyed namespace/name. */
function generatedSecrets(
  stack: SynthesizedStack,
): Map<string, { secret: GeneratedSecret; release: SynthesizedRelease }> {
  const found = new Map<string, { secret: GeneratedSecret; release: SynthesizedRelease }>();
  for (const release of stack.releases.filter((r) => r.local)) {
    for (const secret of (release.values.generatedSecrets as GeneratedSecret[] | undefined) ?? []) {
      for (const namespace of secret.namespaces) found.set(`${namespace}/${secret.name}`, { secret, release });
    }
  }
  return found;
}

const secretValuePathsOfSchema = secretValuePaths();

const matrixStacks = profileModeMatrix.map(
  (entry) => [`${entry.profile}/${entry.mode}`, synthesizeMatrixEntry(entry)] as const,
);
const variants: readonly (readonly [string, SynthesizedStack])[] = [
  ...matrixStacks,
  ["kind, LocalExecutor", synthesize("kind", { airflow: { executor: "LocalExecutor" } })],
  ["kind, producer off", synthesize("kind", { apps: { producer: { enabled: false } } })],
  ["kind, spark off", synthesize("kind", { spark: { enabled: false } })],
];

describe("the pinned Airflow chart schema", () => {
  it("is the chart version we deploy", () => {
    expect(pinnedSchemaFile()).toContain(charts.airflow.version);
    expect(valueAt(chartSchema, "properties.airflowVersion.default")).toBe(versions.airflow);
  });

  it("finds undeclared keys (non-vacuous)", () => {
    expect(
      undeclaredPaths(
        { migrateDatabaseJob: { useHelmHook: false }, createUserJob: { env: [{ name: "A", valueFromm: {} }] } },
        chartSchema,
        "",
      ),
    ).toEqual(["migrateDatabaseJob.useHelmHook", "createUserJob.env[0].valueFromm"]);
  });
});

describe.each(variants)("Airflow chart values (%s)", (_label, stack) => {
  const release = airflowRelease(stack);
  const values = release.values;

  it("sets only values the pinned chart schema declares", () => {
    expect(undeclaredPaths(values, chartSchema, "")).toEqual([]);
  });

  // Helm runs post-install/post-upgrade hooks only after `wait` succeeds, while every Airflow pod waits in
  // wait-for-airflow-migrations for the migration Job: a waiting release must not run Airflow's jobs as hooks.
  it("runs no Helm hook that the release's wait would block", () => {
    expect(helmWaits(stack, release)).toBe(true);
    for (const job of ["migrateDatabaseJob", "createUserJob"]) {
      expect({ job, useHelmHooks: effective(values, `${job}.useHelmHooks`) }).toEqual({ job, useHelmHooks: false });
      expect({ job, applyCustomEnv: effective(values, `${job}.applyCustomEnv`) }).toEqual({
        job,
        applyCustomEnv: false,
      });
    }
    for (const extra of ["extraSecrets", "extraConfigMaps"]) {
      for (const [name, entry] of Object.entries((effective(values, extra) ?? {}) as Record<string, Json>)) {
        // templates/secrets/extra-secrets.yaml: a hook unless useHelmHooks is set and false.
        expect({ extra, name, useHelmHooks: entry.useHelmHooks }).toEqual({ extra, name, useHelmHooks: false });
      }
    }
  });

  it("hands the chart no literal secret", () => {
    const secretValuePaths = [
      "fernetKey",
      "jwtSecret",
      "apiSecretKey",
      "webserverSecretKey",
      "webserver.defaultUser",
      "data.metadataConnection",
      "flower.password",
      "redis.password",
    ];
    for (const path of secretValuePaths) expect(schemaAt(path)).toBeDefined();
    expect(secretValuePaths.filter((path) => valueAt(values, path) !== undefined)).toEqual([]);
    // Any string value the schema names like a secret; defaultUser.password only carries a hint (next test).
    const fromSchema = secretValuePathsOfSchema.filter((path) => path !== "createUserJob.defaultUser.password");
    expect(fromSchema).toEqual(
      expect.arrayContaining(["jwtSecret", "apiSecretKey", "fernetKey", "data.metadataConnection.pass"]),
    );
    expect(fromSchema.filter((path) => valueAt(values, path) !== undefined)).toEqual([]);
  });

  it("takes the JWT and API secret keys from secrets generated once, with the keys the chart reads", () => {
    const secrets = generatedSecrets(stack);
    for (const [valueName, key] of [
      ["jwtSecretName", airflowChartSecretKeys.jwt],
      ["apiSecretKeySecretName", airflowChartSecretKeys.apiSecretKey],
    ] as const) {
      expect(schemaAt(valueName)).toBeDefined();
      const name = values[valueName];
      const generated = secrets.get(`${release.namespace}/${String(name)}`);
      expect({ valueName, generated: generated !== undefined }).toEqual({ valueName, generated: true });
      expect(generated?.secret.derivedKeys?.[key]).toBe("{password}");
      // Installed before the chart, which would otherwise fail to find it.
      expect(release.dependsOn).toContain(generated?.release.id);
    }
    // Airflow signs its JWTs with HS512; PyJWT warns about HMAC keys shorter than the 64-byte digest.
    expect(secrets.get(`${release.namespace}/${String(values.jwtSecretName)}`)?.secret.length).toBeGreaterThanOrEqual(
      64,
    );
  });

  it("creates the admin user with a generated password, never the chart's admin/admin", () => {
    expect(effective(values, "createUserJob.enabled")).toBe(true);
    const env = valueAt(values, "createUserJob.env") as {
      name: string;
      valueFrom?: { secretKeyRef?: { name: string; key: string } };
    }[];
    const args = (effective(values, "createUserJob.args") as string[]).join(" ");
    expect(args).not.toMatch(/defaultUser\.(password|username)/);
    // The chart's NOTES.txt prints createUserJob.defaultUser.password: ours says where the generated one is.
    expect(valueAt(values, "createUserJob.defaultUser.password")).toContain(
      `get secret ${String(env?.[0]?.valueFrom?.secretKeyRef?.name)}`,
    );
    const secrets = generatedSecrets(stack);
    for (const key of ["username", "password"]) {
      const variable = env.find((item) => item.valueFrom?.secretKeyRef?.key === key);
      expect(variable).toBeDefined();
      expect(args).toContain(`"$${variable?.name}"`);
      expect(secrets.has(`${release.namespace}/${variable?.valueFrom?.secretKeyRef?.name}`)).toBe(true);
    }
  });

  it("gives the triggerer (and a LocalExecutor scheduler) no 100Gi log volume", () => {
    expect(schemaAt("triggerer.persistence.size")?.default).toBe("100Gi");
    expect(effective(values, "triggerer.persistence.enabled")).toBe(false);
    if (stack.config.airflow.executor === "LocalExecutor") {
      // templates/scheduler/scheduler-deployment.yaml: a LocalExecutor scheduler is a StatefulSet with the
      // Celery workers' volume when workers.celery.persistence.enabled (else workers.persistence.enabled) holds.
      expect(effective(values, "workers.celery.persistence.enabled")).toBe(false);
    }
    expect(effective(values, "logs.persistence.enabled")).toBe(false);
  });
});

describe("DAGs shipped and the rights their tasks get", () => {
  const dagsOf = (stack: SynthesizedStack) => {
    const objects = stack.manifestObjects
      .filter(({ release }) => release.name === "airflow-dags")
      .map(({ object }) => object);
    const configMap = objects.find(
      (object) => object.kind === "ConfigMap" && object.metadata.name === "streamstack-dags",
    ) as (KubernetesObject & { data: Record<string, string> }) | undefined;
    const role = objects.find((object) => object.kind === "Role") as
      | (KubernetesObject & { rules: unknown[] })
      | undefined;
    return { files: Object.keys(configMap?.data ?? {}).sort(), rules: role?.rules };
  };

  it("lists every DAG file of apps/dags in the catalog", () => {
    expect(dagFileNames().sort()).toEqual(Object.keys(dagCatalog).sort());
  });

  it.each([
    ["kind", synthesize("kind"), ["produce_users.py", "spark-application.yaml", "spark_streaming_job.py"]],
    [
      "producer off",
      synthesize("kind", { apps: { producer: { enabled: false } } }),
      ["spark-application.yaml", "spark_streaming_job.py"],
    ],
    [
      "schema registry off",
      synthesize("kind", { schemaRegistry: { enabled: false } }),
      ["spark-application.yaml", "spark_streaming_job.py"],
    ],
    ["spark off", synthesize("kind", { spark: { enabled: false } }), ["produce_users.py"]],
  ])("ships only the DAGs whose components run (%s)", (_label, stack, dags) => {
    expect(dagsOf(stack).files).toEqual([dagIgnoreFile, ...dags].sort());
  });

  const producerRules = [
    { apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list", "patch", "delete"] },
    { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
    { apiGroups: [""], resources: ["events"], verbs: ["list"] },
  ];
  const sparkRules = [
    { apiGroups: ["sparkoperator.k8s.io"], resources: ["sparkapplications"], verbs: ["get", "create", "delete"] },
    { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
  ];

  it("grants the Spark DAG `pods get` for the driver even with the producer off", () => {
    expect(dagsOf(synthesize("kind", { apps: { producer: { enabled: false } } })).rules).toEqual(sparkRules);
  });

  it("grants the producer DAG only pod rights with Spark off", () => {
    expect(dagsOf(synthesize("kind", { spark: { enabled: false } })).rules).toEqual(producerRules);
  });

  it("grants the union when both DAGs ship", () => {
    expect(dagsOf(synthesize("kind")).rules).toEqual([
      producerRules[0],
      producerRules[1],
      producerRules[2],
      sparkRules[0],
    ]);
  });
});
