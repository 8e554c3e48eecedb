"""The DAGs' environment contract: environment.json lists every STREAMSTACK_* variable each DAG file reads at module
level (constructs/airflow.ts is typed from it), and the env the synthesized airflow release sets reaches those reads:
only declared names, every required one of each shipped DAG, each value read as set."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from synthesized import SCENARIOS

DAGS_DIR = Path(__file__).resolve().parent.parent
DECLARED = json.loads((DAGS_DIR / "environment.json").read_text())["variables"]
DAG_FILES = sorted(path.name for path in DAGS_DIR.glob("*.py"))


class RecordingEnviron(dict):
    """os.environ stand-in that remembers what each STREAMSTACK_* lookup returned."""

    def __init__(self, values):
        super().__init__(values)
        self.read = {}

    def _note(self, name, value):
        if isinstance(name, str) and name.startswith("STREAMSTACK_"):
            self.read[name] = value
        return value

    def get(self, name, default=None):
        return self._note(name, super().get(name, default))

    def __getitem__(self, name):
        return self._note(name, super().__getitem__(name))


def module_level_reads(file_name: str, monkeypatch, environment: dict[str, str]) -> dict[str, str]:
    """Imports a DAG file with os.environ recording; returns name -> value for every STREAMSTACK_* read."""
    recording = RecordingEnviron({**os.environ, **environment})
    monkeypatch.setattr(os, "environ", recording)
    spec = importlib.util.spec_from_file_location(f"contract_{file_name.removesuffix('.py')}", DAGS_DIR / file_name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.undo()
    return recording.read


@pytest.mark.parametrize("file_name", DAG_FILES)
def test_each_dag_reads_exactly_its_declared_variables(file_name, monkeypatch):
    read = set(module_level_reads(file_name, monkeypatch, {}))
    declared = {name for name, variable in DECLARED.items() if file_name in variable["readBy"]}
    assert sorted(read - declared) == [], f"{file_name} reads variables environment.json does not declare for it"
    assert sorted(declared - read) == [], f"environment.json declares variables {file_name} never reads"


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_synthesized_env_reaches_the_module_level_reads(synthesized, scenario, monkeypatch):
    inputs = synthesized[scenario]
    environment = {item["name"]: item["value"] for item in inputs["env"] if item["name"].startswith("STREAMSTACK_")}
    assert sorted(set(environment) - set(DECLARED)) == [], "the stack sets STREAMSTACK_* variables no DAG reads"
    (dags,) = [
        config_map for config_map in inputs["configMaps"] if any(name.endswith(".py") for name in config_map["data"])
    ]
    shipped = sorted(name for name in dags["data"] if name.endswith(".py"))
    assert shipped, "the synthesized DAG ConfigMap holds no DAG file"
    for file_name in shipped:
        required = {
            name for name, variable in DECLARED.items() if variable["required"] and file_name in variable["readBy"]
        }
        assert sorted(required - set(environment)) == [], f"{file_name} is shipped but the stack leaves these unset"
        read = module_level_reads(file_name, monkeypatch, environment)
        seen = {name: read[name] for name in environment if name in read}
        expected = {name: value for name, value in environment.items() if file_name in DECLARED[name]["readBy"]}
        assert seen == expected
