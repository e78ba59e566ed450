"""dwagent.tools.index"""
