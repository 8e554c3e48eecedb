"""Lays a ConfigMap or Secret volume out on disk exactly as kubelet does, so real consumers can be run over it.

One implementation serves jest, `npm run verify` and these tests: __tests__/support/kubelet-layout.ts (kubelet's
AtomicWriter: `..<timestamp>/` directory, `..data` link, one link per top-level entry, `items`, modes, subPath).
This module calls its command-line entry point.

API:
    lay_out_volume(mount_point, data, items=None, mode=0o644) -> Path
        data: key -> str, the ConfigMap's `data`. items: [{"key": ..., "path": ...}] or None for every key.
        Returns the `..<timestamp>` directory.
    lay_out_sub_path(target_file, data, key) -> Path
        A `subPath: <key>` mount: the key's content as a plain file at target_file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from tsx_json import REPO_ROOT, tsx_json

LAYOUT_CLI = REPO_ROOT / "__tests__" / "support" / "kubelet-layout.ts"


def _run_layout(directory: Path, spec: dict) -> dict:
    return tsx_json(LAYOUT_CLI, str(directory), json.dumps(spec))


def _volume(items: Sequence[Mapping[str, str]] | None, mode: int) -> dict:
    config_map: dict = {"name": "volume", "defaultMode": mode}
    if items is not None:
        config_map["items"] = [dict(item) for item in items]
    return {"name": "volume", "configMap": config_map}


def lay_out_volume(
    mount_point: str | os.PathLike[str],
    data: Mapping[str, str],
    items: Sequence[Mapping[str, str]] | None = None,
    mode: int = 0o644,
) -> Path:
    """Writes the volume as kubelet does into mount_point; returns the timestamped directory."""
    target = Path(mount_point)
    laid_out = _run_layout(target, {"volume": _volume(items, mode), "data": dict(data)})
    return target / laid_out["timestampDirectory"]


def lay_out_sub_path(target_file: str | os.PathLike[str], data: Mapping[str, str], key: str) -> Path:
    """A `subPath: <key>` mount of a ConfigMap volume: the content as a plain file (no links, no updates)."""
    target = Path(target_file)
    _run_layout(target, {"volume": _volume(None, 0o644), "data": dict(data), "subPath": key})
    return target
