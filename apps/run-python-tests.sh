#!/usr/bin/env bash
# Runs both Python suites (Spark job, Airflow DAGs) and the ruff lint/format check; prints each pytest
# summary line and the lint's last line, and exits non-zero if any step fails. All steps run even when
# an earlier one fails.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
status=0
for step in spark-job dags lint; do
  case "$step" in
    lint) step_command=("$here/lint-python.sh") ;;
    *) step_command=("$here/$step/run-tests.sh") ;;
  esac
  log="$(mktemp)"
  echo "== $step"
  "${step_command[@]}" >"$log" 2>&1
  step_status=$?
  if [[ $step_status -ne 0 ]]; then
    # On failure show the tail of the output so CI logs say why, not just that.
    tail -n 60 "$log"
    status=1
  elif [[ $step == lint ]]; then
    tail -n 1 "$log"
  else
    grep -E '^[0-9]+ (passed|failed)|^=+ .*(passed|failed|error)' "$log" | tail -n 1
  fi
  echo "$step: exit $step_status"
  rm -f "$log"
done
exit $status
