import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { Naming } from "../../config/naming";
import type { GeneratedSecret } from "./generated-secret";

/**
 * Keys the Airflow chart 1.22.0 reads from the secrets named by `jwtSecretName` and `apiSecretKeySecretName`
 * (templates/_helpers.yaml, standard_airflow_environment: `key: jwt-secret`, `key: api-secret-key`).
 */
export const airflowChartSecretKeys = { jwt: "jwt-secret", apiSecretKey: "api-secret-key" } as const;

/** The admin user's login, read by the create-user Job from the generated secret. */
export const adminCredentialKeys = { username: "username", password: "password" } as const;

/**
 * Airflow's signing keys and the admin login, generated once by our manifests chart and kept across upgrades.
 * The chart would generate the first two itself with randAlphaNum and no lookup, so every upgrade would change them.
 * The JWT key has the chart's own length: Airflow signs with HS512, and PyJWT warns below 64 bytes.
 */
export function airflowGeneratedSecrets(naming: Naming): GeneratedSecret[] {
  const namespaces = [naming.namespaces.airflow];
  return [
    {
      name: naming.airflow.jwtSecret,
      namespaces,
      username: "airflow",
      length: 128,
      derivedKeys: { [airflowChartSecretKeys.jwt]: "{password}" },
    },
    {
      name: naming.airflow.apiSecretKeySecret,
      namespaces,
      username: "airflow",
      length: 64,
      derivedKeys: { [airflowChartSecretKeys.apiSecretKey]: "{password}" },
    },
    { name: naming.airflow.adminCredentialsSecret, namespaces, username: "admin" },
  ];
}

/** Env var names the create-user Job's command reads the login from. */
const adminEnv = { username: "STREAMSTACK_ADMIN_USERNAME", password: "STREAMSTACK_ADMIN_PASSWORD" } as const;

/**
 * createUserJob values: the chart's default args pass `createUserJob.defaultUser.password` (default "admin") on the
 * command line; ours take username and password from the generated secret. Role, e-mail and names keep the chart's
 * templates. The Job no longer runs as a Helm hook (see constructs/airflow.upstream.md).
 */
export function createUserJobValues(naming: Naming) {
  const fromSecret = (name: string, key: string): IEnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: naming.airflow.adminCredentialsSecret, key } },
  });
  return {
    useHelmHooks: false,
    applyCustomEnv: false,
    // Only the chart's NOTES.txt prints this after install ("Default user ... password:"); the Job ignores it.
    defaultUser: {
      password: `(generated: kubectl -n ${naming.namespaces.airflow} get secret ${naming.airflow.adminCredentialsSecret} -o jsonpath='{.data.password}' | base64 -d)`,
    },
    env: [
      fromSecret(adminEnv.username, adminCredentialKeys.username),
      fromSecret(adminEnv.password, adminCredentialKeys.password),
    ],
    args: [
      "bash",
      "-c",
      `exec airflow users create "$@" -u "$${adminEnv.username}" -p "$${adminEnv.password}"`,
      "--",
      "-r",
      "{{ .Values.createUserJob.defaultUser.role }}",
      "-e",
      "{{ .Values.createUserJob.defaultUser.email }}",
      "-f",
      "{{ .Values.createUserJob.defaultUser.firstName }}",
      "-l",
      "{{ .Values.createUserJob.defaultUser.lastName }}",
    ],
  };
}
