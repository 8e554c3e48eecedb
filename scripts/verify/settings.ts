/**
 * `npm run verify`'s switches and Kubernetes version (verify/README.md), checked before anything is built: run.sh
 * runs this file first, so a bad value stops the run with exit 2 naming the variable. run.sh then reads the three build
 * and dry-run switches itself; verify.ts reads requireProviders and kubeVersion from here.
 */
import { readSettings } from "../lib/script-input";

const onOff = ["0", "1"] as const;

export const verifySettings = readSettings((input) => ({
  skipBuild: input.choice({ env: "STREAMSTACK_SKIP_BUILD" }, "0", onOff) === "1",
  buildApiServer: input.choice({ env: "STREAMSTACK_BUILD_APISERVER" }, "0", onOff) === "1",
  dryRun: input.choice({ env: "STREAMSTACK_DRY_RUN" }, "0", onOff) === "1",
  requireProviders: input.choice({ env: "STREAMSTACK_REQUIRE_PROVIDERS" }, "0", onOff) === "1",
  kubeVersion: input.matching(
    { env: "STREAMSTACK_KUBE_VERSION" },
    "1.33.0",
    /^\d+\.\d+\.\d+$/,
    'a Kubernetes version such as "1.33.0"',
  ),
}));
