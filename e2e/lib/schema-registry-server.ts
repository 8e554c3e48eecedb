/**
 * A minimal, in-memory server for the subset of the Confluent Schema Registry REST API that our producer,
 * the @kafkajs/confluent-schema-registry client and this harness use. It stands in for Karapace, which is
 * not published on PyPI (the index answers 404 for it), and the Confluent server, which is not on Maven Central.
 *
 * What it does not do: persist anything (state lives for one run), check compatibility between versions
 * (the compatibility endpoint answers 501), support schema references or authentication.
 *
 * Run: `npx tsx e2e/lib/schema-registry-server.ts <port>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

interface StoredSchema {
  readonly id: number;
  readonly schema: string;
  readonly schemaType: string;
}

interface SubjectVersion {
  readonly version: number;
  readonly id: number;
}

const contentType = 'application/vnd.schemaregistry.v1+json';
const validCompatibility = new Set(['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE']);

export class SchemaRegistryState {
  private readonly schemasById = new Map<number, StoredSchema>();
  private readonly idsByCanonical = new Map<string, number>();
  private readonly subjects = new Map<string, SubjectVersion[]>();
  private readonly subjectCompatibility = new Map<string, string>();
  globalCompatibility = 'BACKWARD';

  /** Registers a schema under a subject; an identical schema keeps its id and version (as the real registry does). */
  register(subject: string, schema: string, schemaType: string): { id: number; version: number } {
    const canonical = `${schemaType}:${canonicalSchema(schema, schemaType)}`;
    let id = this.idsByCanonical.get(canonical);
    if (id === undefined) {
      id = this.schemasById.size + 1;
      this.schemasById.set(id, { id, schema, schemaType });
      this.idsByCanonical.set(canonical, id);
    }
    const versions = this.subjects.get(subject) ?? [];
    const existing = versions.find((entry) => entry.id === id);
    if (existing !== undefined) return { id, version: existing.version };
    const version = (versions.at(-1)?.version ?? 0) + 1;
    versions.push({ version, id });
    this.subjects.set(subject, versions);
    return { id, version };
  }

  lookup(subject: string, schema: string, schemaType: string): SubjectVersion | undefined {
    const id = this.idsByCanonical.get(`${schemaType}:${canonicalSchema(schema, schemaType)}`);
    return this.subjects.get(subject)?.find((entry) => entry.id === id);
  }

  schema(id: number): StoredSchema | undefined {
    return this.schemasById.get(id);
  }

  subjectNames(): string[] {
    return [...this.subjects.keys()];
  }

  versions(subject: string): SubjectVersion[] | undefined {
    return this.subjects.get(subject);
  }

  compatibility(subject: string): string | undefined {
    return this.subjectCompatibility.get(subject);
  }

  setCompatibility(subject: string, level: string): void {
    this.subjectCompatibility.set(subject, level);
  }
}

