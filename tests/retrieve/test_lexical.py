from dwagent.tools.retrieve.hits import Filters
from dwagent.tools.retrieve.hybrid import Retriever


def test_words_find_camel_case_declarations(sample_index):
    conn, root = sample_index
    r = Retriever(conn, root, dense="off")
    hits = r.search("save order", k=5, mode="lexical")
    assert hits[0].symbol.endswith("SaveOrder") or hits[0].symbol.endswith("OrderRepository")
    assert any(h.symbol == "Shop.Storage.OrderRepository.SaveOrder" for h in hits)


def test_exact_identifier_ranks_first(sample_index):
    conn, root = sample_index
    hits = Retriever(conn, root, dense="off").search("ValidateToken", k=3, mode="lexical")
    assert hits[0].symbol == "Shop.Security.TokenValidator.ValidateToken"
    assert hits[0].file == "src/Security/TokenValidator.cs"
    assert (hits[0].start_line, hits[0].end_line) == (5, 8)


def test_snake_case_python_found_by_words(sample_index):
    conn, root = sample_index
    hits = Retriever(conn, root, dense="off").search("user name parsing", k=3, mode="lexical")
    assert hits[0].file == "tools/names.py"


def test_filters_by_role_language_and_project(sample_index):
    conn, root = sample_index
    r = Retriever(conn, root, dense="off")
    assert {h.role for h in r.search("order", k=10, mode="lexical", filters=Filters(role="test"))} == {"test"}
    assert {h.language for h in r.search("name", k=10, mode="lexical", filters=Filters(language="python"))} == {"python"}
    assert {h.project for h in r.search("token", k=10, mode="lexical", filters=Filters(project="Security"))} == {"Security"}


def test_hybrid_without_dense_runs_lexical_and_says_so(sample_index):
    conn, root = sample_index
    r = Retriever(conn, root, dense="off")
    assert r.effective_mode("hybrid") == "lexical"
    assert "off" in r.dense_status


def test_empty_or_stopword_query_returns_nothing(sample_index):
    conn, root = sample_index
    assert Retriever(conn, root, dense="off").search("where is the", k=5, mode="lexical") == []


def test_cards_refresh_is_incremental(sample_index):
    conn, root = sample_index
    r = Retriever(conn, root, dense="off")
    assert r.cards.refresh() == (0, 0)
    conn.execute("UPDATE files SET hash = 'changed' WHERE path = 'tools/names.py'")
    conn.execute("DELETE FROM files WHERE path = 'src/Security/TokenValidator.cs'")
    conn.commit()
    assert r.cards.refresh() == (1, 1)
    assert r.lexical.card_hits("ValidateToken", 5) == []
    assert r.lexical.card_hits("parse_user_name", 5)[0].file == "tools/names.py"


def test_similar_excludes_the_span_itself(sample_index):
    conn, root = sample_index
    r = Retriever(conn, root, dense="off")
    hits = r.similar("src/Storage/OrderRepository.cs", 6, 9, k=5)
    assert all(not (h.file == "src/Storage/OrderRepository.cs" and h.start_line <= 9 and h.end_line >= 6) for h in hits)
    assert any(h.file == "src/Storage/OrderRepository.cs" and h.start_line == 11 for h in hits)
