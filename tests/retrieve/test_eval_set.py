from dwagent.evals.retrieval.run import Query, first_relevant, load_queries
from dwagent.evals.runner import fixtures_root
from dwagent.tools.retrieve.hits import Hit


def test_labelled_set_is_large_enough_and_points_at_real_files():
    queries = load_queries()
    assert len(queries) >= 40
    assert len({q.id for q in queries}) == len(queries)
    for q in queries:
        for f in q.files:
            assert (fixtures_root() / q.tree / f).is_file(), f"{q.id}: {f} missing"


def test_first_relevant_matches_files_and_symbol_suffixes():
    q = Query("x", "t", "q", ("a.cs",), ("Repo.Find",))
    hits = [Hit("b.cs", 1, 2, "Ns.Other"), Hit("c.cs", 1, 2, "Ns.Repo.Find"), Hit("a.cs", 1, 1)]
    assert first_relevant(q, hits) == 2
    assert first_relevant(q, [Hit("z.cs", 1, 1, "Ns.XRepo.Find")]) == 0
    assert first_relevant(Query("y", "t", "q", ("a.cs",), ()), hits) == 3
