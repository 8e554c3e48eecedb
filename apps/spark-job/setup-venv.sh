#!/usr/bin/env bash
# Venv for the Spark job's tests (PySpark of the same version as the cluster's Spark).
# Prints the venv path. Idempotent; fast when the pins have not changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../setup-python-venv.sh" venv-spark "$here/requirements.txt"
