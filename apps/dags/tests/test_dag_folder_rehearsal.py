"""Rehearses the DAG folder as Airflow's DAG processor sees it in the cluster: the DAGs ConfigMap from the synthesized
stack, laid out by kubelet's rules under the chart's DAG folder, walked by Airflow's own file discovery (the call
DagFileProcessorManager._find_files_in_bundle makes) and parsed into a DagBag."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from kubelet_layout import lay_out_sub_path, lay_out_volume

from synthesized import SCENARIOS, config_maps_under

# Chart 1.22.0: config.core.dags_folder is '{{ include "airflow_dags" . }}', which is airflowHome + "/dags"
# (/opt/airflow/dags) when dags.mountPath and gitSync are unset, as in our values.
CHART_DAG_FOLDER = "/opt/airflow/dags"
IGNORE_FILE = ".airflowignore"


def dag_folder_of(inputs) -> str:
    return (inputs["config"].get("core") or {}).get("dags_folder", CHART_DAG_FOLDER)


def mount_dag_folder(inputs, root: Path, drop_keys: frozenset[str] = frozenset()) -> Path:
    """Lays every ConfigMap mounted under the DAG folder out below root as kubelet would; returns the DAG folder."""
    folder = dag_folder_of(inputs)
    mounted = config_maps_under(inputs, folder)
    assert mounted, f"the airflow release mounts no ConfigMap under its DAG folder {folder}"
    local_folder = root / PurePosixPath(folder).relative_to("/")
    local_folder.mkdir(parents=True)
    for config_map, mount in mounted:
        data = {key: value for key, value in config_map["data"].items() if key not in drop_keys}
        target = root / PurePosixPath(mount["mountPath"]).relative_to("/")
        if mount.get("subPath"):
            lay_out_sub_path(target, data, mount["subPath"])
        else:
            lay_out_volume(target, data, config_map["volume"]["configMap"].get("items"))
    return local_folder


def dag_bag(folder: Path):
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # Airflow before 3.2
        from airflow.models.dagbag import DagBag

    return DagBag(dag_folder=str(folder), include_examples=False)


def test_the_ignore_syntax_we_set_is_an_airflow_option(synthesized):
    from airflow.configuration import conf

    options = conf.configuration_description["core"]["options"]
    syntax = synthesized["kind"]["config"]["core"]["dag_ignore_file_syntax"]
    assert "dag_ignore_file_syntax" in options
    assert syntax in options["dag_ignore_file_syntax"]["description"]


def test_every_core_option_we_set_is_an_airflow_option_of_the_right_type(synthesized):
    from airflow.configuration import conf

    options = conf.configuration_description["core"]["options"]
    for name, value in synthesized["kind"]["config"]["core"].items():
        assert name in options, f"[core] {name} is not an option of the installed Airflow"
        if options[name].get("type") == "boolean" or options[name].get("default") in ("True", "False"):
            assert value in ("True", "False"), f"[core] {name} must be True or False, not {value!r}"


def test_the_shipped_dags_start_unpaused(synthesized):
    assert synthesized["kind"]["config"]["core"]["dags_are_paused_at_creation"] == "False"


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_dag_processor_finds_exactly_the_shipped_dags(synthesized, scenario, tmp_path, deployed_environment):
    from airflow.utils.file import list_py_file_paths

    expected_dags, _, _ = SCENARIOS[scenario]
    inputs = synthesized[scenario]
    deployed_environment(inputs)
    folder = mount_dag_folder(inputs, tmp_path)

    # What the DAG processor queues: Python files reached through the per-key symlinks only, once each.
    found = [Path(path) for path in list_py_file_paths(folder)]
    assert all(".." not in path.relative_to(folder).parts[0] for path in found), found
    assert sorted(path.stem for path in found) == sorted(expected_dags)

    bag = dag_bag(folder)
    assert bag.import_errors == {}
    assert set(bag.dag_ids) == expected_dags


def test_without_the_ignore_file_the_walk_meets_kubelets_directory_twice(synthesized, tmp_path, deployed_environment):
    """The failure the ignore file prevents, shown on the same layout (Airflow 3.2.2, DAG processor crash)."""
    from airflow.utils.file import list_py_file_paths

    inputs = synthesized["kind"]
    deployed_environment(inputs)
    folder = mount_dag_folder(inputs, tmp_path, drop_keys=frozenset({IGNORE_FILE}))
    with pytest.raises(RuntimeError, match="Detected recursive loop when walking DAG directory"):
        list_py_file_paths(folder)


def test_regexp_syntax_would_ignore_every_dag(synthesized, tmp_path, deployed_environment, monkeypatch):
    """Why the syntax is pinned beside the file: read as a regular expression, `..*` matches every path."""
    from airflow.utils.file import list_py_file_paths

    inputs = synthesized["kind"]
    deployed_environment(inputs)
    monkeypatch.setenv("AIRFLOW__CORE__DAG_IGNORE_FILE_SYNTAX", "regexp")
    assert list_py_file_paths(mount_dag_folder(inputs, tmp_path)) == []
