"""Parameter -> sink summaries applied across files: the one inter-file step of the core.

A per-file finding whose strongest origin is a parameter carries a summary (`flow_function`,
`flow_index`, `flow_arity`, `flow_category`, `flow_high`: see `sinks._param_summary`). This pass
finds the calls of that function elsewhere in the tree (by name and argument count, one pass over
the files with a single regular expression), asks the data-flow core what each call passes, and
when a caller passes untrusted data raises the finding to the rule's high severity, adding the
caller's hops (file, line, verbatim excerpt) to its evidence. One level of callers; names
declared (index symbols) in more than `MAX_DECLARATIONS` files are too ambiguous to resolve by name and are left
alone, unless the call names the declaring type (`Type.Name(...)`, `flow_type`), which resolves it.
Deterministic: files and calls are visited in sorted order.
"""

from __future__ import annotations

import re
from pathlib import Path

from dwagent.models import Evidence, Finding
from dwagent.tools.source_text import source_lines

MAX_DECLARATIONS = 2
MAX_CALLERS = 24
_EXT = {"csharp": ".cs", "python": ".py"}


# parsed caller files of the current pass (a function may be summarised by many findings)
_PARSED: dict[str, tuple] = {}
_CALLING: dict[str, dict[str, str]] = {}


def upgrade_across_files(findings: list[Finding], store) -> list[Finding]:
    """Findings with parameter origins raised when a caller in another file passes untrusted data."""
    _PARSED.clear()
    _CALLING.clear()
    try:
        return _upgrade(findings, store)
    finally:
        _PARSED.clear()
        _CALLING.clear()


