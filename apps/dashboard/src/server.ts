import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { renderDashboardPage } from "./page";
import type { DashboardSnapshot, SnapshotService } from "./snapshot";

export interface DashboardServerOptions {
  /** How often each server-sent-events client receives a fresh snapshot. */
  pushIntervalMs: number;
  log?: (line: string) => void;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** Fields every API answer carries, so a client always sees whether the numbers are trustworthy. */
function envelope(snapshot: DashboardSnapshot): Pick<DashboardSnapshot, "status" | "reason" | "generatedAt" | "stale"> {
  return {
    status: snapshot.status,
    ...(snapshot.reason !== undefined ? { reason: snapshot.reason } : {}),
    generatedAt: snapshot.generatedAt,
    stale: snapshot.stale,
  };
}

/** The JSON API as a function of (path, snapshot source); the HTTP layer only serializes. */
export async function handleApiRequest(
  path: string,
  query: URLSearchParams,
  service: SnapshotService,
): Promise<ApiResponse> {
  const snapshot = (): Promise<DashboardSnapshot> => service.getSnapshot();
  switch (path) {
    case "/api/stats":
      return { status: 200, body: await snapshot() };
    case "/api/total": {
      const current = await snapshot();
      return { status: 200, body: { ...envelope(current), totalUsers: current.totalUsers } };
    }
    case "/api/ingest": {
      const current = await snapshot();
      return {
        status: 200,
        body: {
          ...envelope(current),
          ingestPerMinute: current.ingestPerMinute,
          averageLatencyMs: current.averageLatencyMs,
        },
      };
    }
    case "/api/breakdown/gender": {
      const current = await snapshot();
      return { status: 200, body: { ...envelope(current), byGender: current.byGender } };
    }
    case "/api/breakdown/country": {
      const current = await snapshot();
      return { status: 200, body: { ...envelope(current), byCountry: current.byCountry } };
    }
    case "/api/users/latest": {
      const current = await snapshot();
      const requested = Number(query.get("limit") ?? current.latestUsers.length);
      const limit = Number.isInteger(requested) && requested >= 0 ? requested : current.latestUsers.length;
      return { status: 200, body: { ...envelope(current), latestUsers: current.latestUsers.slice(0, limit) } };
    }
    case "/api/status":
    case "/readyz": {
      const current = await snapshot();
      return { status: path === "/readyz" && current.status !== "ok" ? 503 : 200, body: envelope(current) };
    }
    case "/healthz":
      return { status: 200, body: { status: "alive" } };
    default:
      return {
        status: 404,
        body: {
          error: `no such endpoint: ${path}`,
          endpoints: [
            "/",
            "/api/stats",
            "/api/total",
            "/api/ingest",
            "/api/breakdown/gender",
            "/api/breakdown/country",
            "/api/users/latest",
            "/api/status",
            "/api/events",
            "/healthz",
            "/readyz",
          ],
        },
      };
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

export function formatServerSentEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class DashboardServer {
  readonly server: Server;
  private readonly streams = new Set<ServerResponse>();
  private readonly page: string;

  constructor(
    private readonly service: SnapshotService,
    private readonly options: DashboardServerOptions,
  ) {
    this.page = renderDashboardPage({ pushIntervalMs: options.pushIntervalMs });
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        options.log?.(
          `request ${request.method ?? "?"} ${request.url ?? "?"} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        if (!response.headersSent) sendJson(response, 500, { error: "internal error" });
        else response.end();
      });
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://dashboard.invalid");
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("allow", "GET, HEAD");
      return sendJson(response, 405, { error: `method ${request.method ?? "?"} not allowed` });
    }
    if (url.pathname === "/" || url.pathname === "/index.html") {
      response.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "content-length": Buffer.byteLength(this.page),
      });
      response.end(request.method === "HEAD" ? undefined : this.page);
      return;
    }
    if (url.pathname === "/api/events") return this.stream(request, response);
    const answer = await handleApiRequest(url.pathname, url.searchParams, this.service);
    sendJson(response, answer.status, answer.body);
  }

  /** Server-sent events: a snapshot right away, then one every push interval, until the client leaves. */
  private async stream(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    response.write(`retry: ${Math.max(1000, this.options.pushIntervalMs)}\n\n`);
    this.streams.add(response);
    let pushing = false;
    const push = async (): Promise<void> => {
      if (pushing || response.writableEnded) return;
      pushing = true;
      try {
        response.write(formatServerSentEvent("snapshot", await this.service.getSnapshot()));
      } finally {
        pushing = false;
      }
    };
    const timer = setInterval(() => void push().catch(() => undefined), this.options.pushIntervalMs);
    const stop = (): void => {
      clearInterval(timer);
      this.streams.delete(response);
    };
    request.on("close", stop);
    response.on("close", stop);
    await push();
  }

  listen(port: number, host?: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Ends open event streams (they would otherwise keep the server open) and stops listening. */
  close(): Promise<void> {
    for (const response of this.streams) response.end();
    this.streams.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }
}
