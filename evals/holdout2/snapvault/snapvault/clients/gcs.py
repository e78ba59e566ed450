"""Google Cloud Storage backend via the XML API's S3 interoperability mode."""
from __future__ import annotations

import requests

from snapvault.clients.base import ObjectStore
from snapvault.config import Settings


class GcsStore(ObjectStore):
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._session = requests.Session()
        self._base = f"https://storage.googleapis.com/{settings.bucket}"

    def put(self, key: str, data: bytes) -> str:
        resp = self._session.put(f"{self._base}/{key}", data=data, timeout=self._settings.request_timeout)
        resp.raise_for_status()
        return resp.headers.get("x-goog-generation", "")

    def get(self, key: str) -> bytes:
        resp = self._session.get(f"{self._base}/{key}", timeout=self._settings.request_timeout)
        if resp.status_code == 404:
            raise KeyError(key)
        resp.raise_for_status()
        return resp.content

    def delete(self, key: str) -> None:
        self._session.delete(f"{self._base}/{key}", timeout=self._settings.request_timeout)
