"""dwagent.tools.retrieve"""
