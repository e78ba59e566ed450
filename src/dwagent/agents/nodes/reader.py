"""Codebase reader: the inventory (languages, lines, projects, plugins, tests) and the command
gates (build/test) run with a timeout when their toolchain exists, else NOT RUN."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from dwagent.agents.context import RunContext
from dwagent.agents.inputs.globs import match_path, path_matcher
from dwagent.agents.inputs.skipped import skip_rows, unassessed_sources
from dwagent.agents.inputs.sources import Sources
from dwagent.agents.state import CertifyState
from dwagent.agents.verdict.gates import run_command_gate
from dwagent.rubric.schema import CommandGate
from dwagent.tools.index.roles import ProjectMap

SOURCE_LANGUAGES = ("csharp", "python")


def plugin_folders(paths: list[str], roots: tuple[str, ...]) -> list[str]:
    """Folders matching the rubric's plugin root globs that hold at least one indexed file."""
    rx = path_matcher(tuple(roots))
    if rx is None:
        return []
    found = set()
    for path in paths:
        parts = path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if rx.fullmatch(folder):
                found.add(folder)
                break
    return sorted(found)


def build_inventory(sources: Sources, ctx: RunContext) -> dict:
    """Counts by language and role, projects, plugin folders and the indexed test count."""
    rows = sources.files()
    by_lang: Counter = Counter()
    lines_by_lang: Counter = Counter()
    by_role: Counter = Counter()
    lines_by_role: Counter = Counter()
    projects: Counter = Counter()
    parse_errors = 0
    for r in rows:
        by_lang[r["language"]] += 1
        lines_by_lang[r["language"]] += r["lines"]
        if r["language"] in SOURCE_LANGUAGES:
            by_role[r["role"]] += 1
            lines_by_role[r["role"]] += r["lines"]
            parse_errors += r["parse_errors"] > 0
            if r["project"]:
                projects[r["project"]] += r["lines"]
    skip_list = skip_rows(sources.conn)
    skips = Counter(row["reason"] for row in skip_list)
    projects_map = ProjectMap(r["path"] for r in rows)
    prod, test = lines_by_role.get("production", 0), lines_by_role.get("test", 0)
    return {
        "files": len(rows),
        "source_files": sum(by_lang[lang] for lang in SOURCE_LANGUAGES),
        "languages": {k: {"files": by_lang[k], "lines": lines_by_lang[k]} for k in sorted(by_lang)},
        "roles": {k: {"files": by_role[k], "lines": lines_by_role[k]} for k in sorted(by_role)},
        "test_to_production_lines": round(test / prod, 3) if prod else None,
        "projects": {k: projects[k] for k in sorted(projects)},
        "plugins": plugin_folders([r["path"] for r in rows], ctx.rubric.rubric.plugins.roots),
        "tests_indexed": sources.count_tests(),
        "files_with_parse_errors": parse_errors,
        "skips": {k: skips[k] for k in sorted(skips)},
        "skipped": skip_list,  # every path the index holds no content for, with its reason
        "unassessed_sources": unassessed_sources(skip_list, Path(sources.root), projects_map.project),
        "paths": [r["path"] for r in rows],
        "source_files_list": [
            {"path": r["path"], "project": r["project"], "role": r["role"]}
            for r in rows
            if r["language"] in SOURCE_LANGUAGES and r["role"] == "production"
        ],
    }


def gate_applies(gate: CommandGate, paths: list[str]) -> bool:
    """A command gate applies when one of its `when_files` globs matches an indexed file."""
    return not gate.when_files or any(match_path(gate.when_files, p) for p in paths)


def reader_node(state: CertifyState, ctx: RunContext) -> dict:
    """Graph node: inventory and command gates."""
    started = time.perf_counter()
    with Sources.open(ctx) as sources:
        inventory = build_inventory(sources, ctx)
    gate_runs: dict[str, dict] = {}
    evidence: dict[str, dict] = {}
    timings: dict[str, float] = {}
    for gate in ctx.rubric.rubric.gates:
        if not isinstance(gate, CommandGate) or not gate_applies(gate, inventory["paths"]):
            continue
        if ctx.progress:
            ctx.progress("reader", f"gate {gate.id}")
        result = run_command_gate(gate, Path(ctx.root), ctx.execute_gates)
        if "evidence" in result:
            ev = result.pop("evidence")
            evidence[ev["id"]] = ev
        if "seconds" in result:  # wall-clock goes to run.json only, never into the verdict data
            timings[f"gate.{gate.id}"] = result.pop("seconds")
        gate_runs[gate.id] = result
    return {
        "inventory": inventory,
        "gate_runs": gate_runs,
        "evidence": evidence,
        "timings": {**timings, "reader": round(time.perf_counter() - started, 3)},
    }
