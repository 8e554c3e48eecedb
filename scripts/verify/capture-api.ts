/**
 * A stand-in Kubernetes API on loopback (plain HTTP) that accepts every write and records it, so a real
 * client (spark-submit, a Spark driver) can be run to see exactly which objects it would create. Reads
 * answer 404, except a GET of an object it was given earlier, and lists answer empty; watches stay open.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface CapturedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export class CaptureApi {
  readonly requests: CapturedRequest[] = [];
  private readonly stored = new Map<string, unknown>();
  private readonly server: Server;
  private readonly waiting: Array<{
    test: (request: CapturedRequest) => boolean;
    done: (request: CapturedRequest) => void;
  }> = [];

  constructor() {
    this.server = createServer((request, response) => this.handle(request, response));
  }

  /** Listens on a free loopback port; returns the master URL (`http://127.0.0.1:<port>`). */
  start(): Promise<string> {
    return new Promise((done) => {
      this.server.listen(0, "127.0.0.1", () => done(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}`));
    });
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }

  /** Resolves with the first recorded write matching `test`, or rejects after `seconds`. */
  next(test: (request: CapturedRequest) => boolean, seconds: number, what: string): Promise<CapturedRequest> {
    const found = this.requests.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no ${what} within ${seconds}s`)), seconds * 1000);
      this.waiting.push({
        test,
        done: (request) => {
          clearTimeout(timer);
          done(request);
        },
      });
    });
  }

  /** Makes a later GET of `path` answer with `object` (e.g. a driver reading its own pod). */
  store(path: string, object: unknown): void {
    this.stored.set(path, object);
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (text += chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://capture");
      const method = request.method ?? "GET";
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { "Content-Type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (method === "GET") {
        if (url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1") {
          // Keep the watch open, with no events.
          response.writeHead(200, { "Content-Type": "application/json" });
          return;
        }
        const stored = this.stored.get(url.pathname);
        if (stored) return send(200, stored);
        const last = url.pathname.split("/").pop() ?? "";
        // A collection (plural name) lists empty; a named object does not exist.
        if (/^(pods|services|configmaps|persistentvolumeclaims|secrets)$/.test(last))
          return send(200, { kind: "List", apiVersion: "v1", metadata: { resourceVersion: "1" }, items: [] });
        return send(404, {
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          reason: "NotFound",
          code: 404,
          message: `${url.pathname} not found`,
        });
      }
      let body: unknown = text;
      try {
        body = text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        // Server-side apply sends YAML; keep the text.
      }
      const captured = { method, path: url.pathname, body };
      this.requests.push(captured);
      for (const waiter of [...this.waiting]) {
        if (waiter.test(captured)) {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          waiter.done(captured);
        }
      }
      if (method === "DELETE") return send(200, { kind: "Status", apiVersion: "v1", status: "Success" });
      const object = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
      const metadata =
        typeof object.metadata === "object" && object.metadata !== null
          ? (object.metadata as Record<string, unknown>)
          : {};
      send(method === "POST" ? 201 : 200, {
        ...object,
        metadata: {
          ...metadata,
          uid: `00000000-0000-0000-0000-${String(this.requests.length).padStart(12, "0")}`,
          resourceVersion: "1",
        },
      });
    });
  }
}
