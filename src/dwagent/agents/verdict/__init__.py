"""dwagent.agents.verdict"""
