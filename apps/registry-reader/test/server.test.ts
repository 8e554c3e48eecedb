import {
  freePort,
  rawRequest,
  registryMediaType,
  schemaById,
  schemaNotFound,
  startFakeRegistry,
  startReader,
  type FakeRegistry,
  type RunningReader,
} from "./support";

/** The real server in this process against a stand-in registry served under a base path. */
let registry: FakeRegistry;
let reader: RunningReader;

beforeEach(async () => {
  registry = await startFakeRegistry();
  reader = await startReader(`${registry.url}/registry`, 300);
});

afterEach(async () => {
  await reader.close();
  await registry.close();
});

describe("GET and HEAD are forwarded", () => {
  it("forwards GET with path and query under the base path, and returns status, content-type and body", async () => {
    const response = await fetch(`${reader.url}/schemas/ids/1?fetchMaxId=false&subject=users-value`, {
      headers: { accept: registryMediaType, "accept-encoding": "gzip", authorization: "Basic c2VjcmV0" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(registryMediaType);
    expect(await response.text()).toBe(schemaById);
    expect(registry.requests).toHaveLength(1);
    const forwarded = registry.requests[0];
    expect(forwarded?.method).toBe("GET");
    expect(forwarded?.url).toBe("/registry/schemas/ids/1?fetchMaxId=false&subject=users-value");
    expect(forwarded?.headers.accept).toBe(registryMediaType);
    expect(forwarded?.headers["accept-encoding"]).toBeUndefined();
    expect(forwarded?.headers.authorization).toBeUndefined();
  });

  it("returns the upstream's 404 with its body", async () => {
    const response = await fetch(`${reader.url}/schemas/ids/999`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe(registryMediaType);
    expect(await response.text()).toBe(schemaNotFound);
    expect(registry.requests.map((request) => request.url)).toEqual(["/registry/schemas/ids/999"]);
  });

  it("does not copy hop-by-hop headers", async () => {
    const response = await fetch(`${reader.url}/schemas/ids/1`);
    await response.text();
    expect(response.headers.get("x-hop")).toBeNull();
    expect(response.headers.get("keep-alive")).not.toBe("timeout=77");
  });

  it("forwards HEAD as HEAD and returns the headers without a body", async () => {
    const response = await fetch(`${reader.url}/schemas/ids/1`, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(registryMediaType);
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(schemaById)));
    expect(await response.text()).toBe("");
    expect(registry.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      "HEAD /registry/schemas/ids/1",
    ]);
  });
});

describe("writes are refused without contacting the registry", () => {
  it.each([
    ["POST", "/subjects/x/versions"],
    ["PUT", "/config"],
    ["DELETE", "/subjects/x"],
    ["PATCH", "/config/x"],
    // How Confluent's clients look a schema up; consumers here fetch by id instead.
    ["POST", "/subjects/x?normalize=true"],
  ])("%s %s: 405, Allow: GET, HEAD, the registry's error format, one log line", async (method, path) => {
    const response = await fetch(`${reader.url}${path}`, {
      method,
      headers: { "content-type": registryMediaType },
      body: method === "DELETE" ? null : '{"schema":"\\"string\\""}',
    });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect(await response.json()).toEqual({
      error_code: 405,
      message: `registry-reader is read-only: ${method} ${path} is refused; schemas are registered by the producer`,
    });
    expect(registry.connections).toBe(0);
    expect(reader.logLines).toEqual([`refused write: ${method} ${path} from 127.0.0.1`]);
  });

  it("refuses CONNECT the same way instead of dropping the connection", async () => {
    const response = await rawRequest(reader.port, "CONNECT", "127.0.0.1:443", "127.0.0.1:443");
    expect(response.status).toBe(405);
    expect(response.head).toMatch(/\r\nallow: GET, HEAD\r\n/i);
    expect(JSON.parse(response.body)).toEqual({
      error_code: 405,
      message: "registry-reader is read-only: CONNECT 127.0.0.1:443 is refused; schemas are registered by the producer",
    });
    expect(registry.connections).toBe(0);
    expect(reader.logLines).toEqual(["refused write: CONNECT 127.0.0.1:443 from 127.0.0.1"]);
  });
});

describe("request targets cannot leave the registry's base path", () => {
  let bystander: FakeRegistry;
  let elsewhere: string;
  beforeEach(async () => {
    bystander = await startFakeRegistry();
    elsewhere = bystander.url.replace("http://", "");
  });
  afterEach(() => bystander.close());

  it("forwards a raw request line that is a plain path (the helper below is not vacuous)", async () => {
    const response = await rawRequest(reader.port, "GET", "/schemas/ids/1?x=1");
    expect(response.status).toBe(200);
    expect(response.body).toBe(schemaById);
    expect(registry.requests.map((request) => request.url)).toEqual(["/registry/schemas/ids/1?x=1"]);
  });

  it.each([
    ["absolute-form", (host: string) => `http://${host}/schemas/ids/1`],
    ["network-path", (host: string) => `//${host}/schemas/ids/1`],
    ["encoded network-path", (host: string) => `/%2F${host}/schemas/ids/1`],
    ["backslash network-path", (host: string) => `/\\${host}/schemas/ids/1`],
    ["dot-dot", () => "/../schemas/ids/1"],
    ["dot-dot mid-path", () => "/subjects/../../schemas/ids/1"],
    ["dot", () => "/./schemas/ids/1"],
    ["encoded dot-dot", () => "/%2e%2E/schemas/ids/1"],
    ["dot-dot behind an encoded slash", () => "/subjects/..%2Fschemas/ids/1"],
    ["asterisk-form", () => "*"],
  ])("%s: 400 in the registry's format, nothing sent anywhere", async (_kind, target) => {
    const requestTarget = target(elsewhere);
    const response = await rawRequest(reader.port, "GET", requestTarget, elsewhere);
    expect(response.status).toBe(400);
    const body = JSON.parse(response.body) as { error_code: number; message: string };
    expect(body.error_code).toBe(400);
    expect(body.message).toContain(`registry-reader refuses the request target ${requestTarget}: `);
    expect(registry.connections).toBe(0);
    expect(bystander.connections).toBe(0);
    expect(reader.logLines).toEqual([`refused target: GET ${requestTarget} from 127.0.0.1`]);
  });

  it("a target without a leading slash is refused by Node's parser with 400 before it reaches the handler", async () => {
    const response = await rawRequest(reader.port, "GET", "schemas/ids/1");
    expect(response.status).toBe(400);
    expect(registry.connections).toBe(0);
  });
});

describe("/healthz", () => {
  it("answers ok locally, also while the registry is down", async () => {
    await registry.close();
    const response = await fetch(`${reader.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
    expect(registry.connections).toBe(0);
  });
});

describe("registry failures", () => {
  it("answers 502 naming the registry when it is unreachable, and keeps serving", async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const orphan = await startReader(down);
    try {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const response = await fetch(`${orphan.url}/schemas/ids/1`);
        expect(response.status).toBe(502);
        const body = (await response.json()) as { error_code: number; message: string };
        expect(body.error_code).toBe(502);
        expect(body.message).toMatch(new RegExp(`^cannot reach the schema registry at ${down}: .*ECONNREFUSED`));
      }
      expect((await fetch(`${orphan.url}/healthz`)).status).toBe(200);
    } finally {
      await orphan.close();
    }
  });

  it("answers 504 when the registry does not answer within the timeout", async () => {
    const started = Date.now();
    const response = await fetch(`${reader.url}/slow`);
    const elapsed = Date.now() - started;
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({
      error_code: 504,
      message: `the schema registry at ${registry.url}/registry did not answer within 300 ms`,
    });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2_000);
    expect((await fetch(`${reader.url}/schemas/ids/1`)).status).toBe(200);
  });

  it("cuts the connection when the body does not finish within the timeout", async () => {
    const started = Date.now();
    const response = await fetch(`${reader.url}/trickle`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
