#!/usr/bin/env bash
# Runs the Spark job's pytest suite on a local SparkSession (needs Java 17 on PATH).
# The first run builds the venv and lets ivy fetch spark-avro into the cache; later runs reuse both.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v java >/dev/null 2>&1; then
  echo "spark-job tests: java not found on PATH (Spark 3.5 needs Java 17)" >&2
  exit 1
fi
venv="$("$here/setup-venv.sh")"
export TZ=UTC
export PYSPARK_PYTHON="$venv/bin/python"
cd "$here"
# -p no:cacheprovider: keep .pytest_cache out of the work tree.
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
