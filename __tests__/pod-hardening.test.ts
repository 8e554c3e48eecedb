import { helmBinary, renderLocalRelease } from "./support/render-local-chart";
import { synthesize } from "./support/synth";

/**
 * Every pod our own charts emit (node apps, Confluent, readiness gates, the schema Job) is hardened (issue 11):
 * read-only root filesystem with an emptyDir for each path the image writes, no capabilities, no privilege
 * escalation, the runtime's seccomp profile, and no service-account token unless the pod calls the API, and then a short-lived one.
 */
interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  securityContext?: { seccompProfile?: { type?: string }; runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  initContainers?: Container[];
  volumes?: {
    name: string;
    emptyDir?: object;
    projected?: { sources?: { serviceAccountToken?: { expirationSeconds?: number } }[] };
  }[];
}
interface Workload {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: { template: { spec: PodSpec } };
}

/** Paths the Confluent images write at start (their etc/confluent/docker/configure at v7.9.0) and the JVM's /tmp. */
const writablePaths: Readonly<Record<string, readonly string[]>> = {
  "schema-registry": ["/etc/schema-registry", "/tmp"],
  "control-center": ["/etc/confluent-control-center", "/var/lib/confluent-control-center", "/tmp"],
};

const helm = helmBinary();
const describeWithHelm = helm ? describe : describe.skip;
if (!helm) process.stdout.write("pod-hardening: skipped, no helm binary (tools/build.sh or STREAMSTACK_HELM)\n");

describeWithHelm.each(["kind", "cloud"] as const)("pods of our charts (%s)", (profile) => {
  // describe.skip still runs this body to collect the tests: render nothing without helm.
  const workloads = (helm ? synthesize(profile).releases : [])
    .filter((release) => release.local)
    .flatMap((release) => renderLocalRelease(release, helm ?? ""))
    .filter((object): object is Workload & Record<string, unknown> =>
      ["Deployment", "StatefulSet", "Job", "DaemonSet"].includes(String(object.kind)),
    );

  it("pulls every image the way the profile says (cluster.imagePullPolicy), the SparkApplication's too", () => {
    const stack = synthesize(profile);
    const wanted = stack.config.cluster.imagePullPolicy;
    const policies = workloads.flatMap((workload) =>
      [...workload.spec.template.spec.containers, ...(workload.spec.template.spec.initContainers ?? [])].map(
        (container) => `${workload.kind}/${workload.metadata.name}/${container.name}: ${container.imagePullPolicy}`,
      ),
    );
    const applications = stack.manifestObjects
      .map(({ object }) => object)
      .filter((object) => object.kind === "SparkApplication")
      .map(
        (object) =>
          `SparkApplication/${object.metadata.name}: ${String((object.spec as { imagePullPolicy?: string }).imagePullPolicy)}`,
      );
    expect(applications).toHaveLength(1);
    for (const line of [...policies, ...applications]) expect(line).toMatch(new RegExp(`: ${wanted}$`));
  });

  it("finds the workloads", () => {
    expect(workloads.map((w) => w.metadata.name)).toEqual(
      expect.arrayContaining(["producer", "dashboard", "schema-registry", "control-center"]),
    );
  });

  it("runs every container read-only, without capabilities or escalation, under RuntimeDefault seccomp", () => {
    const problems = workloads.flatMap((workload) => {
      const pod = workload.spec.template.spec;
      const where = `${workload.kind}/${workload.metadata.name}`;
      const found: string[] = [];
      if (pod.securityContext?.seccompProfile?.type !== "RuntimeDefault") found.push(`${where}: seccomp`);
      if (pod.securityContext?.runAsNonRoot !== true) found.push(`${where}: runAsNonRoot`);
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const context = container.securityContext ?? {};
        if (context.readOnlyRootFilesystem !== true) found.push(`${where}/${container.name}: writable root`);
        if (context.allowPrivilegeEscalation !== false) found.push(`${where}/${container.name}: escalation`);
        if (!context.capabilities?.drop?.includes("ALL")) found.push(`${where}/${container.name}: capabilities`);
      }
      return found;
    });
    expect(problems).toEqual([]);
  });

  it("runs the Node.js pods (apps and gates) as a UID above the hosts' account range", () => {
    const lowUids = workloads
      .filter((workload) => workload.spec.template.spec.containers.every((c) => c.image?.startsWith("node:")))
      .filter((workload) => (workload.spec.template.spec.securityContext?.runAsUser ?? 0) < 10000)
      .map((workload) => workload.metadata.name);
    expect(lowUids).toEqual([]);
  });

  it("mounts an API token only in pods that call the API (the readiness gates), short-lived and never automounted", () => {
    const tokenLifetimes = (workload: (typeof workloads)[number]) =>
      (workload.spec.template.spec.volumes ?? []).flatMap((volume) =>
        (volume.projected?.sources ?? []).flatMap((source) =>
          source.serviceAccountToken ? [source.serviceAccountToken.expirationSeconds ?? 3607] : [],
        ),
      );
    // The admission plugin's automounted token asks for 3607 s, which kube-apiserver extends to a year by default.
    expect(workloads.filter((w) => w.spec.template.spec.automountServiceAccountToken !== false)).toEqual([]);
    const withToken = workloads
      .filter((workload) => tokenLifetimes(workload).length > 0)
      .map((workload) => ({
        name: workload.metadata.name,
        gate: workload.metadata.labels?.["app.kubernetes.io/component"] === "readiness-gate",
        serviceAccount: workload.spec.template.spec.serviceAccountName !== undefined,
        lifetimes: tokenLifetimes(workload),
      }));
    expect(withToken.length).toBeGreaterThan(0);
    expect(withToken.filter((pod) => !pod.gate || !pod.serviceAccount)).toEqual([]);
    expect(withToken.flatMap((pod) => pod.lifetimes).filter((seconds) => seconds > 600)).toEqual([]);
  });

  it("gives the Confluent images an emptyDir at each path they write", () => {
    for (const [name, paths] of Object.entries(writablePaths)) {
      const workload = workloads.find((w) => w.metadata.name === name);
      if (workload === undefined) throw new Error(`no ${name} workload rendered`);
      const pod = workload.spec.template.spec;
      const emptyDirs = new Set((pod.volumes ?? []).filter((v) => v.emptyDir !== undefined).map((v) => v.name));
      const mounted = (pod.containers[0]?.volumeMounts ?? [])
        .filter((mount) => emptyDirs.has(mount.name))
        .map((mount) => mount.mountPath);
      expect({ name, mounted: [...mounted].sort() }).toEqual({ name, mounted: [...paths].sort() });
    }
  });
});
