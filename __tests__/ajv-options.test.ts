import Ajv, { type ValidateFunction } from "ajv";
import { compiledForFewRuns } from "../validation/ajv-options";
import { crdAjvOptions } from "../validation/crd-registry";
import { crdObjectSchema } from "../validation/structural-schema";
import { pinnedCrdDocuments } from "./support/pinned-crds";
import { synthesize } from "./support/synth";

// validation/ajv-options.ts turns Ajv's optimization pass off, claiming the same verdicts and the same errors. Checked
// here on the cloud stack's KafkaTopic and KafkaUser (enums, oneOf, nested arrays; the larger CRDs take seconds to
// compile twice), as emitted and broken three ways, against their pinned CRDs.
type Crd = {
  kind: string;
  spec: {
    names: { kind: string };
    versions: { name: string; schema?: { openAPIV3Schema?: Record<string, unknown> } }[];
  };
};

const { strict, allErrors, validateFormats } = crdAjvOptions;
const optimized = new Ajv({ strict, allErrors, validateFormats });
const unoptimized = new Ajv({ strict, allErrors, validateFormats, code: compiledForFewRuns });

const crds = pinnedCrdDocuments<Crd>();
const kinds = ["KafkaTopic", "KafkaUser"];
const objects = synthesize("cloud")
  .manifestObjects.map(({ object }) => object)
  .filter((object) => kinds.includes(object.kind));
const cases = objects.flatMap((object) => {
  const version = object.apiVersion.split("/")[1];
  const crd = crds.find((candidate) => candidate.spec.names.kind === object.kind);
  const openApi = crd?.spec.versions.find((candidate) => candidate.name === version)?.schema?.openAPIV3Schema;
  if (!openApi) return [];
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const broken = [
    object,
    { ...object, spec: { ...spec, notAField: true } },
    { ...object, spec: "not an object" },
    { ...object, spec: Object.fromEntries(Object.keys(spec).map((key) => [key, 12345])) },
  ];
  return broken.map((candidate, index) => ({
    name: `${object.kind} ${object.metadata.name} #${index}`,
    candidate,
    openApi,
  }));
});

it("covers both kinds", () => {
  expect(new Set(cases.map(({ name }) => name.split(" ")[0]))).toEqual(new Set(kinds));
});

const compiled = new Map<object, { fast: ValidateFunction; slow: ValidateFunction }>();

it.each(cases.map((entry) => [entry.name, entry] as const))(
  "%s: the same verdict and errors either way",
  (_name, entry) => {
    let pair = compiled.get(entry.openApi);
    if (!pair) {
      const { schema } = crdObjectSchema(entry.openApi);
      pair = { fast: optimized.compile(schema), slow: unoptimized.compile(schema) };
      compiled.set(entry.openApi, pair);
    }
    const { fast, slow } = pair;
    const verdict = fast(entry.candidate);
    // As emitted (#0) the object is valid; the broken copies are not, so that errors are compared, not only nulls.
    expect(verdict).toBe(entry.name.endsWith("#0"));
    expect(slow(entry.candidate)).toBe(verdict);
    expect(slow.errors ?? null).toEqual(fast.errors ?? null);
  },
);
