"""dwagent.tools.rules.python"""
