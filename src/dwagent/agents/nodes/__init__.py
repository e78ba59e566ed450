"""dwagent.agents.nodes"""
