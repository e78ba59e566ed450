"""The Retriever: lexical, dense and hybrid (reciprocal rank fusion) search over one index.

This is the one entry point agents and chat call. Dense search is optional: when its packages
or model files are missing the retriever runs lexically and says so in `dense_status`, never
silently pretending the results are semantic.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Literal

from dwagent.errors import DwagentError
from dwagent.tools.retrieve import lexical
from dwagent.tools.retrieve.cards import CardStore, index_db_path
from dwagent.tools.retrieve.embedder import INSTALL_HINT, Embedder, dense_unavailable_reason
from dwagent.tools.retrieve.hits import Filters, Hit
from dwagent.tools.retrieve.tokens import query_terms

Mode = Literal["lexical", "dense", "hybrid"]
RRF_K = 60  # the usual constant: dampens the head so agreement between lists wins
SIMILAR_TERMS = 16


def fuse(rankings: Iterable[list[Hit]], k: int) -> list[Hit]:
    """Reciprocal rank fusion of ranked lists; hits for the same declaration/span merge."""
    scores: dict[tuple[str, str], float] = {}
    best: dict[tuple[str, str], Hit] = {}
    sources: dict[tuple[str, str], set[str]] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking):
            key = hit.key
            scores[key] = scores.get(key, 0.0) + 1.0 / (RRF_K + rank + 1)
            sources.setdefault(key, set()).update(hit.sources)
            best.setdefault(key, hit)
    ordered = sorted(scores, key=lambda key: (-scores[key], key))
    return [replace(best[key], score=scores[key], sources=tuple(sorted(sources[key]))) for key in ordered[:k]]


class Retriever:
    """Search one index. `dense`: 'auto' (use when installed, building vectors on first use),
    'if-built' (use only when a dense index already exists), 'off', or an Embedder to use."""

    def __init__(
        self,
        index: sqlite3.Connection,
        root: Path | None = None,
        dense: str | Embedder = "auto",
        side_dir: Path | None = None,
    ) -> None:
        index.row_factory = sqlite3.Row
        self.index = index
        self.root = root
        self.side_dir = side_dir or index_db_path(index).parent / "retrieve"
        self.cards = CardStore(index, self.side_dir / "cards.sqlite")
        self.cards.refresh()
        self.lexical = lexical.LexicalSearcher(index, self.cards)
        self._dense_choice = dense
        self._dense = None
        self._dense_synced = False
        if dense == "off":
            self.dense_status = "dense retrieval off"
        elif dense in ("auto", "if-built"):
            reason = dense_unavailable_reason()
            if not reason and dense == "if-built" and not (self.side_dir / "chroma").is_dir():
                # Interactive callers must not trigger a cold embedding of a whole tree.
                reason = "no dense index built yet (run `dwagent search PATH QUERY --mode hybrid` once)"
            self.dense_status = f"dense retrieval not available: {reason}" if reason else "ready"
        else:
            self.dense_status = "ready"

    @property
    def dense_available(self) -> bool:
        return self.dense_status == "ready"

    def _open_dense(self):
        if not self.dense_available:
            raise DwagentError(self.dense_status, INSTALL_HINT)
        if self._dense is None:
            from dwagent.tools.retrieve.dense import DenseIndex

            embedder = self._dense_choice
            if isinstance(embedder, str):
                from dwagent.tools.retrieve.embedder import OnnxMiniLM

                embedder = OnnxMiniLM()
            self._dense = DenseIndex(self.side_dir / "chroma", embedder)
        return self._dense

    def build_dense(self, progress=None) -> tuple[int, int]:
        """Embed new/changed cards now (cold or incremental); returns (embedded, deleted)."""
        result = self._open_dense().sync_cards(self.cards.dense_cards(), progress)
        self._dense_synced = True
        return result

    def dense_index(self):
        """The DenseIndex, synced with the cards on first use; raises DwagentError when unavailable."""
        dense = self._open_dense()
        if not self._dense_synced:
            self.build_dense()
        return dense

    def effective_mode(self, mode: Mode) -> Mode:
        """The mode a search will really run in (hybrid falls back to lexical without dense)."""
        if mode == "hybrid" and not self.dense_available:
            return "lexical"
        return mode

    def search(self, query: str, k: int = 10, mode: Mode = "hybrid", filters: Filters = Filters()) -> list[Hit]:
        """Top-k hits for `query`. Raises DwagentError for mode='dense' when dense is unavailable."""
        mode = self.effective_mode(mode)
        depth = max(3 * k, 30)
        # One ranking per method: lexical (cards + chunks fused first) and dense, so hybrid
        # weighs the two methods equally rather than counting lexical twice.
        rankings: list[list[Hit]] = []
        if mode in ("lexical", "hybrid"):
            rankings.append(
                fuse(
                    [
                        self.lexical.card_hits(query, depth, filters),
                        self.lexical.chunks(query, depth, filters),
                    ],
                    depth,
                )
            )
        if mode in ("dense", "hybrid"):
            # Chunk vectors exist only for code someone touched; mixing them into a general
            # search would favour that code, so search ranks cards only (similar() uses chunks).
            rankings.append(self.dense_index().search_cards(query, depth, filters))
        return fuse(rankings, k)

    def span_text(self, file: str, start_line: int, end_line: int) -> str:
        """Text of a span from the index's chunks (falls back to disk when a root is known)."""
        rows = self.index.execute(
            "SELECT c.start_line, c.text FROM chunks c JOIN files f ON f.id = c.file_id "
            "WHERE f.path = ? AND c.start_line <= ? AND c.end_line >= ? ORDER BY c.start_line",
            (file, end_line, start_line),
        ).fetchall()
        lines: dict[int, str] = {}
        for row in rows:
            for offset, line in enumerate(row["text"].split("\n")):
                lines.setdefault(row["start_line"] + offset, line)
        if all(n in lines for n in range(start_line, end_line + 1)):
            return "\n".join(lines[n] for n in range(start_line, end_line + 1))
        if self.root is not None:
            from dwagent.tools.verify import read_span

            text = read_span(self.root, file, start_line, end_line)
            if text is not None:
                return text
        return "\n".join(lines.get(n, "") for n in range(start_line, end_line + 1))

    def touch(self, hits: list[Hit]) -> int:
        """Embed (once, cached by content hash) the chunks behind `hits`, so later dense chunk
        searches cover code agents have looked at. Returns how many were embedded now."""
        if not self.dense_available or not hits:
            return 0
        chunks = []
        for h in hits:
            rows = self.index.execute(
                "SELECT c.symbol, c.kind, c.start_line, c.end_line, c.text, f.path, f.language, f.project, f.role "
                "FROM chunks c JOIN files f ON f.id = c.file_id WHERE f.path = ? AND c.start_line <= ? AND c.end_line >= ?",
                (h.file, h.end_line, h.start_line),
            ).fetchall()
            chunks += [
                {
                    "symbol": r[0],
                    "kind": r[1],
                    "start_line": r[2],
                    "end_line": r[3],
                    "text": r[4],
                    "file": r[5],
                    "language": r[6],
                    "project": r[7],
                    "role": r[8],
                }
                for r in rows
            ]
        return self.dense_index().ensure_chunks(chunks)

    def similar(self, file: str, start_line: int, end_line: int, k: int = 10, filters: Filters = Filters()) -> list[Hit]:
        """Code like the given span elsewhere (the span itself and overlapping hits excluded).

        Lexical candidates share the span's rarer identifiers; with dense available, the
        candidates' chunks are embedded (lazily, cached) and re-ranked by meaning, and similar
        declaration cards join the fusion."""
        text = self.span_text(file, start_line, end_line)
        terms = [t for t in query_terms(text) if not t.isdigit()][:SIMILAR_TERMS]
        depth = max(3 * k, 30)
        candidates = self.lexical.chunks(" ".join(terms), depth, filters)
        rankings = [candidates]
        if self.dense_available:
            dense = self.dense_index()
            self.touch(candidates)
            rankings.append(dense.search_chunks(text, depth, filters))
            rankings.append(dense.search_cards(text, depth, filters))
        hits = fuse(rankings, depth)
        outside = [h for h in hits if not (h.file == file and h.start_line <= end_line and h.end_line >= start_line)]
        return outside[:k]

    def close(self) -> None:
        self.cards.close()
