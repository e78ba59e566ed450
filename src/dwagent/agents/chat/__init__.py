"""Follow-up questions about findings: offline extractive answers, optional cited LLM answers."""
