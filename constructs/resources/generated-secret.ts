/**
 * A credentials Secret the `manifests` chart generates at install: a random password, kept across upgrades
 * (Helm looks the first copy up), written identically into every namespace listed, so workloads in other
 * namespaces can use the same credentials without a copy step.
 */
export interface GeneratedSecret {
  readonly name: string;
  readonly namespaces: readonly string[];
  readonly username: string;
  /** Characters of the random password. @default 32 */
  readonly length?: number;
  /** Further keys built from the credentials: `{username}` and `{password}` are replaced, URL-escaped. */
  readonly derivedKeys?: Readonly<Record<string, string>>;
}
