"""Load a rubric by name ("dw", "generic") or path, with errors that point at the bad key."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from dwagent.errors import InputError
from dwagent.rubric.schema import Rubric
from dwagent.tools.graph.config import GraphConfig

BUILTIN_DIR = Path(__file__).parent
BUILTIN = ("dw", "generic")
_UNION_TAGS = frozenset({"no-findings", "plugins-complete", "flows-pass", "command", "threshold"})


@dataclass(frozen=True)
class LoadedRubric:
    """A validated rubric plus where it came from and the hash of its bytes (for run.json)."""

    rubric: Rubric
    source: str
    sha256: str


def _path_for(spec: str) -> Path:
    if spec in BUILTIN:
        return BUILTIN_DIR / f"{spec}.yaml"
    path = Path(spec)
    if not path.is_file():
        raise InputError(
            f"rubric '{spec}' is neither a built-in rubric nor a readable file",
            hint=f"use one of {', '.join(BUILTIN)} or a path to a rubric YAML file",
        )
    return path


def _key_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in _UNION_TAGS:
            continue  # discriminator tags pydantic adds to the location; not keys the user wrote
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def parse_rubric(text: str, source: str) -> Rubric:
    """Validate rubric YAML text; `source` names it in error messages."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: not valid YAML: {exc}", hint="fix the YAML syntax") from exc
    if not isinstance(data, dict):
        raise InputError(f"{source}: a rubric must be a mapping at the top level", hint="see rubric/generic.yaml")
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _key_path(tuple(first["loc"]))
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InputError(
            f"{source}: {where}: {first['msg']}{more}",
            hint="compare with rubric/generic.yaml and docs/verdict-policy.md",
        ) from exc


def _check_graph_overlay(rubric: Rubric, source: str) -> None:
    """A typo under `graph:` must fail at load time, not silently disable a check later."""
    if not rubric.graph:
        return
    try:
        GraphConfig.from_mapping(rubric.graph)
    except InputError as exc:
        raise InputError(f"{source}: graph: {exc.message}", hint=exc.hint) from exc


def load_rubric(spec: str = "generic") -> LoadedRubric:
    """Load and validate a built-in rubric ("dw", "generic") or a rubric file path."""
    path = _path_for(spec)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read rubric {path}: {exc}", hint="check the path and permissions") from exc
    text = raw.decode("utf-8", errors="replace")
    source = spec if spec in BUILTIN else path.as_posix()
    rubric = parse_rubric(text, source)
    _check_graph_overlay(rubric, source)
    return LoadedRubric(rubric=rubric, source=source, sha256=hashlib.sha256(raw).hexdigest())
