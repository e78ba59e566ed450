"""WebDAV backend (Nextcloud and friends)."""
from __future__ import annotations

import logging

import requests

from snapvault.clients.base import ObjectStore
from snapvault.clients.registry import register
from snapvault.config import Settings

log = logging.getLogger(__name__)


@register("webdav")
class WebDavStore(ObjectStore):
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._session = requests.Session()
        self._session.auth = (settings.access_key, settings.secret_key)
        if settings.insecure_skip_verify:
            log.warning("TLS verification disabled for %s by configuration", settings.endpoint)
            self._session.verify = False
        log.info("webdav store at %s as user %s", settings.endpoint, settings.access_key)

    def _url(self, key: str) -> str:
        return f"{self._settings.endpoint.rstrip('/')}/{self._settings.bucket}/{key}"

    def put(self, key: str, data: bytes) -> str:
        resp = self._session.put(self._url(key), data=data, timeout=self._settings.request_timeout)
        resp.raise_for_status()
        return resp.headers.get("ETag", "")

    def get(self, key: str) -> bytes:
        resp = self._session.get(self._url(key), timeout=self._settings.request_timeout)
        if resp.status_code == 404:
            raise KeyError(key)
        resp.raise_for_status()
        return resp.content

    def delete(self, key: str) -> None:
        self._session.delete(self._url(key), timeout=self._settings.request_timeout)
