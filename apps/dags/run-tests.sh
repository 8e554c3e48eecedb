#!/usr/bin/env bash
# Imports the DAGs into real Airflow (the version the Helm chart deploys) and checks their shape.
# AIRFLOW_HOME is a throw-away directory: DagBag parsing needs no metadata database; tests/test_run_conf.py creates
# one in it to trigger runs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$("$here/setup-venv.sh")"
airflow_home="$(mktemp -d)"
trap 'rm -rf "$airflow_home"' EXIT
export AIRFLOW_HOME="$airflow_home"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__UNIT_TEST_MODE=True
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="sqlite:///$airflow_home/airflow.db"
# The DAGs read deployment names from these (environment.json lists them); the tests expect the defaults.
# shellcheck disable=SC2046
unset $("$venv/bin/python" -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["variables"]))' "$here/environment.json")
cd "$here"
# No "exit code" trickery: the EXIT trap keeps pytest's status.
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
