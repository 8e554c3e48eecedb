/**
 * Prints, as JSON, what the synthesized stack hands Airflow, for the Python rehearsals in this folder: every
 * ConfigMap the airflow release mounts (with the volume and mount that carry it), the chart's `env` and `config`,
 * and every Role and RoleBinding the stack emits.
 * Read from the synthesized Terraform JSON (__tests__/support/synth.ts), never retyped.
 *
 * Usage: npx tsx apps/dags/tests/synthesized-airflow.ts '[{"name":"kind","profile":"kind","overrides":{}}]'
 */
import { synthesize } from "../../../__tests__/support/synth";
import { deriveNaming } from "../../../config/naming";

interface Scenario {
  readonly name: string;
  readonly profile: "kind" | "cloud";
  readonly overrides: unknown;
}

interface Volume {
  readonly name: string;
  readonly configMap?: { readonly name: string; readonly items?: readonly { key: string; path: string }[] };
}

interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly subPath?: string;
}

function airflowInputs(scenario: Scenario) {
  const stack = synthesize(scenario.profile, scenario.overrides);
  const airflow = stack.releases.find((release) => release.name === "airflow" && !release.local);
  if (!airflow) return { airflow: false as const };
  const volumes = (airflow.values.volumes ?? []) as Volume[];
  const mounts = (airflow.values.volumeMounts ?? []) as VolumeMount[];
  const configMaps = volumes.flatMap((volume) => {
    if (!volume.configMap) return [];
    const name = volume.configMap.name;
    const carried = stack.manifestObjects.find(
      ({ object, release }) =>
        object.kind === "ConfigMap" && object.metadata.name === name && release.namespace === airflow.namespace,
    );
    if (!carried)
      throw new Error(
        `the airflow release mounts ConfigMap ${name}, which no manifests release in ${airflow.namespace} carries`,
      );
    return [
      {
        name,
        volume,
        mounts: mounts.filter((mount) => mount.name === volume.name),
        data: (carried.object.data ?? {}) as Record<string, string>,
      },
    ];
  });
  // RBAC the stack grants anywhere; the tests pick the bindings whose subjects live in Airflow's namespace.
  const rbac = (kind: string) =>
    stack.manifestObjects.filter(({ object }) => object.kind === kind).map(({ object }) => object);
  return {
    airflow: true as const,
    namespace: airflow.namespace,
    env: airflow.values.env ?? [],
    config: airflow.values.config ?? {},
    configMaps,
    /** The service account KubernetesExecutor task pods run as. */
    workerServiceAccount: deriveNaming(stack.config).airflow.workerServiceAccount,
    roles: rbac("Role"),
    roleBindings: rbac("RoleBinding"),
  };
}

const scenarios = JSON.parse(process.argv[2] ?? "[]") as Scenario[];
if (!Array.isArray(scenarios) || scenarios.length === 0) {
  process.stderr.write("usage: synthesized-airflow.ts '<JSON list of {name, profile, overrides}>'\n");
  process.exit(2);
}
const result = Object.fromEntries(scenarios.map((scenario) => [scenario.name, airflowInputs(scenario)]));
process.stdout.write(`${JSON.stringify(result)}\n`);
