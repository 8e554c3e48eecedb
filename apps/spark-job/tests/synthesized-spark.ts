/**
 * Prints, as JSON, what the synthesized stack hands the Spark job's driver in each profile × Kafka mode: its env and
 * volume mounts, the volumes they name, and the data of the ConfigMaps among them. Read from the synthesized
 * Terraform JSON (__tests__/support/synth.ts), never retyped; tests/test_environment_contract.py feeds it to job_config.
 *
 * Usage: npx tsx apps/spark-job/tests/synthesized-spark.ts
 */
import { profileModeMatrix, synthesizeMatrixEntry } from "../../../__tests__/support/synth";

interface Driver {
  readonly env: readonly unknown[];
  readonly volumeMounts: readonly { readonly name: string; readonly mountPath: string }[];
}

interface Volume {
  readonly name: string;
  readonly configMap?: { readonly name: string };
  readonly secret?: { readonly secretName: string; readonly items?: readonly { key: string; path: string }[] };
}

const result = profileModeMatrix.map((entry) => {
  const stack = synthesizeMatrixEntry(entry);
  const found = stack.manifestObjects.find(({ object }) => object.kind === "SparkApplication");
  if (!found) throw new Error(`no SparkApplication in the ${entry.profile} ${entry.mode} stack`);
  const spec = (found.object as unknown as { spec: { driver: Driver; volumes: readonly Volume[] } }).spec;
  const configMapData = Object.fromEntries(
    spec.volumes.flatMap((volume) => {
      if (!volume.configMap) return [];
      const name = volume.configMap.name;
      const carried = stack.manifestObjects.find(
        ({ object }) => object.kind === "ConfigMap" && object.metadata.name === name,
      );
      if (!carried) throw new Error(`the SparkApplication mounts ConfigMap ${name}, which the stack does not carry`);
      return [[name, carried.object.data ?? {}]];
    }),
  );
  return {
    name: `${entry.profile}-${entry.mode}`,
    env: spec.driver.env,
    volumeMounts: spec.driver.volumeMounts,
    volumes: spec.volumes,
    configMapData,
  };
});
process.stdout.write(`${JSON.stringify(result)}\n`);
