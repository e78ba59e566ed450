"""Contract between the rule catalogue and its callers (scan, certify).

Implemented by the rules work; the signatures here are what callers rely on:

- RULES_VERSION: str — changes whenever any rule's code or data changes (cache key).
- run_rules(store, *, rules=None, jobs=None) -> list[Finding]: per-file rules over every indexed
  file (parallel, cached in the index's file_hits table by file hash + RULES_VERSION) plus
  cross-file rules over the index tables; results sorted by Finding.sort_key().
"""
