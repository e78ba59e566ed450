"""The labelled retrieval evaluation (queries.yaml) and its runner (run.py)."""
