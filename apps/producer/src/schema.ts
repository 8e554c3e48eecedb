import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The Avro schema text. apps/bundle.ts replaces `__USERS_CREATED_AVSC__` with the file's
 * contents at bundle time, so the single-file bundle in the ConfigMap needs no schema file
 * beside it; under tsx and jest the identifier is undefined and we read the repository copy.
 */
declare const __USERS_CREATED_AVSC__: string | undefined;

export interface AvroRecordSchema {
  type: "record";
  name: string;
  namespace?: string;
  fields: Array<{ name: string; type: unknown; default?: unknown }>;
}

export function userSchemaText(): string {
  if (typeof __USERS_CREATED_AVSC__ === "string") return __USERS_CREATED_AVSC__;
  return readFileSync(join(__dirname, "..", "..", "schemas", "users_created.avsc"), "utf8");
}

export function userSchema(): AvroRecordSchema {
  return JSON.parse(userSchemaText()) as AvroRecordSchema;
}
