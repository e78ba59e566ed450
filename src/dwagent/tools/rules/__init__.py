"""dwagent.tools.rules"""
