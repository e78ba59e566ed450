"""dwagent.agents.inputs"""
