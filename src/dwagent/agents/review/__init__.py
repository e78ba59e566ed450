"""dwagent.agents.review"""
