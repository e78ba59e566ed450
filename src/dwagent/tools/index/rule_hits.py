"""Per-file rule hits computed while indexing (opt-in: `build_index(..., rule_hits=True)`).

`certify` runs the per-file rule catalogue right after indexing; both read and parse every changed
file. Asked for it, the index worker runs the catalogue on the tree it has just parsed and the
writer stores the result in `file_hits` exactly as the rules engine caches it (same rules version,
same JSON), so the engine then serves those files from its cache instead of parsing them again.
A file on which a rule raised gets no row: the engine re-runs it and reports the error itself.
"""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def _rule_languages() -> frozenset[str]:
    from dwagent.tools.rules.engine import file_rule_languages

    return frozenset(file_rule_languages())


def file_rule_hits(path: str, language: str, role: str, project: str, data: bytes, tree) -> tuple[str, str] | None:
    """(rules version, hits json) for one file's bytes, or None (no per-file rule for its language,
    or a rule raised). `tree` is `data` already parsed, or None to parse here."""
    from dwagent.tools.parse.context import FileContext
    from dwagent.tools.rules.engine import RULES_VERSION, hits_json, scan_file_detailed

    if language not in _rule_languages():
        return None
    ctx = FileContext(path=path, language=language, role=role, source=data, project=project)
    if tree is not None:
        ctx._tree, ctx._parsed = tree, True
    try:
        findings, errors = scan_file_detailed(ctx)
    except Exception:  # never let a rule cost the index; the engine re-runs the file and says why
        return None
    if errors:
        return None
    return RULES_VERSION, hits_json(findings)
