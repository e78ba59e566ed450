from snapvault.clients.registry import open_store

__all__ = ["open_store"]
