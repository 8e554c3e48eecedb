// Moved to scripts/lib/processes.ts (one process runner for e2e, verify and the measurements); this re-export keeps
// imports of the old path compiling until they are updated.
export * from "../../scripts/lib/processes";
