"""dwagent.tools.graph"""
