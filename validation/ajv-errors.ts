/** The fields of an Ajv error we report (kubernetes-models' validators raise the same shape). */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** The message an unknown field gets, whichever validator found it. */
export function unknownFieldError(instancePath: string, field: string): SchemaError {
  return {
    instancePath,
    keyword: "additionalProperties",
    params: { additionalProperty: field },
    message: "must NOT have additional properties",
  };
}

/** Schema problems as one line each (`<JSON pointer> <message>`), naming the field for an unknown one. */
export function describeSchemaErrors(errors: readonly SchemaError[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const field = error.keyword === "additionalProperties" ? ` '${String(error.params.additionalProperty)}'` : "";
    return `${error.instancePath || "/"} ${error.message ?? error.keyword}${field}`;
  });
}
