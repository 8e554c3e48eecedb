#!/usr/bin/env bash
# Runs both Python suites (Spark job, Airflow DAGs); prints each pytest summary line and exits
# non-zero if either suite fails. Both run even when the first fails.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
status=0
for suite in spark-job dags; do
  log="$(mktemp)"
  echo "== $suite"
  "$here/$suite/run-tests.sh" >"$log" 2>&1
  suite_status=$?
  if [[ $suite_status -ne 0 ]]; then
    # On failure show the tail of the output so CI logs say why, not just that.
    tail -n 60 "$log"
    status=1
  else
    grep -E '^[0-9]+ (passed|failed)|^=+ .*(passed|failed|error)' "$log" | tail -n 1
  fi
  echo "$suite: exit $suite_status"
  rm -f "$log"
done
exit $status
