"""Eval runner, synthetic corpus generator and benchmarks (dwagent.evals)."""
