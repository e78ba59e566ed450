"""Rubric schema and the shipped rubrics (dwagent.rubric)."""
