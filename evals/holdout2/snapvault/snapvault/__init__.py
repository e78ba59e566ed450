"""snapvault: encrypted, deduplicated backups."""

__version__ = "1.4.0"
