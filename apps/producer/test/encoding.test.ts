import * as avro from "avsc";
import {
  createSchemaRegistry,
  createUserEncoder,
  createUserFrameWriter,
  readConfluentFrame,
  registerUserSchema,
  toKafkaMessage,
} from "../src/encoding";
import { generateUser } from "../src/generator";
import { userSchema, userSchemaText } from "../src/schema";
import { FakeSchemaRegistry } from "./fake-schema-registry";

describe("Confluent wire format through the schema registry", () => {
  // 0x01020304 makes a byte-order mistake visible.
  const schemaId = 0x01020304;
  const fake = new FakeSchemaRegistry(schemaId);
  let url: string;

  beforeAll(async () => {
    url = await fake.start();
  });
  afterAll(() => fake.stop());

  it("registers users_created.avsc under users_created-value with BACKWARD compatibility", async () => {
    const registry = createSchemaRegistry({ url });
    await expect(registerUserSchema(registry, url, "users_created")).resolves.toBe(schemaId);
    expect(fake.compatibility.get("users_created-value")).toBe("BACKWARD");
    expect(JSON.parse(fake.schemas.get(schemaId) ?? "{}")).toEqual(JSON.parse(userSchemaText()));
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /config/users_created-value",
      "POST /subjects/users_created-value/versions",
      "PUT /config/users_created-value",
    ]);
  });

  it("registers under the value subject of the topic it was given (TopicNameStrategy)", async () => {
    const registry = createSchemaRegistry({ url });
    await registerUserSchema(registry, url, "renamed_topic");
    expect(fake.compatibility.get("renamed_topic-value")).toBe("BACKWARD");
  });

  it("frames values as magic byte 0, big-endian schema id, Avro body, byte for byte as the registry client does", async () => {
    const registry = createSchemaRegistry({ url });
    await registerUserSchema(registry, url, "users_created");
    const user = generateUser("framing", 0);
    const value = createUserEncoder(schemaId)(user);
    expect(value.equals(await registry.encode(schemaId, user))).toBe(true);
    expect(value[0]).toBe(0);
    expect([...value.subarray(1, 5)]).toEqual([0x01, 0x02, 0x03, 0x04]);
    const frame = readConfluentFrame(value);
    expect(frame).toMatchObject({ magicByte: 0, schemaId });
    const type = avro.Type.forSchema(userSchema() as avro.Schema);
    expect(type.fromBuffer(frame.payload)).toEqual(user);
    await expect(registry.decode(value)).resolves.toEqual(user);
  });

  it("keeps every value intact across its shared blocks: 3,000 records (several blocks) equal one-by-one framing", () => {
    const type = avro.Type.forSchema(userSchema() as avro.Schema);
    const encode = createUserEncoder(schemaId);
    const values = Array.from({ length: 3_000 }, (_unused, index) => encode(generateUser("blocks", index)));
    const header = Buffer.from([0, 0x01, 0x02, 0x03, 0x04]);
    const differing = values.flatMap((value, index) =>
      value.equals(Buffer.concat([header, type.toBuffer(generateUser("blocks", index))])) ? [] : [index],
    );
    expect(differing).toEqual([]);
    // Non-vacuity: the values do not all fit in one block.
    expect(new Set(values.map((value) => value.buffer)).size).toBeGreaterThan(1);
  });

  it("rejects a record that does not match the schema, naming the record and the field", () => {
    const broken = { ...generateUser("framing", 1), email: 42 } as unknown as ReturnType<typeof generateUser>;
    expect(() => createUserEncoder(schemaId)(broken)).toThrow(
      new RegExp(`record ${broken.id} does not match users_created.avsc \\(fields: email\\)`),
    );
  });

  it("explains a registry it cannot reach", async () => {
    const unreachable = "http://127.0.0.1:1";
    await expect(
      registerUserSchema(createSchemaRegistry({ url: unreachable }), unreachable, "users_created"),
    ).rejects.toThrow(
      /could not register the Avro schema under subject users_created-value at SCHEMA_REGISTRY_URL=http:\/\/127\.0\.0\.1:1/,
    );
  });
});

describe("createUserFrameWriter", () => {
  const write = createUserFrameWriter(42);
  const encode = createUserEncoder(42);
  const user = generateUser("frames", 3);
  const frame = Buffer.from(encode(user));

  it("writes the encoder's bytes at the position it is given and answers where they end", () => {
    const target = Buffer.alloc(1000, 0xff);
    expect(write(user, target, 10)).toBe(10 + frame.length);
    expect(target.subarray(10, 10 + frame.length).equals(frame)).toBe(true);
  });

  it.each([
    ["the body", 20],
    ["the header", 3],
    ["anything", 0],
  ])("answers minus the record's size when %s does not fit", (_, room) => {
    const target = Buffer.alloc(100 + room);
    expect(write(user, target, 100)).toBe(-frame.length);
  });

  it("names the record and the field that does not match the schema", () => {
    expect(() => write({ ...user, email: 5 as unknown as string }, Buffer.alloc(1000), 0)).toThrow(
      `record ${user.id} does not match users_created.avsc (fields: email)`,
    );
  });
});

describe("createUserEncoder", () => {
  it("starts a new block when a record does not fit the rest of the current one, without changing earlier values", () => {
    const encode = createUserEncoder(9);
    const values = Array.from({ length: 3000 }, (_, index) => encode(generateUser("blocks", index)));
    const copies = values.map((value) => Buffer.from(value));
    const single = createUserFrameWriter(9);
    // One assertion over all 3,000 (an expect() per record cost a second): the indices whose bytes differ.
    const differing = values.flatMap((value, index) => {
      const alone = Buffer.alloc(1000);
      const end = single(generateUser("blocks", index), alone, 0);
      return value.equals(alone.subarray(0, end)) && value.equals(copies[index]) ? [] : [index];
    });
    expect(differing).toEqual([]);
    expect(new Set(values.map((value) => value.buffer)).size).toBeGreaterThan(1);
  });
});

describe("toKafkaMessage", () => {
  it("keys by user id and stamps the production time", () => {
    const user = generateUser("key", 0);
    expect(toKafkaMessage(user.id, Buffer.from([0]), 1_700_000_000_000)).toEqual({
      key: user.id,
      value: Buffer.from([0]),
      timestamp: "1700000000000",
    });
  });

  it("refuses a value too short to be framed", () => {
    expect(() => readConfluentFrame(Buffer.from([0, 0]))).toThrow("at least 5 bytes");
  });
});
