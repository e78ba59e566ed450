"""Index one file: read, classify, parse and extract. Runs in worker processes.

A job and its result are plain tuples so they pickle cheaply; the main process only writes.
Rows already carry their `file_id` so the writer can hand them to `executemany` unchanged.
"""

from __future__ import annotations

import hashlib

from dwagent.tools.index.roles import role_for
from dwagent.tools.parse import PARSED_LANGUAGES, language_for, parse
from dwagent.tools.parse.facts import FileFacts, chunk_windows, count_lines
from dwagent.tools.source_text import source_lines
from dwagent.tools.walk import Source, read_source

BOM = b"\xef\xbb\xbf"

# job: (file_id, rel_path, abs_path, project, module, old_hash or "", max_file_bytes[, rule_hits])
Job = tuple


def index_file(job: Job) -> tuple:
    """One of:
    ("skip", path, reason, detail)
    ("same", file_id, path, size, mtime_ns)               content hash unchanged
    ("file", file_row, symbols, refs, constants, chunks, note[, hits])
    where file_row = (id, path, language, hash, size, mtime_ns, lines, role, project, parse_errors)
    and hits (only when the job asks for rule hits) is (rules_version, hits json) or None.
    """
    file_id, rel, abs_path, project, module, old_hash, max_bytes, *options = job
    want_hits = bool(options and options[0])
    src = read_source(abs_path, max_bytes)
    if not isinstance(src, Source):
        return ("skip", rel, src[0], src[1])
    data = src.data
    digest = hashlib.sha256(data).hexdigest()
    if digest == old_hash:
        return ("same", file_id, rel, src.size, src.mtime_ns)
    language = language_for(rel)
    role = role_for(rel, project, data)
    body = data[3:] if data.startswith(BOM) else data
    note = ""
    facts: FileFacts
    tree = None
    try:
        tree = parse(language, body) if language in PARSED_LANGUAGES else None
        facts = extract(language, body, module, tree=tree)
    except Exception as exc:  # a hostile file must not stop the index: keep it lexically
        note = f"extraction failed ({type(exc).__name__}); indexed as plain text"
        facts = FileFacts(chunks=chunk_windows(source_lines(body.decode("utf-8", errors="replace"))))
    if src.encoding not in ("utf-8", "utf-8-sig"):
        # said, not hidden: the file was analysed as text decoded from another encoding
        note = "; ".join(n for n in (f"decoded from {src.encoding}", note) if n)
    row = (file_id, rel, language, digest, src.size, src.mtime_ns, count_lines(data), role, project, facts.parse_errors)
    result = (
        "file",
        row,
        [(file_id, *s) for s in facts.symbols],
        [(file_id, *r) for r in facts.refs],
        [(file_id, *c) for c in facts.constants],
        facts.chunks,
        note,
    )
    if not want_hits:
        return result
    from dwagent.tools.index.rule_hits import file_rule_hits

    # the rules engine would read and parse this file again; the tree is reused when its bytes
    # are the engine's bytes (no BOM stripped)
    return (*result, file_rule_hits(rel, language, role, project, data, tree if body is data else None))


def extract(language: str, body: bytes, module: str = "", *, tree=None) -> FileFacts:
    """Facts for one file's bytes: syntax-aware for parsed languages, windows for the rest
    (`tree`: the already parsed `body`, when the caller has it)."""
    if language in PARSED_LANGUAGES:
        tree = tree if tree is not None else parse(language, body)
        if language == "csharp":
            from dwagent.tools.parse.csharp import extract as extract_csharp

            return extract_csharp(body, tree)
        from dwagent.tools.parse.python import extract as extract_python

        return extract_python(body, tree, module)
    return FileFacts(chunks=chunk_windows(source_lines(body.decode("utf-8", errors="replace"))))


def parse_only(abs_path: str) -> int:
    """The parse-only floor used by the benchmark: read and parse, return the node count of the root."""
    with open(abs_path, "rb") as fh:
        data = fh.read()
    tree = parse(language_for(abs_path), data)
    return tree.root_node.child_count if tree is not None else 0
