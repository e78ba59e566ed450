"""dwagent.tools.rules.csharp"""
