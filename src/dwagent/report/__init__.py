"""Report writers: read only the report model, never re-derive a verdict."""
