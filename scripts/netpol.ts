/**
 * Prints the flow matrix of the synthesized network policies for both profiles, as np-guard's netpol-analyzer
 * (tools/netpol, built by tools/build.sh) answers it; exits 1 when a wired flow is denied or a sample allowed.
 *
 *   npm run netpol [-- kind|cloud]
 */
import { helmBinary } from "../__tests__/support/render-local-chart";
import { netpolAnalyzerBinary } from "./lib/netpol-analysis";
import { analyzeProfile, formatAnalysis } from "./lib/netpol-report";
import { readInput } from "./lib/script-input";

const profiles = readInput(
  { rest: "profile", usage: "usage: npm run netpol [-- kind|cloud ...] (default: both)" },
  (input) => input.restChoices(["kind", "cloud"], ["kind", "cloud"] as const),
);
const helm = helmBinary();
const analyzer = netpolAnalyzerBinary();
if (!helm || !analyzer) {
  console.error(`netpol: needs helm and netpol-analyzer in the tool cache; run: bash tools/build.sh`);
  process.exit(2);
}
let failed = false;
for (const profile of profiles) {
  const analysis = analyzeProfile(profile, helm, analyzer);
  console.log(formatAnalysis(analysis), "\n");
  failed ||=
    analysis.flows.some((verdict) => verdict.denied.length > 0) ||
    analysis.samples.some((verdict) => verdict.allowed.length > 0) ||
    analysis.unexplained.length > 0 ||
    analysis.unrenderedLocalPeers.length > 0;
}
process.exit(failed ? 1 : 0);
