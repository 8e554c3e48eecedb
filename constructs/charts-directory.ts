import { join } from "node:path";

/** Our own Helm charts (charts/), in a module of its own: the scripts and tests that read them need not load cdktf. */
export const chartsDirectory = join(__dirname, "..", "charts");
