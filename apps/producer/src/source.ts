import { generateUser } from "./generator";
import { fetchRandomUserPage, type RandomUserClientOptions } from "./randomuser";
import type { UserRecord } from "./record";

/** Where records come from; `take` returns exactly `count` records or throws. */
export interface UserSource {
  readonly description: string;
  take(count: number): Promise<UserRecord[]>;
}

export function createGeneratorSource(seed: string, startIndex = 0): UserSource {
  let nextIndex = startIndex;
  return {
    description: `built-in generator (seed ${JSON.stringify(seed)})`,
    // eslint-disable-next-line @typescript-eslint/require-await -- async so that a generator error arrives as a rejection, as the API source's do
    take: async (count) => {
      const records = Array.from({ length: count }, (_, offset) => generateUser(seed, nextIndex + offset));
      nextIndex += count;
      return records;
    },
  };
}

/** Buffers whole pages from the RandomUser API so a request serves several batches. */
export function createRandomUserSource(options: RandomUserClientOptions): UserSource {
  const buffered: UserRecord[] = [];
  let nextPage = 1;
  return {
    description: `RandomUser API at ${options.baseUrl} (seed ${JSON.stringify(options.seed)})`,
    take: async (count) => {
      while (buffered.length < count) {
        const page = await fetchRandomUserPage(options, nextPage, options.pageSize);
        if (page.length === 0) throw new Error(`RandomUser API returned no results for page ${nextPage}`);
        nextPage++;
        buffered.push(...page);
      }
      return buffered.splice(0, count);
    },
  };
}
