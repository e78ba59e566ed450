"""Competitor knowledge base and its schema (dwagent.competitors)."""
