import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { forward, type Upstream } from "./forward";
import { readOnlyRefusal, registryError, send, sendOnSocket } from "./reply";
import { pathOf, targetProblem } from "./target";

/** The Kubernetes probe path (charts/node-app), answered here so a registry outage does not restart the reader. */
export const healthPath = "/healthz";

export interface RegistryReaderOptions extends Upstream {
  /** One line per refused request. */
  readonly log: (line: string) => void;
}

/**
 * A read-only front for Schema Registry, which has no per-client authorization in its community edition: GET and
 * HEAD are forwarded, every other method is refused here, so clients that can reach only this server cannot register
 * or delete schemas or change compatibility.
 */
export function createRegistryReader(options: RegistryReaderOptions): Server {
  const server = createServer((request, response) => handle(request, response, options));
  // Node hands CONNECT to this event alone, and without a listener drops the connection with no answer.
  server.on("connect", (request: IncomingMessage, socket) => {
    const method = request.method ?? "CONNECT";
    const target = request.url ?? "";
    options.log(refusedLine("write", method, target, request));
    sendOnSocket(socket, readOnlyRefusal(method, target));
  });
  return server;
}

function handle(request: IncomingMessage, response: ServerResponse, options: RegistryReaderOptions): void {
  const method = request.method ?? "";
  const target = request.url ?? "";
  // A body is never forwarded; reading it keeps the connection usable for the client's next request.
  request.resume();
  if (method !== "GET" && method !== "HEAD") {
    options.log(refusedLine("write", method, target, request));
    send(response, readOnlyRefusal(method, target));
    return;
  }
  if (pathOf(target) === healthPath) {
    response.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": 2 });
    response.end("ok");
    return;
  }
  const problem = targetProblem(target);
  if (problem !== undefined) {
    options.log(refusedLine("target", method, target, request));
    send(response, registryError(400, `registry-reader refuses the request target ${target}: ${problem}`));
    return;
  }
  forward(request, response, target, options);
}

function refusedLine(what: "write" | "target", method: string, target: string, request: IncomingMessage): string {
  return `refused ${what}: ${method} ${target} from ${request.socket.remoteAddress ?? "an unknown address"}`;
}
