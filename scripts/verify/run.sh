#!/usr/bin/env bash
# `npm run verify`: build (or reuse) the toolchain, synthesize every profile × Kafka mode, and verify
# each stack with the real tools. See verify/README.md for what runs and the environment variables.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
# A bad STREAMSTACK_* switch or version stops the run here (exit 2), before anything is built.
npx tsx scripts/verify/settings.ts || exit 2
out=${STREAMSTACK_VERIFY_OUT:-$root/.cache/verify}
mkdir -p "$out"
started=$(date +%s)

if [[ "${STREAMSTACK_SKIP_BUILD:-0}" != 1 ]]; then
  build_started=$(date +%s)
  bash tools/build.sh || { echo "[verify] FAIL tools/build.sh" >&2; exit 1; }
  echo "[verify] toolchain ready in $(($(date +%s) - build_started))s"
fi

# The pinned upstream CRDs and chart values, fetched and checked once into the cache unless STREAMSTACK_SCHEMAS or
# ../shared/upstream provides them (the same step jest's globalSetup runs for npm test).
npx tsx scripts/fetch-schemas.ts || { echo "[verify] FAIL pinned upstream schemas (scripts/fetch-schemas.ts)" >&2; exit 1; }

if [[ -n "${STREAMSTACK_STACKS:-}" ]]; then
  stacks=$STREAMSTACK_STACKS
else
  synth_started=$(date +%s)
  rm -rf "$out/synth"
  npx tsx scripts/synth-matrix.ts "$out/synth" || { echo "[verify] FAIL synthesis (scripts/synth-matrix.ts)" >&2; exit 1; }
  echo "[verify] synthesized in $(($(date +%s) - synth_started))s"
  stacks=$out/synth/stacks
fi

npx tsx scripts/verify/verify.ts --stacks "$stacks" --work "$out/work"
status=$?

# Every workload's ConfigMap/Secret volumes laid out as kubelet does, and our consumers started from them.
npx tsx scripts/verify/kubelet-rehearsal.ts --work "$out/work" || status=1

if [[ "${STREAMSTACK_DRY_RUN:-0}" == 1 ]]; then
  npx tsx scripts/verify/dry-run.ts --work "$out/work" || status=1
  # Pods made at run time (DAG task pods, Spark driver/executor) through the same API server's Pod Security admission.
  npx tsx scripts/verify/runtime-pods.ts --stacks "$stacks" --work "$out/work" || status=1
fi

echo "[verify] total $(($(date +%s) - started))s, exit $status"
exit "$status"
