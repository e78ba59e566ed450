"""Parameter -> sink summaries applied across files: the one inter-file step of the core.

A per-file finding whose strongest origin is a parameter carries a summary (`flow_function`,
`flow_index`, `flow_arity`, `flow_category`, `flow_high`: see `sinks._param_summary`). This pass
finds the calls of that function elsewhere in the tree (by name and argument count, from each
file's called-name summary), asks the data-flow core what each call passes, and
when a caller passes untrusted data raises the finding to the rule's high severity, adding the
caller's hops (file, line, verbatim excerpt) to its evidence. One level of callers; names
declared (index symbols) in more than `MAX_DECLARATIONS` files are too ambiguous to resolve by name and are left
alone, unless the call names the declaring type (`Type.Name(...)`, `flow_type`), which resolves it.
Deterministic: files and calls are visited in sorted order.

Incremental: what a file calls and what each of its calls passes are per-file summaries cached in
the index by content hash (`call_sites.py`), so after a one-file change only that file is read
again and only files whose answers are not cached are parsed (the changed file, and the callers
of a function whose finding changed).
"""

from __future__ import annotations

from dwagent.models import Evidence, Finding
from dwagent.tools.dataflow.call_sites import CallSites
from dwagent.tools.source_text import source_lines

MAX_DECLARATIONS = 2
MAX_CALLERS = 24
_EXT = {"csharp": ".cs", "python": ".py"}


def upgrade_across_files(findings: list[Finding], store, version: str = "", stats: dict | None = None) -> list[Finding]:
    """Findings with parameter origins raised when a caller in another file passes untrusted data.
    The per-file summaries it reads are cached in the index under `version` (the data-flow code's
    version); `stats`, when given, is filled with what the pass read and analysed."""
    todo = [f for f in findings if f.properties.get("flow_function") and f.severity not in ("critical", "high")]
    if not todo or store is None:
        return drop_pending(findings)
    sites = CallSites(store, version, MAX_CALLERS)
    try:
        return _upgrade(findings, todo, store, sites)
    finally:
        sites.save()
        if stats is not None:
            stats.update(sites.stats())


def _upgrade(findings: list[Finding], todo: list[Finding], store, sites: CallSites) -> list[Finding]:
    rows = store.conn.execute("SELECT path, language, role, hash FROM files WHERE language IN ('csharp','python') ORDER BY path").fetchall()
    by_lang: dict[str, list[tuple[str, str]]] = {}
    for path, language, role, digest in rows:
        if role == "production":
            by_lang.setdefault(language, []).append((path, digest))
    upgrades: dict[str, Finding] = {}
    for language, files in by_lang.items():
        wanted = {f.properties["flow_function"] for f in todo if f.file.endswith(_EXT[language])}
        if not wanted:
            continue
        names = sites.load_names(files)
        callers = _Callers(names)
        ambiguous = _ambiguous(store, language, wanted)
        for f in todo:
            name = f.properties["flow_function"]
            if not f.file.endswith(_EXT[language]) or not callers(name):
                continue
            # a name declared in many files is resolved only where the call names its type
            # (`TenantDirectory.Parse(stream)`): the qualifier makes it unambiguous
            qualifier = f.properties.get("flow_type", "") if name in ambiguous else ""
            if name in ambiguous and not qualifier:
                continue
            # a finding that opts in (`flow_typed_receiver`) also accepts receivers visibly of its
            # type: `new Runner().RunAsync(...)`, `Runner r` ... `r.RunAsync(...)`
            typed = bool(qualifier) and f.properties.get("flow_typed_receiver") == "1"
            if qualifier and not typed and not callers(f"{qualifier}.{name}"):
                continue
            raised = _raise(f, name, callers, sites, language, qualifier, typed)
            if raised is not None:
                upgrades[f.id] = raised
    return drop_pending([upgrades.get(f.id, f) for f in findings])


class _Callers:
    """Files that call a name, in path order, from the files' called-name summaries (memoised)."""

    def __init__(self, names: dict[str, frozenset[str]]):
        self.names = names
        self._memo: dict[str, list[str]] = {}

    def __call__(self, name: str) -> list[str]:
        if name not in self._memo:
            self._memo[name] = sorted(p for p, called in self.names.items() if name in called)
        return self._memo[name]


