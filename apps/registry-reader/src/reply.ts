import { STATUS_CODES, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/** An answer registry-reader gives itself, without the upstream. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The media type Schema Registry answers with, errors included; its clients accept it, and plain JSON, alike. */
const registryMediaType = "application/vnd.schemaregistry.v1+json";

/** An error in Schema Registry's format, so clients show our message as they would the registry's. */
export function registryError(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { "content-type": registryMediaType, ...headers },
    body: JSON.stringify({ error_code: status, message }),
  };
}

/** The answer to every method but GET and HEAD. */
export function readOnlyRefusal(method: string, target: string): Reply {
  return registryError(
    405,
    `registry-reader is read-only: ${method} ${target} is refused; schemas are registered by the producer`,
    { allow: "GET, HEAD" },
  );
}

export function send(response: ServerResponse, reply: Reply): void {
  response.writeHead(reply.status, { ...reply.headers, "content-length": Buffer.byteLength(reply.body) });
  response.end(reply.body);
}

/** For CONNECT, which Node hands over as a bare socket rather than a response. */
export function sendOnSocket(socket: Duplex, reply: Reply): void {
  const headers: OutgoingHttpHeaders = { ...reply.headers, "content-length": Buffer.byteLength(reply.body) };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${String(value)}`);
  const head = [`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ""}`, ...lines, "connection: close"];
  socket.end(`${head.join("\r\n")}\r\n\r\n${reply.body}`);
}
