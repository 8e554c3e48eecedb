import {
  fetchRandomUserPage,
  mapRandomUser,
  parseRandomUserResponse,
  randomUserPageUrl,
  type RandomUserClientOptions,
  type RandomUserResult,
} from "../src/randomuser";
import { createRandomUserSource } from "../src/source";

const sample: RandomUserResult = {
  gender: "female",
  name: { first: "Jennie", last: "Nichols" },
  location: {
    street: { number: 8929, name: "Valwood Pkwy" },
    city: "Billings",
    state: "Michigan",
    country: "United States",
    postcode: 63104,
  },
  email: "jennie.nichols@example.com",
  login: { uuid: "7A0EED16-9430-4D68-901F-C0D4C1C3BF00", username: "yellowpeacock117" },
  dob: { date: "1992-03-08T15:13:16.688Z" },
  registered: { date: "2007-07-09T05:51:59.390Z" },
  phone: "(272) 790-0888",
  picture: { medium: "https://example.invalid/portraits/med/women/75.jpg" },
};

/** The address a fake fetch was called with, whichever form fetch's first argument takes. */
function href(url: string | URL | Request): string {
  return typeof url === "string" ? url : url instanceof URL ? url.href : url.url;
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function options(
  fetchImplementation: typeof fetch,
  overrides: Partial<RandomUserClientOptions> = {},
): RandomUserClientOptions {
  return {
    baseUrl: "http://randomuser.test/api/",
    seed: "seed",
    pageSize: 2,
    timeoutMs: 1000,
    retries: 2,
    initialRetryDelayMs: 1,
    maximumRetryDelayMs: 2,
    log: () => undefined,
    fetchImplementation,
    ...overrides,
  };
}

describe("mapRandomUser", () => {
  it("maps like the classic demo", () => {
    expect(mapRandomUser(sample)).toEqual({
      id: "7a0eed16-9430-4d68-901f-c0d4c1c3bf00",
      first_name: "Jennie",
      last_name: "Nichols",
      gender: "female",
      address: "8929 Valwood Pkwy, Billings, Michigan, United States",
      post_code: "63104",
      email: "jennie.nichols@example.com",
      username: "yellowpeacock117",
      dob: "1992-03-08T15:13:16.688Z",
      registered_date: "2007-07-09T05:51:59.390Z",
      phone: "(272) 790-0888",
      picture: "https://example.invalid/portraits/med/women/75.jpg",
      country: "United States",
    });
  });

  it("makes an id when login.uuid is missing or not a UUID", () => {
    const { uuid: _ignored, ...login } = sample.login;
    expect(mapRandomUser({ ...sample, login }, () => "generated").id).toBe("generated");
    expect(mapRandomUser({ ...sample, login: { ...login, uuid: "nope" } }, () => "generated").id).toBe("generated");
  });

  it("names the field when the response has an unexpected shape", () => {
    expect(() => parseRandomUserResponse({ results: [{ ...sample, name: { first: "x" } }] })).toThrow(
      "unexpected RandomUser response shape at results.0.name.last",
    );
  });

  it("builds page URLs with seed and page for reproducible fetches", () => {
    expect(randomUserPageUrl("http://randomuser.test/api/?nat=us", 5, "abc", 3)).toBe(
      "http://randomuser.test/api/?nat=us&results=5&seed=abc&page=3",
    );
  });
});

describe("fetchRandomUserPage", () => {
  it("retries server errors and network failures, then succeeds", async () => {
    const calls: string[] = [];
    const fetchImplementation = jest.fn(async (url: string | URL | Request) => {
      calls.push(href(url));
      if (calls.length === 1) return jsonResponse(503, {});
      if (calls.length === 2) throw new TypeError("fetch failed");
      return jsonResponse(200, { results: [sample] });
    }) as unknown as typeof fetch;
    const logged: string[] = [];
    const users = await fetchRandomUserPage(options(fetchImplementation, { log: (line) => logged.push(line) }), 1, 1);
    expect(users).toHaveLength(1);
    expect(calls).toHaveLength(3);
    expect(logged[0]).toMatch(/HTTP 503 .*retry 1\/2/);
  });

  it("gives up on client errors without retrying and names RANDOMUSER_URL", async () => {
    const fetchImplementation = jest.fn(async () => jsonResponse(404, {})) as unknown as typeof fetch;
    await expect(fetchRandomUserPage(options(fetchImplementation), 1, 1)).rejects.toThrow(
      /RANDOMUSER_URL=http:\/\/randomuser\.test\/api\/: RandomUser API answered HTTP 404/,
    );
    expect(fetchImplementation).toHaveBeenCalledTimes(1);
  });

  it("gives up after the configured retries", async () => {
    const fetchImplementation = jest.fn(async () => jsonResponse(500, {})) as unknown as typeof fetch;
    await expect(fetchRandomUserPage(options(fetchImplementation), 1, 1)).rejects.toThrow("HTTP 500");
    expect(fetchImplementation).toHaveBeenCalledTimes(3);
  });

  it("times out a hanging request", async () => {
    const hanging = ((_url: string, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) =>
        // Like fetch, reject with the signal's reason: AbortSignal.timeout() aborts with a TimeoutError DOMException.
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason as DOMException)),
      )) as unknown as typeof fetch;
    await expect(fetchRandomUserPage(options(hanging, { timeoutMs: 30, retries: 0 }), 1, 1)).rejects.toThrow(
      /timeout|aborted/i,
    );
  });
});

describe("createRandomUserSource", () => {
  it("buffers pages and serves exact counts", async () => {
    const pages: number[] = [];
    const fetchImplementation = async (url: string | URL | Request) => {
      pages.push(Number(new URL(href(url)).searchParams.get("page")));
      return jsonResponse(200, { results: [sample, { ...sample, login: { username: "other" } }] });
    };
    const source = createRandomUserSource(options(fetchImplementation));
    expect(await source.take(3)).toHaveLength(3);
    expect(await source.take(1)).toHaveLength(1);
    expect(pages).toEqual([1, 2]);
  });
});
