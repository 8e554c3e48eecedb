import { isPlainObject, type PlainObject } from "./plain-object";

/**
 * Objects merge key by key; anything else in the override, null included, replaces the base. The merge of config
 * overrides over a profile, and of a release's values documents: terraform-provider-helm v3.1.1's mergeMaps
 * (helm/resource_helm_release.go) and Helm v3.22.0's for -f files (pkg/cli/values/options.go) do the same.
 * Not Helm's coalesce over chart defaults, where null deletes a key: that is coalesceValues in validation/.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: PlainObject = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value);
  return merged;
}
