"""Specialist agents and the LangGraph that wires them (installed as dwagent.agents)."""
