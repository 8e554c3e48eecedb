#!/usr/bin/env bash
# Creates (or reuses) a Python virtual environment from a pinned requirements file.
# Usage: setup-python-venv.sh <venv-name> <requirements.txt>
# The venv lives at ${STREAMSTACK_CACHE:-$HOME/.cache/streamstack}/<venv-name>.
# A stamp file holds the hash of the requirements and of the interpreter version, so a second
# run with unchanged pins returns in well under a second, and a changed pin rebuilds the venv
# from scratch (no stale packages left behind).
# Prints the venv path on stdout; progress goes to stderr.
set -euo pipefail

venv_name="${1:?usage: setup-python-venv.sh <venv-name> <requirements.txt>}"
requirements_file="${2:?usage: setup-python-venv.sh <venv-name> <requirements.txt>}"
cache_dir="${STREAMSTACK_CACHE:-$HOME/.cache/streamstack}"
venv_dir="$cache_dir/$venv_name"
python_bin="${STREAMSTACK_PYTHON:-python3}"

if ! command -v "$python_bin" >/dev/null 2>&1; then
  echo "setup-python-venv: interpreter '$python_bin' not found; set STREAMSTACK_PYTHON to a Python 3.10-3.12 executable" >&2
  exit 1
fi

wanted_stamp="$( { "$python_bin" --version 2>&1; cat "$requirements_file"; } | sha256sum | cut -d' ' -f1)"
stamp_file="$venv_dir/.streamstack-requirements.sha256"

if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$wanted_stamp" && -x "$venv_dir/bin/python" ]]; then
  echo "$venv_dir"
  exit 0
fi

echo "setup-python-venv: building $venv_dir from $requirements_file" >&2
rm -rf "$venv_dir"
mkdir -p "$cache_dir"
"$python_bin" -m venv "$venv_dir"
"$venv_dir/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
"$venv_dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements_file" >&2
echo "$wanted_stamp" > "$stamp_file"
echo "$venv_dir"
