import { runCaptured } from "../../testing/run-captured";
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from "node:http";
import { connect, createServer as createTcpServer, type AddressInfo } from "node:net";
import { createRegistryReader } from "../src/server";

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** A stand-in Schema Registry on an ephemeral port that records every connection and request it gets. */
export interface FakeRegistry {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** TCP connections accepted, whether or not they carried an HTTP request. */
  connections: number;
  close(): Promise<void>;
}

export const schemaById = '{"schema":"{\\"type\\":\\"record\\",\\"name\\":\\"User\\",\\"fields\\":[]}"}';
export const schemaNotFound = '{"error_code":40403,"message":"Schema 999 not found"}';
export const registryMediaType = "application/vnd.schemaregistry.v1+json";

/** Routes by the end of the path, so the same fake serves under any base path. */
export async function startFakeRegistry(): Promise<FakeRegistry> {
  const server = createHttpServer((request, response) => {
    fake.requests.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers });
    const path = (request.url ?? "").split("?")[0] ?? "";
    if (path.endsWith("/slow")) return; // never answers
    if (path.endsWith("/trickle")) {
      response.writeHead(200, { "content-type": registryMediaType });
      response.write('{"schema":'); // and never finishes
      return;
    }
    const found = path.endsWith("/schemas/ids/1");
    const body = found ? schemaById : schemaNotFound;
    response.writeHead(found ? 200 : 404, {
      "content-type": registryMediaType,
      "content-length": Buffer.byteLength(body),
      // Hop-by-hop: a reader must not pass these on.
      connection: "keep-alive, x-hop",
      "x-hop": "1",
      "keep-alive": "timeout=77",
    });
    response.end(body);
  });
  server.on("connection", () => (fake.connections += 1));
  server.on("connect", (request: { method?: string; url?: string; headers: IncomingHttpHeaders }, socket) => {
    fake.requests.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers });
    socket.destroy();
  });
  const port = await listenOnEphemeralPort(server);
  const fake: FakeRegistry = {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    connections: 0,
    close: () => closeServer(server),
  };
  return fake;
}

export interface RunningReader {
  readonly url: string;
  readonly port: number;
  readonly logLines: string[];
  close(): Promise<void>;
}

/** The real server, in this process, on an ephemeral port. */
export async function startReader(upstream: string, timeoutMs = 5_000): Promise<RunningReader> {
  const logLines: string[] = [];
  const server = createRegistryReader({ url: new URL(upstream), timeoutMs, log: (line) => logLines.push(line) });
  const port = await listenOnEphemeralPort(server);
  return { url: `http://127.0.0.1:${port}`, port, logLines, close: () => closeServer(server) };
}

function listenOnEphemeralPort(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A port nothing listens on (it was free a moment ago). */
export function freePort(): Promise<number> {
  const server = createTcpServer();
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    }),
  );
}

export interface RawResponse {
  readonly status: number;
  readonly head: string;
  readonly body: string;
}

/** Sends a request line as written, which fetch would normalize: absolute-form, `//host`, dot segments. */
export function rawRequest(port: number, method: string, target: string, host = "127.0.0.1"): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (received += chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const split = received.indexOf("\r\n\r\n");
      const head = split < 0 ? received : received.slice(0, split);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? "0");
      resolve({ status, head, body: split < 0 ? "" : received.slice(split + 4) });
    });
    socket.write(`${method} ${target} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`);
  });
}

export interface Exited {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end with only the given environment (plus PATH and HOME, which npx needs). */
export function run(command: string, args: readonly string[], environment: Record<string, string>): Promise<Exited> {
  return runCaptured(command, args, {
    cwd: `${__dirname}/../../..`,
    // npm may print an update notice on stderr, which the exact-output assertions would take for the app's.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      npm_config_update_notifier: "false",
      ...environment,
    },
  });
}
