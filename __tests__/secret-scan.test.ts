import { stringify } from "yaml";
import { scanForSecrets } from "../validation/secret-scan";
import { profileModeMatrix, synthesizeMatrixEntry } from "./support/synth";

/**
 * No secret value in the synthesized Terraform JSON, and so none in Terraform state (issue 11): the helm values and
 * manifests we hand Terraform hold names of Secrets, never their contents.
 */
describe.each(profileModeMatrix)("$profile profile, $mode mode", (entry) => {
  it("holds no password literal, private key or JAAS password", () => {
    expect(scanForSecrets(synthesizeMatrixEntry(entry).json)).toEqual([]);
  });

  it("finds each kind of secret planted in a copy of it", () => {
    const json = structuredClone(synthesizeMatrixEntry(entry).json);
    const releases = (json.resource as Record<string, Record<string, { values: string[] }>>).helm_release ?? {};
    const [first] = Object.keys(releases);
    if (first === undefined) throw new Error("no helm_release in the synthesized stack");
    const release = releases[first];
    if (release === undefined) throw new Error(`no helm_release ${first}`);
    release.values.push(stringify(planted));
    const rules = scanForSecrets(json).map((finding) => finding.rule);
    expect(new Set(rules)).toEqual(new Set(Object.values(expectedRules)));
  });
});

const pem = ["-----BEGIN", "RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----"].join(" ");
const jaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="producer" password="hunter2";';
/** One of each: what the scanner must catch. */
const planted = {
  tls: { key: pem },
  kafka: { "sasl.jaas.config": jaas },
  webserver: { defaultUser: { username: "admin", password: "admin" } },
  env: [{ name: "KAFKA_PASSWORD", value: "hunter2" }],
  resources: [{ apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { password: "x" } }],
};
const expectedRules = {
  privateKey: "a PEM private key",
  jaasPassword: "a JAAS line with a literal password",
  jaasConfig: "a sasl.jaas.config value",
  credential: "a literal under a credential key",
  secretData: "a Secret object with data",
};

describe("scanForSecrets", () => {
  it("names where each planted secret sits", () => {
    expect(scanForSecrets({ values: [stringify(planted)] })).toEqual(
      expect.arrayContaining([
        { path: "$.values[0]", rule: expectedRules.privateKey },
        { path: "$.values[0]|values.tls.key", rule: expectedRules.privateKey },
        { path: "$.values[0]|values.kafka.sasl.jaas.config", rule: expectedRules.jaasConfig },
        { path: "$.values[0]|values.kafka.sasl.jaas.config", rule: expectedRules.jaasPassword },
        { path: "$.values[0]|values.webserver.defaultUser.password", rule: expectedRules.credential },
        { path: "$.values[0]|values.env[0].value", rule: expectedRules.credential },
        { path: "$.values[0]|values.resources[0]", rule: expectedRules.secretData },
      ]),
    );
  });

  it("passes references to credentials: Secret names, templates, file paths, Terraform and Helm expressions", () => {
    expect(
      scanForSecrets({
        passwordSecret: { name: "producer", key: "password" },
        generatedSecrets: [{ name: "airflow-admin", derivedKeys: { "api-secret-key": "{password}" } }],
        env: [
          { name: "KAFKA_PASSWORD_FILE", value: "/etc/kafka-user/password" },
          { name: "KAFKA_PASSWORD", valueFrom: { secretKeyRef: { name: "producer", key: "password" } } },
        ],
        set_sensitive: [{ name: "token", value: "${var.token}" }],
        defaultUser: { password: "(generated: kubectl get secret airflow-admin)" },
        code: `f'ScramLoginModule required username="{user}" password="{_escape_jaas(self.password)}";'`,
        kafkastore: { "sasl.jaas.config": "${directory:/etc/kafka-user:sasl.jaas.config}" },
      }),
    ).toEqual([]);
  });
});
