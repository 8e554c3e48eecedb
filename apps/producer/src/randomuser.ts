import * as z from "zod";
import { randomUUID } from "node:crypto";
import type { UserRecord } from "./record";
import { uuidPattern } from "./record";
import { errorMessage, withRetries } from "./retry";

/** The part of a RandomUser API result we read; anything else in the response is ignored. */
const randomUserResultSchema = z.object({
  gender: z.string(),
  name: z.object({ first: z.string(), last: z.string() }),
  location: z.object({
    street: z.object({ number: z.union([z.number(), z.string()]), name: z.string() }),
    city: z.string(),
    state: z.string(),
    country: z.string(),
    postcode: z.union([z.number(), z.string()]),
  }),
  email: z.string(),
  login: z.object({ uuid: z.string().optional(), username: z.string() }),
  dob: z.object({ date: z.string() }),
  registered: z.object({ date: z.string() }),
  phone: z.string(),
  picture: z.object({ medium: z.string() }),
});

const randomUserResponseSchema = z.object({ results: z.array(randomUserResultSchema) });

export type RandomUserResult = z.infer<typeof randomUserResultSchema>;

/**
 * Maps one RandomUser result the way the classic demo's `format_data` does
 * (address = "number street, city, state, country", picture = medium portrait).
 * The id is RandomUser's login.uuid when it is a UUID, so a seeded fetch yields stable ids.
 */
export function mapRandomUser(result: RandomUserResult, makeId: () => string = randomUUID): UserRecord {
  const { location } = result;
  const loginUuid = result.login.uuid?.toLowerCase();
  return {
    id: loginUuid !== undefined && uuidPattern.test(loginUuid) ? loginUuid : makeId(),
    first_name: result.name.first,
    last_name: result.name.last,
    gender: result.gender,
    address: `${String(location.street.number)} ${location.street.name}, ${location.city}, ${location.state}, ${location.country}`,
    post_code: String(location.postcode),
    email: result.email,
    username: result.login.username,
    dob: result.dob.date,
    registered_date: result.registered.date,
    phone: result.phone,
    picture: result.picture.medium,
    country: location.country,
  };
}

/** Validates a whole response body and maps every result; errors name the offending field. */
export function parseRandomUserResponse(body: unknown): UserRecord[] {
  const parsed = randomUserResponseSchema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? first.path.map(String).join(".") : "?";
    throw new Error(`unexpected RandomUser response shape at ${where}: ${first?.message ?? "invalid"}`);
  }
  return parsed.data.results.map((result) => mapRandomUser(result));
}

/** URL for one page of results; seed + page make the API return the same users every time. */
export function randomUserPageUrl(baseUrl: string, results: number, seed: string, page: number): string {
  const url = new URL(baseUrl);
  url.searchParams.set("results", String(results));
  url.searchParams.set("seed", seed);
  url.searchParams.set("page", String(page));
  return url.toString();
}

export interface RandomUserClientOptions {
  baseUrl: string;
  seed: string;
  pageSize: number;
  timeoutMs: number;
  retries: number;
  initialRetryDelayMs: number;
  maximumRetryDelayMs: number;
  log: (line: string) => void;
  fetchImplementation?: typeof fetch;
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`RandomUser API answered HTTP ${status} for ${url}`);
  }
}

/** Client errors (other than rate limiting) will not fix themselves; everything else is worth another try. */
function isRetryable(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.status === 429 || error.status >= 500;
  return true;
}

/** Fetches one page, with a timeout per attempt and retries with exponential backoff. */
export async function fetchRandomUserPage(
  options: RandomUserClientOptions,
  page: number,
  count: number,
): Promise<UserRecord[]> {
  const fetchImplementation = options.fetchImplementation ?? fetch;
  const url = randomUserPageUrl(options.baseUrl, count, options.seed, page);
  try {
    return await withRetries(
      async () => {
        const response = await fetchImplementation(url, {
          signal: AbortSignal.timeout(options.timeoutMs),
          headers: { accept: "application/json" },
        });
        if (!response.ok) throw new HttpStatusError(response.status, url);
        return parseRandomUserResponse(await response.json());
      },
      {
        retries: options.retries,
        initialDelayMs: options.initialRetryDelayMs,
        maximumDelayMs: options.maximumRetryDelayMs,
        isRetryable,
        onRetry: (attempt, delayMs, error) =>
          options.log(
            `RandomUser fetch failed (${errorMessage(error)}); retry ${attempt}/${options.retries} in ${delayMs} ms`,
          ),
      },
    );
  } catch (error) {
    // eslint-disable-next-line preserve-caught-error -- the message already quotes the cause, and errorMessage() (retry.ts) would print an attached cause a second time
    throw new Error(`could not fetch users from RANDOMUSER_URL=${options.baseUrl}: ${errorMessage(error)}`);
  }
}
