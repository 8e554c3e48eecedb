/** Test files (paths from the repository root) of the integration tier: see test-tiers.cjs. */
export declare const integrationSuites: readonly string[];
