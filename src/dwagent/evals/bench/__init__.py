"""Benchmarks (dwagent.evals.bench): run as python -m dwagent.evals.bench.<name>."""