/** Whitespace-insensitive form of a JSON schema, so the same schema sent twice gets the same id. */
function canonicalSchema(schema: string, schemaType: string): string {
  if (schemaType === 'PROTOBUF') return schema.trim();
  try {
    return JSON.stringify(JSON.parse(schema));
  } catch {
    return schema.trim();
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new HttpError(422, 42201, 'request body is not a JSON object');
}

function schemaFromBody(body: Record<string, unknown>): { schema: string; schemaType: string } {
  const schema = body.schema;
  if (typeof schema !== 'string') throw new HttpError(422, 42201, 'field "schema" (a string) is required');
  const schemaType = typeof body.schemaType === 'string' ? body.schemaType : 'AVRO';
  if (schemaType === 'AVRO' || schemaType === 'JSON') {
    try {
      JSON.parse(schema);
    } catch {
      throw new HttpError(422, 42201, `invalid ${schemaType} schema: not JSON`);
    }
  }
  return { schema, schemaType };
}

function subjectVersions(state: SchemaRegistryState, subject: string): SubjectVersion[] {
  const versions = state.versions(subject);
  if (versions === undefined || versions.length === 0) throw new HttpError(404, 40401, `Subject '${subject}' not found.`);
  return versions;
}

function schemaResponse(state: SchemaRegistryState, subject: string, entry: SubjectVersion): Record<string, unknown> {
  const stored = state.schema(entry.id);
  return {
    subject,
    version: entry.version,
    id: entry.id,
    schema: stored?.schema,
    ...(stored !== undefined && stored.schemaType !== 'AVRO' ? { schemaType: stored.schemaType } : {}),
  };
}

export async function handle(state: SchemaRegistryState, method: string, path: string, request: IncomingMessage): Promise<unknown> {
  const parts = path.split('/').filter((part) => part !== '').map(decodeURIComponent);
  if (method === 'GET' && parts.length === 0) return {};
  if (parts[0] === 'schemas' && parts[1] === 'ids' && parts.length === 3 && method === 'GET') {
    const stored = state.schema(Number(parts[2]));
    if (stored === undefined) throw new HttpError(404, 40403, 'Schema not found');
    return { schema: stored.schema, ...(stored.schemaType !== 'AVRO' ? { schemaType: stored.schemaType } : {}) };
  }
  if (parts[0] === 'subjects') {
    const subject = parts[1];
    if (subject === undefined) {
      if (method === 'GET') return state.subjectNames();
    } else if (parts.length === 2 && method === 'POST') {
      const { schema, schemaType } = schemaFromBody(await readBody(request));
      subjectVersions(state, subject);
      const entry = state.lookup(subject, schema, schemaType);
      if (entry === undefined) throw new HttpError(404, 40403, 'Schema not found');
      return schemaResponse(state, subject, entry);
    } else if (parts[2] === 'versions' && parts.length === 3) {
      if (method === 'GET') return subjectVersions(state, subject).map((entry) => entry.version);
      if (method === 'POST') {
        const { schema, schemaType } = schemaFromBody(await readBody(request));
        return { id: state.register(subject, schema, schemaType).id };
      }
    } else if (parts[2] === 'versions' && parts.length === 4 && method === 'GET') {
      const versions = subjectVersions(state, subject);
      const wanted = parts[3] === 'latest' || parts[3] === '-1' ? versions.at(-1) : versions.find((entry) => entry.version === Number(parts[3]));
      if (wanted === undefined) throw new HttpError(404, 40402, 'Version not found.');
      return schemaResponse(state, subject, wanted);
    }
  }
  if (parts[0] === 'config') {
    const subject = parts[1];
    if (method === 'GET') {
      if (subject === undefined) return { compatibilityLevel: state.globalCompatibility };
      const level = state.compatibility(subject);
      if (level === undefined) throw new HttpError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`);
      return { compatibilityLevel: level };
    }
    if (method === 'PUT') {
      const level = (await readBody(request)).compatibility;
      if (typeof level !== 'string' || !validCompatibility.has(level)) throw new HttpError(422, 42203, 'Invalid compatibility level');
      if (subject === undefined) state.globalCompatibility = level;
      else state.setCompatibility(subject, level);
      return { compatibility: level };
    }
  }
  if (parts[0] === 'compatibility') {
    throw new HttpError(501, 50101, 'compatibility checks are not implemented by the e2e stand-in registry');
  }
  throw new HttpError(404, 404, `no route for ${method} ${path}`);
}

export function startSchemaRegistryServer(port: number, host = '127.0.0.1'): Promise<() => Promise<void>> {
  const state = new SchemaRegistryState();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://registry');
    const send = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': contentType });
      response.end(JSON.stringify(body));
    };
    handle(state, request.method ?? 'GET', url.pathname, request).then(
      (body) => send(200, body),
      (error: unknown) => {
        if (error instanceof HttpError) send(error.status, { error_code: error.errorCode, message: error.message });
        else send(500, { error_code: 50001, message: error instanceof Error ? error.message : String(error) });
      },
    );
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolvePromise(() => new Promise<void>((done) => server.close(() => done())));
    });
  });
}

if (require.main === module) {
  const port = Number(process.argv[2] ?? 8081);
  void startSchemaRegistryServer(port).then((close) => {
    process.stdout.write(`stand-in schema registry listening on 127.0.0.1:${port}\n`);
    const stop = (): void => {
      void close().finally(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
