#!/usr/bin/env bash
# ruff over all Python in the tree: lint with zero findings and formatting as `ruff format` writes it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$("$here/setup-python-venv.sh" venv-lint "$here/requirements-lint.txt")"
cd "$here/.."
"$venv/bin/ruff" check --no-cache .
"$venv/bin/ruff" format --no-cache --check .
