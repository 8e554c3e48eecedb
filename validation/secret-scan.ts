import { parseDocument } from "yaml";

/**
 * Looks for secret values in a synthesized stack (the Terraform JSON, helm values documents included), which would
 * also land in Terraform state: every credential must be generated in the cluster (our manifests chart, Strimzi,
 * cert-manager, the operators) and reach pods by reference.
 */
export interface SecretFinding {
  /** Where in the document: JSON path, with `|values` where a values string was parsed as YAML. */
  readonly path: string;
  readonly rule: string;
}

const rules = {
  privateKey: "a PEM private key",
  jaasPassword: "a JAAS line with a literal password",
  jaasConfig: "a sasl.jaas.config value",
  credential: "a literal under a credential key",
  secretData: "a Secret object with data",
  sensitiveSet: "a helm set_sensitive literal",
} as const;

const privateKeyPattern = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
const jaasPasswordPattern =
  /LoginModule\s+(?:required|requisite|sufficient|optional)\b[^;]*\bpassword\s*=\s*\\?"(?!\$?[{(])[^"\\]+/;
/** Keys whose value is a credential itself, not the name of a Secret holding one (`passwordSecret`, `secretName`). */
const credentialKeyPattern = /(?:^|[._-])(?:password|passwd|pwd|token|api[_-]?key|secret[_-]?key|fernet[_-]?key)$/i;
const camelCredentialKeyPattern = /[a-z](?:Password|Token|ApiKey|SecretKey|FernetKey)$/;
const isCredentialKey = (key: string) => credentialKeyPattern.test(key) || camelCredentialKeyPattern.test(key);

/**
 * A value that only points at a credential: empty, a Terraform/Helm/shell/Kubernetes reference (`${…}`, `{{ … }}`,
 * `$(…)`), a template our manifests chart fills at install (`{password}`, generated-secret.ts), or prose (whitespace:
 * a literal credential is one token, e.g. our NOTES hint for the Airflow login).
 */
function isReference(value: string): boolean {
  return isPointer(value) || /\s/.test(value);
}

/** A value naming where the credential is (config provider, Terraform, Helm, shell, our chart's templates). */
function isPointer(value: string): boolean {
  return value === "" || /^\$\{|\{\{|^\$\(|^\$[A-Z_]+$|\{password\}/.test(value);
}

const embeddedDocuments = new Map<string, unknown>();

/**
 * A multi-line string read as YAML, or undefined when it is not YAML; each distinct text is read once (walk only reads
 * the result). Every stack carries each app's whole bundle, which costs a tenth of a second to find not to be YAML.
 */
function embeddedDocument(value: string): unknown {
  if (!embeddedDocuments.has(value)) {
    const document = parseDocument(value, { strict: false, uniqueKeys: false });
    if (embeddedDocuments.size >= 256) embeddedDocuments.clear();
    embeddedDocuments.set(value, document.errors.length === 0 ? document.toJS() : undefined);
  }
  return embeddedDocuments.get(value);
}

function walk(value: unknown, path: string, findings: SecretFinding[]): void {
  if (typeof value === "string") {
    if (privateKeyPattern.test(value)) findings.push({ path, rule: rules.privateKey });
    if (jaasPasswordPattern.test(value)) findings.push({ path, rule: rules.jaasPassword });
    if (value.includes("\n")) {
      // A helm values document (or any embedded YAML/JSON object): scan its structure too.
      const parsed = embeddedDocument(value);
      if (typeof parsed === "object" && parsed !== null) walk(parsed, `${path}|values`, findings);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, `${path}[${index}]`, findings));
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const record = value as Record<string, unknown>;
  if (record.kind === "Secret" && (hasEntries(record.data) || hasEntries(record.stringData))) {
    findings.push({ path, rule: rules.secretData });
  }
  for (const [key, child] of Object.entries(record)) {
    const childPath = `${path}.${key}`;
    const jaasKey = key === "sasl.jaas.config" || key.endsWith("SASL_JAAS_CONFIG");
    if (typeof child === "string" && jaasKey && !isPointer(child)) {
      findings.push({ path: childPath, rule: rules.jaasConfig });
    } else if (typeof child === "string" && isCredentialKey(key) && !isReference(child)) {
      findings.push({ path: childPath, rule: rules.credential });
    }
    // An env entry `{name: X_PASSWORD, value: literal}`.
    if (key === "value" && typeof child === "string" && typeof record.name === "string" && !isReference(child)) {
      if (isCredentialKey(record.name)) findings.push({ path: childPath, rule: rules.credential });
    }
    if (key === "set_sensitive" && Array.isArray(child)) {
      child.forEach((entry, index) => {
        const literal = (entry as { value?: unknown }).value;
        if (typeof literal === "string" && !literal.startsWith("${")) {
          findings.push({ path: `${childPath}[${index}]`, rule: rules.sensitiveSet });
        }
      });
    }
    walk(child, childPath, findings);
  }
}

function hasEntries(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length > 0;
}

/** Every place in a synthesized Terraform JSON document that holds a secret value. */
export function scanForSecrets(document: unknown): SecretFinding[] {
  const findings: SecretFinding[] = [];
  walk(document, "$", findings);
  return findings;
}
