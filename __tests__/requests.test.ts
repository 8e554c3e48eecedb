import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { charts } from "../config/versions";
import { dockerVm, evictionThresholdMi, kindFootprint, schedulableIn } from "../scripts/lib/kind-fit";
import {
  localChartName,
  requestRows,
  singleDeploymentCharts,
  UncountedWorkloadError,
  type RequestRow,
} from "../scripts/lib/requests";
import { dagTaskPods, operatorAddedContainers, upstreamChartPods } from "../scripts/lib/workload-table";
import { schemaDirectory } from "../validation/schema-directory";
import { profileModeMatrix, synthesize, synthesizeMatrixEntry } from "./support/synth";

type Json = Record<string, unknown>;

/** The synthesized stack with one more helm_release whose values are given. */
function withExtraRelease(stackJson: Json, release: Json): Json {
  const resources = stackJson.resource as Record<string, Record<string, unknown>>;
  return { ...stackJson, resource: { ...resources, helm_release: { ...resources.helm_release, extra: release } } };
}

function rowOf(rows: readonly RequestRow[], workload: RegExp): RequestRow {
  const found = rows.find((r) => workload.test(r.workload));
  if (!found) throw new Error(`no row matches ${String(workload)}; have ${rows.map((r) => r.workload).join(", ")}`);
  return found;
}

