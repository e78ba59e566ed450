"""Dense retrieval: a ChromaDB persistent collection of card (and lazily chunk) vectors.

Vectors are computed by our own offline embedder and handed to Chroma explicitly, so Chroma's
default embedding function (which downloads a model) is never used. Each record stores the
content hash of the text it was computed from; `sync_cards` embeds only new or changed cards
and deletes vanished ones, so refreshing after an incremental index run is cheap. Chunks are
embedded on first touch (`ensure_chunks`) and kept in a second collection.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Callable, Sequence

from dwagent.tools.retrieve.cards import Card
from dwagent.tools.retrieve.embedder import Embedder
from dwagent.tools.retrieve.hits import Filters, Hit
from dwagent.tools.retrieve.tokens import identifiers_as_words

ADD_BATCH = 1024
ProgressFn = Callable[[int, int], None]


def _quiet_chroma() -> None:
    # Chroma's telemetry logger complains loudly when it cannot post; it must not reach users.
    for name in ("chromadb.telemetry", "chromadb.telemetry.product.posthog"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _where(filters: Filters) -> dict | None:
    clauses = [{c: getattr(filters, c)} for c in ("language", "project", "role") if getattr(filters, c)]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class DenseIndex:
    """Card and chunk vectors for one index, stored under `path` (a Chroma persistent dir)."""

    def __init__(self, path: Path, embedder: Embedder) -> None:
        _quiet_chroma()
        import chromadb
        from chromadb.config import Settings

        path.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder
        self.client = chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False, allow_reset=False))
        space = {"hnsw:space": "cosine"}
        self.cards = self.client.get_or_create_collection(f"cards-{embedder.model_id}", metadata=space, embedding_function=None)
        self.chunks = self.client.get_or_create_collection(f"chunks-{embedder.model_id}", metadata=space, embedding_function=None)

    def sync_cards(self, cards: Sequence[Card], progress: ProgressFn | None = None) -> tuple[int, int]:
        """Embed new/changed cards, delete vanished ones; returns (embedded, deleted)."""
        stored: dict[str, str] = {}
        got = self.cards.get(include=["metadatas"])
        for cid, meta in zip(got["ids"], got["metadatas"] or []):
            stored[cid] = (meta or {}).get("hash", "")
        wanted = {c.key: c for c in cards}
        stale = sorted(set(stored) - set(wanted))
        todo = [c for key, c in sorted(wanted.items()) if stored.get(key) != c.hash]
        for start in range(0, len(stale), ADD_BATCH):
            self.cards.delete(ids=stale[start : start + ADD_BATCH])
        for start in range(0, len(todo), ADD_BATCH):
            batch = todo[start : start + ADD_BATCH]
            self.cards.upsert(
                ids=[c.key for c in batch],
                embeddings=self.embedder.embed([c.embed_text for c in batch]),
                metadatas=[_card_meta(c) for c in batch],
                documents=[c.text for c in batch],
            )
            if progress:
                progress(min(start + ADD_BATCH, len(todo)), len(todo))
        return len(todo), len(stale)

    def search_cards(self, query: str, k: int, filters: Filters = Filters()) -> list[Hit]:
        """Cards nearest to `query`; identifiers in it are split into words as on the cards."""
        return self._query(self.cards, identifiers_as_words(query), k, filters, "dense-card")

    def ensure_chunks(self, chunks: Sequence[dict]) -> int:
        """Embed chunks not yet embedded (dicts with file/start_line/end_line/symbol/kind/text and
        language/project/role); cached by content hash. Returns how many were embedded now."""
        keyed = {}
        for ch in chunks:
            digest = hashlib.sha1(ch["text"].encode()).hexdigest()[:16]
            keyed[f"{ch['file']}#{ch['start_line']}#{digest}"] = (ch, digest)
        if not keyed:
            return 0
        have = set(self.chunks.get(ids=sorted(keyed), include=[])["ids"])
        todo = [(key, *keyed[key]) for key in sorted(keyed) if key not in have]
        for start in range(0, len(todo), ADD_BATCH):
            batch = todo[start : start + ADD_BATCH]
            self.chunks.upsert(
                ids=[key for key, _, _ in batch],
                embeddings=self.embedder.embed([ch["text"] for _, ch, _ in batch]),
                metadatas=[_chunk_meta(ch, digest) for _, ch, digest in batch],
                documents=[ch["text"] for _, ch, _ in batch],
            )
        return len(todo)

    def search_chunks(self, query: str, k: int, filters: Filters = Filters()) -> list[Hit]:
        return self._query(self.chunks, query, k, filters, "dense-chunk")

    def _query(self, collection, query: str, k: int, filters: Filters, source: str) -> list[Hit]:
        if collection.count() == 0 or not query.strip():
            return []
        res = collection.query(
            query_embeddings=self.embedder.embed([query]),
            n_results=min(k, collection.count()),
            where=_where(filters),
            include=["metadatas", "distances", "documents"],
        )
        hits = []
        for meta, dist, doc in zip(res["metadatas"][0], res["distances"][0], res["documents"][0]):
            hits.append(
                Hit(
                    meta["file"],
                    int(meta["start_line"]),
                    int(meta["end_line"]),
                    meta.get("symbol", ""),
                    meta.get("kind", ""),
                    meta.get("language", ""),
                    meta.get("project", ""),
                    meta.get("role", ""),
                    1.0 - float(dist),
                    (source,),
                    " ".join((doc or "").split())[:240],
                )
            )
        return hits

    def count(self) -> tuple[int, int]:
        return self.cards.count(), self.chunks.count()


def _card_meta(c: Card) -> dict:
    return {
        "file": c.file,
        "start_line": c.start_line,
        "end_line": c.end_line,
        "symbol": c.symbol,
        "kind": c.kind,
        "language": c.language,
        "project": c.project,
        "role": c.role,
        "hash": c.hash,
    }


def _chunk_meta(ch: dict, digest: str) -> dict:
    return {
        "file": ch["file"],
        "start_line": int(ch["start_line"]),
        "end_line": int(ch["end_line"]),
        "symbol": ch.get("symbol", ""),
        "kind": ch.get("kind", ""),
        "language": ch.get("language", ""),
        "project": ch.get("project", ""),
        "role": ch.get("role", ""),
        "hash": digest,
    }
