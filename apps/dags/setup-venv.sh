#!/usr/bin/env bash
# Venv for the DAG tests: real Airflow of the version the Helm chart deploys.
# Prints the venv path. Idempotent; fast when the pins have not changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../setup-python-venv.sh" venv-airflow "$here/requirements.txt"
