"""Deterministic tooling: walker, parsers, index, rules, graph, retrieval (dwagent.tools)."""
