"""Producers of the files a snapshot contains (database dumps, directory trees)."""