def _ambiguous(store, language: str, names: set[str]) -> set[str]:
    """Names declared as methods/functions in more than MAX_DECLARATIONS files (index symbols)."""
    marks = ",".join("?" * len(names))
    rows = store.conn.execute(
        f"SELECT s.name, COUNT(DISTINCT s.file_id) FROM symbols s JOIN files f ON f.id = s.file_id "
        f"WHERE s.kind IN ('method', 'function') AND f.language = ? AND s.name IN ({marks}) GROUP BY s.name",
        (language, *sorted(names)),
    ).fetchall()
    return {tuple(r)[0] for r in rows if tuple(r)[1] > MAX_DECLARATIONS}


def drop_pending(findings: list[Finding]) -> list[Finding]:
    """Findings without the parameter-only candidates that no caller raised."""
    return [f for f in findings if f.properties.get("flow_pending") != "1"]


def _raise(f: Finding, name: str, callers: _Callers, sites: CallSites, language: str, qualifier: str = "", typed: bool = False) -> Finding | None:
    raise_on = tuple(f.properties.get("flow_raise", "untrusted").split(",")) + ("stored",)
    found = _caller_source(
        name,
        int(f.properties["flow_index"]),
        int(f.properties["flow_arity"]),
        f.properties["flow_category"],
        raise_on,
        callers,
        sites,
        language,
        {f.file},
        CALLER_DEPTH,
        qualifier,
        typed,
    )
    if found is None:
        return None
    best, path, line, hops = found
    extra = tuple(_evidence(p, sites.text(p) or "", ln, note) for p, ln, note in hops)
    kind = {"untrusted": "untrusted", "stored": "stored (second-order)"}.get(best.trust, "command-line/environment")
    msg = (
        f"{f.message} — raised: `{path}` line {line} passes {kind} input `{best.label}` for "
        f"`{f.properties['flow_param']}` (callers resolved by name and arity)"
    )
    props = {**f.properties, "source_trust": best.trust, "source": best.label[:80], "caller": f"{path}:{line}"}
    props.pop("flow_pending", None)
    return f.model_copy(
        update={
            "severity": f.properties.get("flow_high", "high"),
            "confidence": "medium",
            "message": msg,
            "related": (*extra, *f.related),
            "properties": props,
        }
    )


CALLER_DEPTH = 2


def _caller_source(
    name,
    index,
    arity,
    category,
    raise_on,
    callers: _Callers,
    sites: CallSites,
    language,
    skip: set[str],
    depth: int,
    qualifier: str = "",
    typed: bool = False,
):
    """(origin, caller path, caller line, hops as (path, line, note)) for the first caller of
    `name` in another file that passes a raising origin, following pass-through parameters of the
    callers `depth` levels up; None when there is none. With `qualifier`, only files that call
    `qualifier.name` and only calls whose receiver ends in `qualifier` count; with `typed` too, also
    calls whose receiver is visibly of that type (`new T().name(...)`, `T x` ... `x.name(...)`)."""
    seen = 0
    for path in callers(f"{qualifier}.{name}" if qualifier and not typed else name):
        if path in skip:
            continue  # in-file callers were already judged by the per-file pass
        for site in sites.sites(path, language, name, arity, index, category, qualifier, typed):
            seen += 1
            if seen > MAX_CALLERS:
                return None
            step = (path, site.line, f"passed to `{name}`")
            best = next((o for o in site.origins if o.trust in raise_on), None)
            if best is not None:
                return best, path, site.line, [(path, h.line, h.note) for h in best.hops] + [step]
            if depth <= 1:
                continue
            for o in site.origins:
                if o.trust != "param" or site.function is None:
                    continue
                if o.param not in site.params or site.function in ("", name):
                    continue
                up = _caller_source(
                    site.function,
                    site.params.index(o.param),
                    len(site.params),
                    category,
                    raise_on,
                    callers,
                    sites,
                    language,
                    {path},
                    depth - 1,
                )
                if up is not None:
                    ub, upath, uline, uhops = up
                    return ub, upath, uline, uhops + [(path, h.line, h.note) for h in o.hops] + [step]
    return None


def _evidence(path: str, source: str, line: int, note: str) -> Evidence:
    lines = source_lines(source)  # the same line split as FileContext.excerpt, which the verifier re-reads
    excerpt = lines[line - 1] if 0 < line <= len(lines) else ""
    return Evidence(
        id=Evidence.make_id(path, line, line, excerpt),
        file=path,
        start_line=line,
        end_line=line,
        excerpt=excerpt,
        kind="code",
        note=f"caller step: {note}",
    )
