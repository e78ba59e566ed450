import pytest

from dwagent.tools.retrieve.embedder import dense_unavailable_reason
from dwagent.tools.retrieve.hits import Filters
from dwagent.tools.retrieve.hybrid import Retriever

pytest.importorskip("chromadb")


def test_dense_cards_are_embedded_once_and_incrementally(sample_index, fake_embedder):
    conn, root = sample_index
    emb = fake_embedder
    r = Retriever(conn, root, dense=emb)
    embedded, deleted = r.build_dense()
    # types and free functions only: 3 classes + 1 python function
    assert (embedded, deleted) == (4, 0)
    calls = emb.calls
    assert Retriever(conn, root, dense=emb).build_dense() == (0, 0)
    assert emb.calls == calls  # nothing re-embedded for an unchanged index
    conn.execute("UPDATE symbols SET doc = 'Validates bearer tokens.' WHERE qualname = 'Shop.Security.TokenValidator'")
    conn.execute("UPDATE files SET hash = 'new' WHERE path = 'src/Security/TokenValidator.cs'")
    conn.commit()
    before = len(emb.texts)
    assert Retriever(conn, root, dense=emb).build_dense() == (1, 0)
    # only the changed file's card went through the model, in its compact embedding form
    assert emb.texts[before:] == ["class token validator\nValidates bearer tokens.\nmembers: validate token\nin shop security"]


def test_dense_and_hybrid_search_with_filters(sample_index, fake_embedder):
    conn, root = sample_index
    r = Retriever(conn, root, dense=fake_embedder)
    hits = r.search("validate token", k=3, mode="dense")
    assert hits[0].file == "src/Security/TokenValidator.cs"
    assert hits[0].sources == ("dense-card",)
    fused = r.search("order repository", k=5, mode="hybrid", filters=Filters(role="production"))
    assert fused[0].symbol.startswith("Shop.Storage.OrderRepository")
    assert {h.role for h in fused} == {"production"}
    assert any(len(h.sources) > 1 for h in fused)


def test_lazy_chunk_vectors_are_cached(sample_index, fake_embedder):
    conn, root = sample_index
    r = Retriever(conn, root, dense=fake_embedder)
    dense = r.dense_index()
    chunk = {"file": "a.cs", "start_line": 1, "end_line": 2, "text": "int x = 1;", "language": "csharp"}
    assert dense.ensure_chunks([chunk]) == 1
    assert dense.ensure_chunks([chunk]) == 0
    assert dense.search_chunks("x", 1)[0].file == "a.cs"


@pytest.mark.skipif(dense_unavailable_reason() != "", reason="offline embedding model not installed")
def test_real_model_ranks_meaning_over_words(sample_index):
    conn, root = sample_index
    r = Retriever(conn, root, dense="auto")
    hits = r.search("persist purchases to a file", k=2, mode="dense")
    assert hits[0].symbol == "Shop.Storage.OrderRepository"


def test_similar_embeds_touched_chunks_lazily_and_once(sample_index, fake_embedder):
    conn, root = sample_index
    r = Retriever(conn, root, dense=fake_embedder)
    hits = r.similar("src/Storage/OrderRepository.cs", 6, 9, k=5)
    assert any(h.file == "src/Storage/OrderRepository.cs" and h.start_line == 11 for h in hits)
    cards, chunks = r.dense_index().count()
    assert chunks > 0  # the lexical candidates' chunks were embedded on first touch
    calls = fake_embedder.calls
    r.similar("src/Storage/OrderRepository.cs", 6, 9, k=5)
    # only the two query texts (chunk + card search) were embedded the second time
    assert fake_embedder.calls == calls + 2


def test_if_built_never_starts_a_cold_embedding(sample_index, fake_embedder):
    conn, root = sample_index
    r = Retriever(conn, root, dense="if-built")
    if dense_unavailable_reason():
        assert not r.dense_available
        return
    assert not r.dense_available and "no dense index built yet" in r.dense_status
    Retriever(conn, root, dense="auto").build_dense()
    assert Retriever(conn, root, dense="if-built").dense_available
