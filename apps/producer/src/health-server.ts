import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { HealthVerdict } from "./health";

export interface HealthServer {
  /** The port it listens on: the one asked for, or the one the system chose for 0. */
  readonly port: number;
  /** Stops listening and resolves when open connections are done; later calls return the same promise. */
  close(): Promise<void>;
}

function reply(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  response.end(`${text}\n`);
}

/**
 * Serves `GET /healthz` for the kubelet's liveness and readiness probes: 200 `ok`, or 503 with the one-line reason
 * from `check`. Every other path is 404.
 */
export async function startHealthServer(
  port: number,
  check: () => HealthVerdict,
  host = "0.0.0.0",
): Promise<HealthServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "").split("?")[0];
    if (path !== "/healthz") return reply(response, 404, `not found: ${path} (only /healthz is served)`);
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("allow", "GET, HEAD");
      return reply(response, 405, `method ${request.method ?? ""} not allowed on /healthz`);
    }
    const verdict = check();
    return verdict.healthy ? reply(response, 200, "ok") : reply(response, 503, verdict.reason);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      (closing ??= new Promise((resolve) => {
        server.close(() => resolve());
      })),
  };
}
