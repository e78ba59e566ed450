"""Flag storage backends."""
from flagship.store.base import FlagStore
from flagship.store.sqlite_store import SqliteStore

__all__ = ["FlagStore", "SqliteStore"]
