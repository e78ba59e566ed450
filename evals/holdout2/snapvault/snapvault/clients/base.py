"""The interface every storage backend implements."""
from __future__ import annotations

import abc


class ObjectStore(abc.ABC):
    @abc.abstractmethod
    def put(self, key: str, data: bytes) -> str:
        """Store `data` under `key`; return the backend's version or ETag."""
        raise NotImplementedError

    @abc.abstractmethod
    def get(self, key: str) -> bytes:
        raise NotImplementedError

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        try:
            self.get(key)
        except KeyError:
            return False
        return True
