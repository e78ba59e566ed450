"""Prompt files, one per agent that uses a model (dwagent.prompts)."""
