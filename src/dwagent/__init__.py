"""dwagent: a hostile, evidence-first certification auditor for large codebases."""

__version__ = "0.1.0"
