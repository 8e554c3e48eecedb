/**
 * Compatibility and schema evolution against the real registry, on subjects of their own (the pipeline's subject
 * is left alone): global BACKWARD, a compatible v2 accepted, an incompatible version refused with 409, a whitespace
 * variant resolving to the existing id, and the producer's registration on a subject another client created.
 */
import { createSchemaRegistry, registerUserSchema } from "../../apps/producer/src/encoding";
import { userSchema, userSchemaText, type AvroRecordSchema } from "../../apps/producer/src/schema";
import { topicValueSubject } from "../../apps/shared/schema-subject";
import type { AssertionReport } from "./assertions";
import { globalCompatibility } from "./schema-registry";

const headers = { "content-type": "application/vnd.schemaregistry.v1+json" };

interface RegistryReply {
  readonly status: number;
  readonly body: string;
}

async function call(url: string, method: string, body?: unknown): Promise<RegistryReply> {
  const response = await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: response.status, body: await response.text() };
}

function post(registryUrl: string, subject: string, schema: string): Promise<RegistryReply> {
  return call(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, "POST", { schema });
}

function idOf(reply: RegistryReply): number | undefined {
  const parsed: unknown = reply.status === 200 ? JSON.parse(reply.body) : undefined;
  return typeof parsed === "object" && parsed !== null && "id" in parsed && typeof parsed.id === "number"
    ? parsed.id
    : undefined;
}

function withField(schema: AvroRecordSchema, field: AvroRecordSchema["fields"][number]): string {
  return JSON.stringify({ ...schema, fields: [...schema.fields, field] });
}

export async function checkSchemaEvolution(registryUrl: string, report: AssertionReport): Promise<void> {
  const run = Date.now().toString(36);
  const global = await call(`${registryUrl}/config`, "GET");
  report.check(
    `registry's global compatibility is ${globalCompatibility}`,
    global.status === 200 && global.body.includes(`"${globalCompatibility}"`),
    `GET /config → ${global.status} ${global.body}`,
  );

  const subject = topicValueSubject(`e2e-evolution-${run}`);
  const v1 = await post(registryUrl, subject, userSchemaText());
  report.check(
    "v1 (users_created.avsc) registered on a fresh subject",
    idOf(v1) !== undefined,
    `${v1.status} ${v1.body}`,
  );
  // A consumer decodes each record with the writer schema the registry returns for its id: Avro's binary encoding
  // follows the field order, so the registry must return the schema as registered.
  const stored = await call(`${registryUrl}/schemas/ids/${idOf(v1) ?? 0}`, "GET");
  const storedFields =
    stored.status === 200
      ? (JSON.parse((JSON.parse(stored.body) as { schema: string }).schema) as AvroRecordSchema).fields.map(
          (f) => f.name,
        )
      : [];
  const registeredFields = userSchema().fields.map((field) => field.name);
  report.check(
    "the registry returns v1 by id as registered, fields in their order",
    JSON.stringify(storedFields) === JSON.stringify(registeredFields),
    `GET /schemas/ids/${idOf(v1) ?? "?"} → ${stored.status}, fields ${storedFields.join(",")}`,
  );
  const v2 = await post(
    registryUrl,
    subject,
    withField(userSchema(), { name: "nickname", type: ["null", "string"], default: null }),
  );
  report.check(
    "compatible v2 (new optional field with a default) accepted",
    idOf(v2) !== undefined && idOf(v2) !== idOf(v1),
    `${v2.status} ${v2.body}`,
  );
  const incompatible = await post(registryUrl, subject, withField(userSchema(), { name: "age", type: "int" }));
  report.check(
    `incompatible version (new required field) refused with 409 under ${globalCompatibility}`,
    incompatible.status === 409,
    `${incompatible.status} ${incompatible.body}`,
  );

  // Another client creates the subject (no level of its own); the producer must still get its schema's id.
  const foreignTopic = `e2e-foreign-${run}`;
  const foreign = await post(registryUrl, topicValueSubject(foreignTopic), userSchemaText());
  const level = await call(`${registryUrl}/config/${encodeURIComponent(topicValueSubject(foreignTopic))}`, "GET");
  let producerId: number | undefined;
  let failure = "";
  try {
    producerId = await registerUserSchema(createSchemaRegistry({ url: registryUrl }), registryUrl, foreignTopic);
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  report.check(
    "producer registers on a subject another client created",
    producerId !== undefined && producerId === idOf(foreign),
    `GET /config/<subject> → ${level.status} ${level.body}; producer got id ${String(producerId)} (other client ${String(idOf(foreign))})${failure ? `: ${failure}` : ""}`,
  );
}
