import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { pipeline } from "node:stream";
import { registryError, send } from "./reply";
import { describeUpstream, upstreamPath } from "./target";

export interface Upstream {
  readonly url: URL;
  readonly timeoutMs: number;
}

/**
 * Headers that describe the body, which is passed through byte for byte. An allow-list, so hop-by-hop headers
 * (connection, keep-alive, transfer-encoding, ...) and anything else of the upstream's are never copied.
 */
const bodyHeaders = ["content-type", "content-length", "content-encoding"] as const;

/**
 * Sends a GET or HEAD to the upstream with the same path and query and streams its answer back. No accept-encoding is
 * sent, so the registry answers uncompressed; content-encoding is still copied in case it compresses anyway.
 */
export function forward(request: IncomingMessage, response: ServerResponse, target: string, upstream: Upstream): void {
  const { url, timeoutMs } = upstream;
  const headers: OutgoingHttpHeaders = request.headers.accept === undefined ? {} : { accept: request.headers.accept };
  const options = {
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port === "" ? undefined : Number(url.port),
    path: upstreamPath(url, target),
    method: request.method,
    headers,
  };
  let timedOut = false;
  const upstreamRequest = (url.protocol === "https:" ? httpsRequest : httpRequest)(options, (upstreamResponse) => {
    const passed: OutgoingHttpHeaders = {};
    for (const name of bodyHeaders) {
      const value = upstreamResponse.headers[name];
      if (value !== undefined) passed[name] = value;
    }
    response.writeHead(upstreamResponse.statusCode ?? 502, passed);
    pipeline(upstreamResponse, response, () => clearTimeout(deadline));
  });
  // One deadline for the whole exchange: a socket idle timeout would let a registry that trickles bytes hold on forever.
  const deadline = setTimeout(() => {
    timedOut = true;
    upstreamRequest.destroy(new Error(`no complete answer within ${timeoutMs} ms`));
  }, timeoutMs);
  upstreamRequest.on("error", (error) => {
    clearTimeout(deadline);
    // Once the upstream's status is on its way, a truncated body can only be signalled by cutting the connection;
    // a client that left has nothing to be told.
    if (response.headersSent || response.destroyed) {
      response.destroy();
      return;
    }
    const where = `the schema registry at ${describeUpstream(url)}`;
    send(
      response,
      timedOut
        ? registryError(504, `${where} did not answer within ${timeoutMs} ms`)
        : registryError(502, `cannot reach ${where}: ${error.message}`),
    );
  });
  response.on("close", () => {
    clearTimeout(deadline);
    if (!response.writableFinished) upstreamRequest.destroy();
  });
  upstreamRequest.end();
}
