"""Map the rubric's conventions (bus, entry points, public API, presets, plugin discovery) onto the
code graph's GraphConfig. The rubric's `graph:` mapping is applied last, for anything else."""

from __future__ import annotations

from dwagent.rubric.schema import Rubric


def _merge(base: tuple[str, ...], extra) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*base, *extra]))


def graph_config_for(rubric: Rubric, language: str = "csharp"):
    """The GraphConfig for this rubric and the tree's main language."""
    from dwagent.tools.graph.config import GraphConfig, default_for

    cfg = default_for(language)
    conv = rubric.conventions
    pattern_subs = tuple(m for m in conv.bus.subscribe if "pattern" in m.lower())
    plain_subs = tuple(m for m in conv.bus.subscribe if m not in pattern_subs)
    instantiate = tuple(m for m in rubric.plugins.discovery_calls if m.lower().startswith(("create", "get")) and "type" not in m.lower())
    scans = tuple(m for m in rubric.plugins.discovery_calls if m not in instantiate)
    entry_names = tuple(e for e in conv.entry_points if "." not in e and "*" not in e)
    presets = [t.preset for t in rubric.tiers if t.preset is not None]
    updates = {
        "publish_methods": _merge(cfg.publish_methods, conv.bus.publish),
        "subscribe_methods": _merge(cfg.subscribe_methods, plain_subs),
        "pattern_subscribe_methods": _merge(cfg.pattern_subscribe_methods, pattern_subs),
        "scan_methods": _merge(cfg.scan_methods, scans),
        "instantiate_methods": _merge(cfg.instantiate_methods, instantiate),
        "entry_methods": _merge(cfg.entry_methods, entry_names),
        "public_api": _merge(cfg.public_api, conv.public_api),
    }
    if presets:
        updates["preset_classes"] = _merge(cfg.preset_classes, sorted({p.type for p in presets}))
        updates["preset_methods"] = _merge(cfg.preset_methods, sorted({p.method for p in presets}))
    cfg = GraphConfig.from_mapping({k: list(v) for k, v in updates.items()}, base=cfg)
    if rubric.graph:
        cfg = GraphConfig.from_mapping(rubric.graph, base=cfg)
    return cfg


def main_language(sources) -> str:
    """csharp or python: the language with more indexed production lines."""
    rows = sources.conn.execute(
        "SELECT language, SUM(lines) AS n FROM files WHERE language IN ('csharp','python') GROUP BY language ORDER BY n DESC, language"
    ).fetchall()
    return rows[0]["language"] if rows else "csharp"
