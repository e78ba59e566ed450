"""Synthetic DW-shaped corpus generator."""
