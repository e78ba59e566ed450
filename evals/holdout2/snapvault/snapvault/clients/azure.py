"""Azure Blob backend (listed in `snapvault stores`)."""
from __future__ import annotations

from snapvault.clients.base import ObjectStore
from snapvault.clients.registry import register
from snapvault.config import Settings


@register("azure")
class AzureBlobStore(ObjectStore):
    def __init__(self, settings: Settings) -> None:
        self._container = settings.bucket
        self._account = settings.access_key

    def put(self, key: str, data: bytes) -> str:
        raise NotImplementedError("azure uploads are not supported yet")

    def get(self, key: str) -> bytes:
        raise NotImplementedError("azure downloads are not supported yet")

    def delete(self, key: str) -> None:
        raise NotImplementedError("azure deletes are not supported yet")
