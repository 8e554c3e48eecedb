"""Shared fixtures: what the synthesized stack hands Airflow, per scenario (one synthesis run per pytest session)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The helper this suite shares with the Spark job's tests (apps/testing/tsx_json.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "testing"))

from synthesized import SCENARIOS, synthesize_airflow_inputs


@pytest.fixture(scope="session")
def synthesized():
    return synthesize_airflow_inputs(
        [
            {"name": name, "profile": profile, "overrides": overrides}
            for name, (_, profile, overrides) in SCENARIOS.items()
        ]
    )


@pytest.fixture
def deployed_environment(monkeypatch):
    """The Airflow config and env the chart's pods get, applied to this process (Airflow reads both at call time)."""

    def apply(inputs) -> None:
        for section, options in inputs["config"].items():
            for option, value in options.items():
                monkeypatch.setenv(f"AIRFLOW__{section.upper()}__{option.upper()}", str(value))
        for item in inputs["env"]:
            monkeypatch.setenv(item["name"], item["value"])

    return apply
