/**
 * Kubelet layout rehearsal (issue 7): every ConfigMap/Secret volume of every workload laid out as
 * kubelet does, and the consumers we ship started from it. The layout itself is tested in kubelet-volume-layout.test.ts
 * (unit tier); `npm run verify` runs the same rehearsal over every stack's helm-rendered objects
 * (scripts/verify/kubelet-rehearsal.ts).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cacheDirectory } from "../scripts/lib/cache-directory";
import { rehearse, type RehearsalOutcome } from "./support/kubelet-rehearsal";
import { helmBinary, renderLocalRelease } from "./support/render-local-chart";
import { synthesize, type SynthesizedStack } from "./support/synth";
import { workloadPods, type WorkloadPod } from "./support/workload-pods";

/** The Spark venv, only when already built (building it takes minutes: apps/spark-job/setup-venv.sh). */
function sparkPython(): string | undefined {
  const python = join(cacheDirectory(), "venv-spark", "bin", "python");
  return existsSync(python) ? python : undefined;
}

/**
 * What our charts emit: every local release rendered by helm when there is one; otherwise the objects the
 * manifests chart carries verbatim, plus its generated Secrets with the keys its template writes
 * (charts/manifests/templates/generated-secrets.yaml: username, password and each derived key).
 */
function objectsOf(stack: SynthesizedStack, helm: string | undefined): unknown[] {
  if (helm)
    return stack.releases.filter((release) => release.local).flatMap((release) => renderLocalRelease(release, helm));
  const generated = stack.releases.flatMap((release) =>
    (
      (release.values.generatedSecrets ?? []) as {
        name: string;
        namespaces: string[];
        username: string;
        derivedKeys?: Record<string, string>;
      }[]
    ).flatMap((secret) =>
      secret.namespaces.map((namespace) => ({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: secret.name, namespace },
        stringData: { username: secret.username, password: "placeholder", ...secret.derivedKeys },
      })),
    ),
  );
  return [...stack.manifestObjects.map(({ object }) => object), ...generated];
}

function failures(outcomes: readonly RehearsalOutcome[]): string[] {
  return outcomes
    .filter((outcome) => !outcome.ok)
    .map((outcome) => `${outcome.workload} [${outcome.container}]: ${outcome.detail}`);
}

function withMountPath(pod: WorkloadPod, volumeName: string, mountPath: string): WorkloadPod {
  const containers = pod.spec.containers.map((container) => ({
    ...container,
    volumeMounts: (container.volumeMounts ?? []).map((mount) =>
      mount.name === volumeName ? { ...mount, mountPath } : mount,
    ),
  }));
  return { ...pod, spec: { ...pod.spec, containers } };
}

describe("kubelet rehearsal of the synthesized stacks", () => {
  const helm = helmBinary();
  const python = sparkPython();
  if (!helm)
    console.log(
      "kubelet rehearsal: no helm binary (STREAMSTACK_HELM or tools/build.sh cache): our charts are not rendered here, only the manifests chart's objects are rehearsed; npm run verify rehearses every rendered workload",
    );
  if (!python)
    console.log(
      "kubelet rehearsal: Spark venv not built (bash apps/spark-job/setup-venv.sh): Spark driver/executor imports not run here; npm run verify runs them",
    );
  const sparkOption = python ? { sparkPython: python } : {};

  test("kind: every workload's ConfigMap/Secret mounts lay out and its consumer starts from them", async () => {
    const objects = objectsOf(synthesize("kind"), helm);
    const pods = workloadPods(objects);
    // Non-vacuity: the Spark driver and executor are always there; the node apps when helm renders them.
    expect(pods.map((pod) => pod.workload)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SparkApplication .* driver$/),
        expect.stringMatching(/^SparkApplication .* executor$/),
      ]),
    );
    if (helm)
      expect(pods.map((pod) => pod.workload)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Deployment .*\/producer$/),
          expect.stringMatching(/^Deployment .*\/dashboard$/),
        ]),
      );
    expect(failures(await rehearse(pods, objects, { runConsumers: true, ...sparkOption }))).toEqual([]);
  });

  // The cloud profile adds TLS: Secret volumes with items (the Kafka CA). Consumers start in the kind test and in verify.
  test("cloud: every ConfigMap/Secret mount lays out and every path the containers name under them exists", async () => {
    const objects = objectsOf(synthesize("cloud"), helm);
    const pods = workloadPods(objects);
    expect(pods.some((pod) => (pod.spec.volumes ?? []).some((volume) => "secret" in volume))).toBe(true);
    expect(failures(await rehearse(pods, objects, { runConsumers: false }))).toEqual([]);
  });

  test("negative control: a node app fails when its code mount no longer matches its command", async () => {
    const objects = objectsOf(synthesize("kind"), helm);
    const nodePod = workloadPods(objects).find((pod) =>
      pod.spec.containers.some((container) => container.command?.[0] === "node"),
    );
    if (!nodePod) throw new Error("no workload runs node among the synthesized objects");
    const script = nodePod.spec.containers.find((container) => container.command?.[0] === "node")?.command?.[1] ?? "";
    const codeMount = nodePod.spec.containers
      .flatMap((container) => container.volumeMounts ?? [])
      .find((mount) => script.startsWith(`${mount.mountPath}/`));
    if (!codeMount) throw new Error(`${nodePod.workload}: no mount holds ${script}`);
    const outcomes = await rehearse([withMountPath(nodePod, codeMount.name, "/moved")], objects, {
      runConsumers: true,
    });
    expect(failures(outcomes).join("\n")).toMatch(/Cannot find module/);
  });

  (python ? test : test.skip)(
    "negative control: the Spark driver fails when its code mount no longer matches mainApplicationFile",
    async () => {
      const objects = objectsOf(synthesize("kind"), undefined);
      const driver = workloadPods(objects).find((pod) => pod.spark?.role === "driver");
      if (!driver) throw new Error("no Spark driver among the synthesized objects");
      const outcomes = await rehearse([withMountPath(driver, "code", "/opt/elsewhere")], objects, {
        runConsumers: true,
        ...sparkOption,
      });
      expect(failures(outcomes).join("\n")).toMatch(/No such file or directory/);
    },
  );
});
