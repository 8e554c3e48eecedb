import { CORE_SCHEMA, loadAll } from "js-yaml";

/**
 * Every YAML document of a text as plain data, read with YAML 1.2's core schema: what `yaml` gives for well-formed YAML
 * (`parseAllDocuments(text).map(toJS)`), several times faster (the pinned CRD files are 8 MB, a stack's values documents
 * 1.5 MB). Malformed YAML (a duplicate key, bad indentation, an unclosed collection) throws, naming `source` and the
 * line, where `parseAllDocuments` would hand back its best guess.
 */
export function yamlDocuments(text: string, source: string): unknown[] {
  return loadAll(text, { schema: CORE_SCHEMA, filename: source });
}

/** The one document of a text as yamlDocuments reads it (null when there is none); a second one throws, as `yaml`'s `parse` does. */
export function yamlDocument(text: string, source: string): unknown {
  const documents = yamlDocuments(text, source);
  if (documents.length > 1) throw new Error(`${source}: ${documents.length} YAML documents where one was expected`);
  return documents[0] ?? null;
}