describe("resource requests read from the synthesized stack", () => {
  it("count every workload the stack sizes, with the profile's numbers", () => {
    const rows = requestRows(synthesize("cloud").json);
    expect(rowOf(rows, /^Kafka\/streamstack brokers$/)).toMatchObject({
      release: "kafka-resources",
      pods: 3,
      cpuMillicores: 1000,
      memoryMi: 4096,
    });
    expect(rowOf(rows, /^K8ssandraCluster\/streamstack$/)).toMatchObject({ pods: 3 });
    expect(rowOf(rows, /^SparkApplication\/users-streaming executors$/)).toMatchObject({ pods: 3, memoryMi: 4096 });
  });

  it.each(profileModeMatrix)("leave no release of the $profile profile in $mode mode uncounted", (entry) => {
    const stack = synthesizeMatrixEntry(entry);
    const rows = requestRows(stack.json);
    const counted = new Set(rows.map((r) => r.release));
    for (const release of stack.releases) {
      // A manifests release may carry only objects that run no pod (CRDs, ConfigMaps, RBAC, issuers).
      const podless = release.local && localChartName(release.chart) === "manifests";
      if (!podless) expect(counted).toContain(release.name);
    }
    for (const row of rows) {
      expect(Number.isFinite(row.cpuMillicores) && Number.isFinite(row.memoryMi) && Number.isInteger(row.pods)).toBe(
        true,
      );
    }
  });

  it("count the containers operators add: cass-operator's config init container and logger, Strimzi's entity operator, CloudNativePG's bootstrap", () => {
    const rows = requestRows(synthesize("kind").json);
    const cassandra = rowOf(rows, /^K8ssandraCluster\//);
    expect(cassandra.containers.map((c) => c.container)).toEqual([
      "cassandra",
      "server-config-init-base",
      "server-config-init",
      "server-system-logger",
    ]);
    // The scheduler reserves the larger of the biggest init container and the sum of the others.
    const init = Math.max(...cassandra.containers.filter((c) => c.init).map((c) => c.cpuMillicores));
    const running = cassandra.containers.filter((c) => !c.init).reduce((sum, c) => sum + c.cpuMillicores, 0);
    expect(cassandra.cpuMillicores).toBe(Math.max(init, running));
    expect(rowOf(rows, /entity operator$/).containers.map((c) => c.container)).toContain("topic-operator");
    expect(rowOf(rows, /^Cluster\/.* instances$/).containers.map((c) => c.container)).toEqual([
      "postgres",
      "bootstrap-controller",
    ]);
    expect(rowOf(rows, /^Cluster\/.* initdb Job$/).lifetime).toBe("once");
    expect(rowOf(rows, /^cass-operator/)).toMatchObject({ release: "k8ssandra-operator" });
    expect(rowOf(rows, /^startupapicheck Job/)).toMatchObject({ release: "cert-manager", lifetime: "once" });
  });

  it("have a row for every upstream chart the stack pins", () => {
    for (const chart of Object.values(charts)) expect(Object.keys(upstreamChartPods)).toContain(chart.chart);
  });

  describe("fail on a workload kind without a row", () => {
    const base = synthesize("kind").json;
    const manifestsChart = String(synthesize("kind").release("kafka-resources").chart);

    it("a custom resource kind the operators table does not know", () => {
      const values = `resources:\n  - apiVersion: example.io/v1\n    kind: FooCluster\n    metadata: { name: foo }\n    spec: { replicas: 3 }\n`;
      expect(() =>
        requestRows(withExtraRelease(base, { name: "foo", chart: manifestsChart, values: [values] })),
      ).toThrow(UncountedWorkloadError);
      expect(() =>
        requestRows(withExtraRelease(base, { name: "foo", chart: manifestsChart, values: [values] })),
      ).toThrow(/FooCluster/);
    });

    it("an operator feature that adds pods (Kafka Exporter, Reaper)", () => {
      for (const [kind, section] of [
        ["Kafka", "kafkaExporter"],
        ["K8ssandraCluster", "reaper"],
      ]) {
        const values = `resources:\n  - apiVersion: example.io/v1\n    kind: ${kind}\n    metadata: { name: x }\n    spec: { ${section}: {} }\n`;
        expect(() =>
          requestRows(withExtraRelease(base, { name: "x", chart: manifestsChart, values: [values] })),
        ).toThrow(new RegExp(section));
      }
    });

    it("an upstream chart without rows", () => {
      expect(() =>
        requestRows(
          withExtraRelease(base, { name: "bar", chart: "bar", repository: "https://example.invalid", values: ["{}"] }),
        ),
      ).toThrow(/chart bar/);
    });

    it("a local chart the counter does not know", () => {
      expect(() =>
        requestRows(withExtraRelease(base, { name: "baz", chart: "assets/baz/0000", values: ["{}"] })),
      ).toThrow(UncountedWorkloadError);
    });

    it("a workload created outside Helm", () => {
      const resources = base.resource as Json;
      expect(() => requestRows({ ...base, resource: { ...resources, kubernetes_deployment_v1: { x: {} } } })).toThrow(
        /kubernetes_deployment_v1/,
      );
    });
  });

  it("size our single-Deployment charts as one container with values.resources and values.replicas", () => {
    for (const chart of singleDeploymentCharts) {
      const template = readFileSync(join(__dirname, "..", "charts", chart, "templates", "deployment.yaml"), "utf8");
      expect({ chart, initContainers: template.includes("initContainers") }).toEqual({ chart, initContainers: false });
      expect({ chart, containerLists: template.match(/^\s+containers:/gm)?.length }).toEqual({
        chart,
        containerLists: 1,
      });
      // The containers list runs from `containers:` to the next key of the pod spec (six spaces in).
      const containerBlock = /^ {6}containers:\n((?: {7,}.*\n|\s*\{\{.*\n)*)/m.exec(template)?.[1] ?? "";
      expect({ chart, containers: containerBlock.match(/^ {8}- name: /gm)?.length }).toEqual({ chart, containers: 1 });
      expect(template).toMatch(
        /requests:\s+cpu: \{\{ \.Values\.resources\.cpu \}\}\s+memory: \{\{ \.Values\.resources\.memory \}\}/,
      );
      expect(template).toMatch(/replicas: (\{\{ \.Values\.replicas \}\}|1)\n/);
    }
  });

  it("take the DAG task pods' requests from the DAG files", () => {
    for (const task of dagTaskPods) {
      const dag = readFileSync(join(__dirname, "..", "apps", "dags", task.dagFile), "utf8");
      expect(dag).toContain(`requests={"cpu": "${task.requests.cpu}", "memory": "${task.requests.memory}"}`);
    }
  });
});

/** A chart's default at a dotted path: from its pinned values.yaml, or from the `default` keywords of Airflow's schema. */
function chartDefault(folder: string, path: string): unknown {
  // MANIFEST.json files Airflow's schema under airflow-chart-<version>/, config/versions.ts names airflow-<version>.
  const directory = [
    join(schemaDirectory(), folder),
    join(schemaDirectory(), folder.replace(/^airflow-/, "airflow-chart-")),
  ].find((d) => existsSync(d));
  if (directory === undefined) throw new Error(`no pinned chart data for ${folder} under ${schemaDirectory()}`);
  if (folder.startsWith("airflow")) {
    const schema = JSON.parse(readFileSync(join(directory, "chart-values.schema.json"), "utf8")) as Json;
    const definitions = schema.definitions as Record<string, Json>;
    let node: Json | undefined = schema;
    for (const key of path.split(".")) {
      const reference: unknown = node?.$ref;
      if (typeof reference === "string") node = definitions[reference.split("/").pop() ?? ""];
      node = (node?.properties as Record<string, Json> | undefined)?.[key];
      const inner: unknown = node?.$ref;
      if (typeof inner === "string" && node?.default === undefined) node = definitions[inner.split("/").pop() ?? ""];
    }
    return node?.default;
  }
  const values = parse(readFileSync(join(directory, "chart-values.yaml"), "utf8")) as Json;
  return path
    .split(".")
    .reduce<unknown>(
      (current, key) => (current && typeof current === "object" ? (current as Json)[key] : undefined),
      values,
    );
}

describe("the workload table against the pinned chart defaults", () => {
  const folders: Record<string, string> = {
    "cert-manager": charts.certManager.referenceFolder,
    "strimzi-kafka-operator": charts.strimziZookeeper.referenceFolder,
    "spark-operator": charts.sparkOperator.referenceFolder,
    "k8ssandra-operator": charts.k8ssandraOperator.referenceFolder,
    "cloudnative-pg": charts.cloudnativePg.referenceFolder,
    airflow: charts.airflow.referenceFolder ?? `airflow-${charts.airflow.version}`,
  };

  it("states each chart's default switch and default requests as the pinned values do", () => {
    let checked = 0;
    const unverifiable: string[] = [];
    for (const [chart, pods] of Object.entries(upstreamChartPods)) {
      const folder = folders[chart];
      for (const pod of pods) {
        for (const [path, stated] of [pod.enabledPath, pod.disabledPath].filter(
          (p): p is readonly [string, boolean] => p !== undefined,
        )) {
          const pinned = chartDefault(folder, path);
          // Airflow leaves dagProcessor.enabled null: on for Airflow 3.
          expect({ chart, path, default: pinned ?? true }).toEqual({ chart, path, default: stated });
          checked += 1;
        }
        for (const container of pod.containers) {
          if (container.resourcesPath === undefined) continue;
          const pinned = chartDefault(folder, container.resourcesPath);
          if (pinned === undefined) {
            unverifiable.push(`${chart} ${container.resourcesPath}`);
            continue;
          }
          const requests = ((pinned as Json).requests ?? {}) as Json;
          expect({
            chart,
            path: container.resourcesPath,
            cpu: requests.cpu ?? "0",
            memory: requests.memory ?? "0Mi",
          }).toEqual({
            chart,
            path: container.resourcesPath,
            cpu: container.defaults.cpu,
            memory: container.defaults.memory,
          });
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    // The cass-operator subchart's values are not in the pinned set (see workload-table.ts for where they were read).
    expect(unverifiable).toEqual(["k8ssandra-operator cass-operator.resources"]);
  });

  it("names operator-added containers the way requests.ts builds pods", () => {
    expect(Object.keys(operatorAddedContainers).sort()).toEqual(["Cluster", "K8ssandraCluster", "Kafka"]);
  });
});

describe("the kind footprint with kind's own system pods", () => {
  it.each(["zookeeper", "kraft"] as const)(
    "fits a %s-mode stack with everything on in a 4-CPU, 12 GiB Docker VM",
    (mode) => {
      const footprint = kindFootprint(synthesize("kind", { kafka: { mode } }).json);
      const room = schedulableIn(dockerVm.fullMemoryMi);
      expect(footprint.steady.cpuMillicores).toBeLessThanOrEqual(room.cpuMillicores);
      expect(footprint.steady.memoryMi).toBeLessThanOrEqual(room.memoryMi);
      expect(footprint.everything.memoryMi).toBeLessThanOrEqual(dockerVm.fullMemoryMi - evictionThresholdMi);
      expect(footprint.rows.map((r) => r.workload)).toEqual(
        expect.arrayContaining(["kube-apiserver", "etcd", "coredns", "kindnet"]),
      );
    },
  );

  it.each([
    ["kraft", dockerVm.leanMemoryMi],
    ["zookeeper", dockerVm.leanZookeeperMemoryMi],
  ] as const)(
    "fits a %s-mode stack without Control Center, Airflow and its PostgreSQL in %i MiB",
    (mode, vmMemoryMi) => {
      const footprint = kindFootprint(
        synthesize("kind", {
          kafka: { mode },
          controlCenter: { enabled: false },
          airflow: { enabled: false },
          postgres: { enabled: false },
        }).json,
      );
      const room = schedulableIn(vmMemoryMi);
      expect(footprint.steady.cpuMillicores).toBeLessThanOrEqual(room.cpuMillicores);
      expect(footprint.steady.memoryMi).toBeLessThanOrEqual(room.memoryMi);
      expect(footprint.everything.memoryMi).toBeLessThanOrEqual(vmMemoryMi - evictionThresholdMi);
    },
  );
});
