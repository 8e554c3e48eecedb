import { createSchemaRegistry, registerUserSchema } from "../src/encoding";
import { userSchemaText } from "../src/schema";
import { FakeSchemaRegistry } from "./fake-schema-registry";

// Apicurio's Confluent API answers GET /config/<subject> with 200 NONE for a subject that has no level of its own
// (Confluent: 404); the client's register() then refuses with a compatibility mismatch (e2e/README.md).
describe("registration on a subject whose reported level is not BACKWARD", () => {
  const schemaId = 7;
  let fake: FakeSchemaRegistry;
  let url: string;

  beforeEach(async () => {
    fake = new FakeSchemaRegistry(schemaId);
    url = await fake.start();
    fake.compatibility.set("users_created-value", "NONE");
  });
  afterEach(() => fake.stop());

  it("takes the id of our schema from the lookup when another client registered it already", async () => {
    fake.schemas.set(schemaId, userSchemaText());
    await expect(registerUserSchema(createSchemaRegistry({ url }), url, "users_created")).resolves.toBe(schemaId);
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /config/users_created-value",
      "POST /subjects/users_created-value",
    ]);
    expect(fake.compatibility.get("users_created-value")).toBe("NONE");
  });

  it("names the config call that fixes it when our schema is not in the subject yet", async () => {
    await expect(registerUserSchema(createSchemaRegistry({ url }), url, "users_created")).rejects.toThrow(
      /BACKWARD != NONE.*PUT \/config\/users_created-value \{"compatibility":"BACKWARD"\}/,
    );
  });
});
