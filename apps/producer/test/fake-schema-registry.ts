import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  body: string;
}

/** Just enough of the Schema Registry REST API for registration: subjects start without config. */
export class FakeSchemaRegistry {
  readonly requests: RecordedRequest[] = [];
  readonly compatibility = new Map<string, string>();
  readonly schemas = new Map<number, string>();
  private server: Server | undefined;

  constructor(private readonly schemaId: number) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const path = decodeURIComponent(request.url ?? "/");
        this.requests.push({ method: request.method ?? "", path, body });
        const reply = (status: number, payload: unknown): void => {
          response.writeHead(status, { "content-type": "application/vnd.schemaregistry.v1+json" });
          response.end(JSON.stringify(payload));
        };
        const config = /^\/config\/([^/]+)$/.exec(path);
        const versions = /^\/subjects\/([^/]+)\/versions$/.exec(path);
        const lookup = /^\/subjects\/([^/]+)$/.exec(path);
        if (config && request.method === "GET") {
          const level = this.compatibility.get(config[1]);
          return level === undefined
            ? reply(404, { error_code: 40408, message: "Subject not found" })
            : reply(200, { compatibilityLevel: level });
        }
        if (config && request.method === "PUT") {
          const { compatibility } = JSON.parse(body) as { compatibility: string };
          this.compatibility.set(config[1], compatibility);
          return reply(200, { compatibility });
        }
        if (versions && request.method === "POST") {
          const { schema } = JSON.parse(body) as { schema: string };
          this.schemas.set(this.schemaId, schema);
          return reply(200, { id: this.schemaId });
        }
        if (lookup && request.method === "POST") {
          const { schema } = JSON.parse(body) as { schema: string };
          const known = [...this.schemas.values()].some(
            (stored) => JSON.stringify(JSON.parse(stored)) === JSON.stringify(JSON.parse(schema)),
          );
          return known
            ? reply(200, { subject: lookup[1], id: this.schemaId, version: 1, schema })
            : reply(404, { error_code: 40403, message: "Schema not found" });
        }
        return reply(404, { error_code: 404, message: `fake registry has no ${request.method} ${path}` });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
