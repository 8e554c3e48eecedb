import { createHash } from "node:crypto";
import * as avro from "avsc";
import { generateUser, isoInstant } from "../src/generator";
import { createRandomSource, indexedRandomSources, uuidFromBytes } from "../src/random";
import { uuidPattern, type UserRecord } from "../src/record";
import { userSchema } from "../src/schema";
import { createGeneratorSource } from "../src/source";

const userType = avro.Type.forSchema(userSchema() as avro.Schema);

describe("isoInstant", () => {
  it("writes what Date.prototype.toISOString writes", () => {
    const edges = [
      Date.UTC(1000, 0, 1),
      Date.UTC(1900, 1, 28, 23, 59, 59, 999),
      Date.UTC(2000, 1, 29, 12, 0, 0, 5),
      Date.UTC(2024, 11, 31, 23, 59, 59, 99),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      -1,
      0,
      Date.UTC(999, 11, 31),
      Date.UTC(10000, 0, 1),
    ];
    // Plus 20,000 instants spread over the generator's range (birth dates from 1940 to registrations in 2024) and beyond.
    const spread = Array.from({ length: 20_000 }, (_, index) => Date.UTC(1900, 0, 1) + index * 7_919_999_983);
    // One assertion over all of them: 20,000 expect() calls cost a second of jest's time.
    const differing = [...edges, ...spread]
      .map((ms) => ({ ms, ours: isoInstant(ms), date: new Date(ms).toISOString() }))
      .filter(({ ours, date }) => ours !== date);
    expect(differing).toEqual([]);
  });
});

describe("generateUser", () => {
  it("is deterministic: same seed and index give the same record", () => {
    expect(generateUser("seed-a", 7)).toEqual(generateUser("seed-a", 7));
    const first = Array.from({ length: 50 }, (_, index) => generateUser("seed-a", index));
    const second = Array.from({ length: 50 }, (_, index) => generateUser("seed-a", index));
    expect(second).toEqual(first);
  });

  it("pins the first record of the default seed, so a change to the generator is deliberate", () => {
    const user = generateUser("streamstack", 0);
    expect(user.id).toMatch(uuidPattern);
    expect(generateUser("streamstack", 0).id).toBe(user.id);
    expect(user).toMatchObject({ gender: expect.stringMatching(/^(female|male)$/), country: expect.any(String) });
  });

  it("keeps the exact sequence of every seed: replays and resumed runs upsert the same ids", () => {
    // Digests of 5,000 records spread over the first 40 million indexes, taken before the generator was made faster
    // (a source per record hashes only the index's digits; sfc32 became a class): speed work must not move a byte.
    const digest = (seed: string): string => {
      const hash = createHash("sha256");
      for (let index = 0; index < 5000; index++) hash.update(`${JSON.stringify(generateUser(seed, index * 7919))}\n`);
      return hash.digest("hex");
    };
    expect(digest("streamstack")).toBe("8be73b47975fae881103d1511aee6c1c56ff61ee5139096079dd8c3a86b975c1");
    expect(digest("bench-x")).toBe("3a1b46ad32e6750ec42f8fba8837d1fb17f749b279beb3ccba1cba5bf9b16552");
    expect(digest("")).toBe("83185afb92c5b53b6eae8cb432e364dba6686e75b86a1b703702794114e0cad0");
    expect(generateUser("streamstack", 0).id).toBe("bae54b7e-77af-4bda-abb5-cfcd192e00c3");
  });

  it("differs across seeds and indexes", () => {
    expect(generateUser("seed-a", 0).id).not.toBe(generateUser("seed-b", 0).id);
    expect(generateUser("seed-a", 0).id).not.toBe(generateUser("seed-a", 1).id);
  });

  it("produces unique version-4 UUIDs and records valid against users_created.avsc", () => {
    const ids = new Set<string>();
    for (let index = 0; index < 1000; index++) {
      const user = generateUser("validity", index);
      expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      ids.add(user.id);
      const problems: string[] = [];
      const valid = userType.isValid(user, { errorHook: (path) => problems.push(path.join(".")) });
      if (!valid) throw new Error(`record ${index} invalid at ${problems.join(", ")}: ${JSON.stringify(user)}`);
    }
    expect(ids.size).toBe(1000);
  });

  it("has exactly the schema fields and fills them like the classic demo", () => {
    const user = generateUser("shape", 3);
    expect(Object.keys(user).sort()).toEqual(
      userSchema()
        .fields.map((field) => field.name)
        .sort(),
    );
    expect(user.address.split(", ")).toHaveLength(4);
    expect(user.address.endsWith(`, ${user.country}`)).toBe(true);
    expect(user.email).toMatch(/^[a-z0-9]+\.[a-z0-9]+@example\.com$/);
    expect(new Date(user.dob).toISOString()).toBe(user.dob);
    expect(new Date(user.registered_date).toISOString()).toBe(user.registered_date);
    expect(Date.parse(user.dob)).toBeLessThan(Date.UTC(2005, 0, 1));
  });

  it("mixes genders and several countries", () => {
    const users = Array.from({ length: 500 }, (_, index) => generateUser("mix", index));
    const genders = new Set(users.map((user) => user.gender));
    const countries = new Set(users.map((user) => user.country));
    expect(genders).toEqual(new Set(["female", "male"]));
    expect(countries.size).toBeGreaterThanOrEqual(8);
  });

  it("round-trips through Avro binary", () => {
    const user = generateUser("avro", 1);
    expect(userType.fromBuffer(userType.toBuffer(user)) as UserRecord).toEqual(user);
  });
});

describe("createGeneratorSource", () => {
  it("continues the sequence across takes", async () => {
    const source = createGeneratorSource("chunks");
    const chunked = [...(await source.take(3)), ...(await source.take(4))];
    const whole = await createGeneratorSource("chunks").take(7);
    expect(chunked).toEqual(whole);
  });
});

describe("uuidFromBytes", () => {
  it("sets version and variant bits", () => {
    expect(uuidFromBytes(new Uint8Array(16).fill(0xff))).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
    expect(() => uuidFromBytes(new Uint8Array(3))).toThrow("16 bytes");
  });
});

describe("indexedRandomSources", () => {
  it("gives the source of prefix + index, as createRandomSource of the whole text does", () => {
    for (const prefix of ["", "streamstack#", "Köln-ß#"]) {
      const sources = indexedRandomSources(prefix);
      for (const index of [0, 1, 9, 10, 12345, 2 ** 40]) {
        const fromPrefix = sources(index);
        const whole = createRandomSource(`${prefix}${index}`);
        const draws = (source: typeof whole): number[] => [
          ...Array.from({ length: 20 }, () => source.next()),
          ...source.bytes(8),
          source.integer(-5, 5),
        ];
        expect(draws(fromPrefix)).toEqual(draws(whole));
      }
    }
  });
});