def _upgrade(findings: list[Finding], store) -> list[Finding]:
    todo = [f for f in findings if f.properties.get("flow_function") and f.severity not in ("critical", "high")]
    if not todo or store is None:
        return drop_pending(findings)
    root = Path(store.root)
    rows = store.conn.execute("SELECT path, language, role FROM files WHERE language IN ('csharp','python') ORDER BY path").fetchall()
    by_lang: dict[str, list[tuple[str, str]]] = {}
    for path, language, role in rows:
        by_lang.setdefault(language, []).append((path, role))
    upgrades: dict[str, Finding] = {}
    for language, files in by_lang.items():
        wanted = {f.properties["flow_function"] for f in todo if f.file.endswith(_EXT[language])}
        if not wanted:
            continue
        call_rx = re.compile(r"\b(" + "|".join(sorted(map(re.escape, wanted))) + r")\s*(?:<[^>\n]*>)?\(")
        every: dict[str, str] = {}
        for path, role in files:
            if role != "production":
                continue
            try:
                every[path] = (root / path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
        # one pass: which files call which summarised names, and where each name is declared
        calling: dict[str, set[str]] = {}
        for p, t in every.items():
            for n in set(m.group(1) for m in call_rx.finditer(t)):
                calling.setdefault(n, set()).add(p)
        ambiguous = _ambiguous(store, language, wanted)
        for f in todo:
            name = f.properties["flow_function"]
            if not f.file.endswith(_EXT[language]) or name not in calling:
                continue
            # a name declared in many files is resolved only where the call names its type
            # (`TenantDirectory.Parse(stream)`): the qualifier makes it unambiguous
            qualifier = f.properties.get("flow_type", "") if name in ambiguous else ""
            if name in ambiguous and not qualifier:
                continue
            texts = {p: every[p] for p in calling[name]}
            # a finding that opts in (`flow_typed_receiver`) also accepts receivers visibly of its
            # type: `new Runner().RunAsync(...)`, `Runner r` ... `r.RunAsync(...)`
            typed = bool(qualifier) and f.properties.get("flow_typed_receiver") == "1"
            if qualifier:
                qrx = re.compile(
                    rf"\b{re.escape(qualifier)}\b" if typed else rf"\b{re.escape(qualifier)}\s*\.\s*{re.escape(name)}\s*(?:<[^>\n]*>)?\("
                )
                texts = {p: t for p, t in texts.items() if qrx.search(t)}
            raised = _raise(f, name, texts, every, language, qualifier, typed)
            if raised is not None:
                upgrades[f.id] = raised
    return drop_pending([upgrades.get(f.id, f) for f in findings])


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


def _raise(
    f: Finding, name: str, texts: dict[str, str], every: dict[str, str], language: str, qualifier: str = "", typed: bool = False
) -> Finding | None:
    raise_on = tuple(f.properties.get("flow_raise", "untrusted").split(",")) + ("stored",)
    found = _caller_source(
        name,
        int(f.properties["flow_index"]),
        int(f.properties["flow_arity"]),
        f.properties["flow_category"],
        raise_on,
        texts,
        every,
        language,
        {f.file},
        CALLER_DEPTH,
        qualifier,
        typed,
    )
    if found is None:
        return None
    best, path, line, hops = found
    extra = tuple(_evidence(p, every[p], ln, note) for p, ln, note in hops)
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


def _receiver_is(ctx, call, type_name: str) -> bool:
    """The call's receiver is `new T(...)` or a name the caller declares as `T` / `new T(...)`."""
    from dwagent.tools.syntax.tree import ancestor, text

    fn = call.child_by_field_name("function")
    recv = fn.child_by_field_name("expression") if fn is not None and fn.type == "member_access_expression" else None
    if recv is None:
        return False
    if recv.type == "object_creation_expression":
        return text(ctx, recv.child_by_field_name("type")).split(".")[-1] == type_name
    if recv.type != "identifier":
        return False
    scope = ancestor(call, ("method_declaration", "constructor_declaration", "class_declaration"))
    body = text(ctx, scope) if scope is not None else ctx.text
    t, r = re.escape(type_name), re.escape(text(ctx, recv))
    return bool(re.search(rf"\b{t}\??\s+{r}\b|\b{r}\s*=\s*new\s+{t}\s*\(", body))


def _qualified(ctx, call, language: str, qualifier: str, typed: bool) -> bool:
    """The call names the finding's type as its receiver (or, when `typed`, has a receiver of it)."""
    if _receiver(ctx, call, language).split(".")[-1].strip() == qualifier:
        return True
    return typed and language == "csharp" and _receiver_is(ctx, call, qualifier)


def _caller_source(
    name, index, arity, category, raise_on, texts, every, language, skip: set[str], depth: int, qualifier: str = "", typed: bool = False
):
    """(origin, caller path, caller line, hops as (path, line, note)) for the first caller of
    `name` in another file that passes a raising origin, following pass-through parameters of the
    callers `depth` levels up; None when there is none."""
    from dwagent.tools.parse.context import FileContext
    from dwagent.tools.syntax.tree import ancestor, name_of

    seen = 0
    for path in sorted(texts):
        if path in skip:
            continue  # in-file callers were already judged by the per-file pass
        if path not in _PARSED:
            ctx = FileContext(path=path, language=language, role="production", source=texts[path].encode("utf-8"))
            _PARSED[path] = (ctx, _flows(ctx, language), _call_index(ctx, language))
        ctx, flows, index_of = _PARSED[path]
        for call, args in index_of.get(name, ()):
            if len(args) != arity or (qualifier and not _qualified(ctx, call, language, qualifier, typed)):
                continue
            seen += 1
            if seen > MAX_CALLERS:
                return None
            line = call.start_point[0] + 1
            step = (path, line, f"passed to `{name}`")
            origins = flows.origins(args[index], category)
            best = next((o for o in origins if o.trust in raise_on), None)
            if best is not None:
                return best, path, line, [(path, h.line, h.note) for h in best.hops] + [step]
            if depth <= 1:
                continue
            for o in origins:
                fn = ancestor(call, ("method_declaration", "function_definition"))
                if o.trust != "param" or fn is None:
                    continue
                names = _param_names(ctx, fn)
                if o.param not in names or name_of(ctx, fn) in ("", name):
                    continue
                up = _caller_source(
                    name_of(ctx, fn),
                    names.index(o.param),
                    len(names),
                    category,
                    raise_on,
                    _texts_calling(every, name_of(ctx, fn)),
                    every,
                    language,
                    {path},
                    depth - 1,
                )
                if up is not None:
                    ub, upath, uline, uhops = up
                    return ub, upath, uline, uhops + [(path, h.line, h.note) for h in o.hops] + [step]
    return None


def _receiver(ctx, call, language: str) -> str:
    if language == "csharp":
        from dwagent.tools.syntax.tree import callee

        return callee(ctx, call)[0]
    from dwagent.tools.syntax.python import call_name

    return call_name(ctx, call)[0]


def _texts_calling(texts: dict[str, str], name: str) -> dict[str, str]:
    """Files that call `name` (memoised for the current pass)."""
    if name not in _CALLING:
        rx = re.compile(rf"\b{re.escape(name)}\s*(?:<[^>\n]*>)?\(")
        _CALLING[name] = {p: t for p, t in texts.items() if rx.search(t)}
    return _CALLING[name]


def _param_names(ctx, fn) -> list[str]:
    from dwagent.tools.syntax.tree import text

    params = fn.child_by_field_name("parameters")
    out = []
    for p in params.named_children if params is not None else ():
        n = p.child_by_field_name("name") if p.type != "identifier" else p
        if n is None and p.named_children:
            n = p.named_children[0]
        if n is not None and p.type != "comment":
            out.append(text(ctx, n))
    return [n for n in out if n not in ("self", "cls")]


def _call_index(ctx, language: str) -> dict[str, list]:
    """Every call of a file by callee name: (call node, positional arguments), in document order."""
    from dwagent.tools.syntax.tree import arguments, callee, nodes

    out: dict[str, list] = {}
    if language == "csharp":
        for call in nodes(ctx, "invocation_expression"):
            out.setdefault(callee(ctx, call)[1], []).append((call, arguments(call)))
        return out
    from dwagent.tools.syntax.python import call_name

    for call in nodes(ctx, "call"):
        argn = call.child_by_field_name("arguments")
        out.setdefault(call_name(ctx, call)[1], []).append(
            (call, [a for a in (argn.named_children if argn is not None else ()) if a.type not in ("comment", "keyword_argument")])
        )
    return out


def _flows(ctx, language: str):
    if language == "csharp":
        from dwagent.tools.dataflow.csharp import CSharpFlows

        return CSharpFlows(ctx)
    from dwagent.tools.dataflow.python import PythonFlows

    return PythonFlows(ctx)


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
