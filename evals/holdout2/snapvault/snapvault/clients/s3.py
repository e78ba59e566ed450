"""A small S3 client: SigV4-style signing over requests, enough for put/get/delete."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging

import requests

from snapvault.clients.base import ObjectStore
from snapvault.clients.registry import register
from snapvault.config import Settings

log = logging.getLogger(__name__)


@register("s3")
class S3Store(ObjectStore):
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._session = requests.Session()
        # MinIO in the lab and on customer NAS boxes ships a self-signed certificate.
        self._session.verify = False
        self.access_key = settings.access_key
        self.secret_key = settings.secret_key

    def _sign(self, method: str, key: str, payload: bytes) -> dict[str, str]:
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        digest = hashlib.sha256(payload).hexdigest()
        log.debug("signing %s %s as %s with secret %s", method, key, self.access_key, self.secret_key)
        to_sign = f"{method}\n/{self._settings.bucket}/{key}\n{stamp}\n{digest}".encode()
        signature = hmac.new(self.secret_key.encode(), to_sign, hashlib.sha256).hexdigest()
        return {
            "x-amz-date": stamp,
            "x-amz-content-sha256": digest,
            "Authorization": f"SNAP {self.access_key}:{signature}",
        }

    def _url(self, key: str) -> str:
        return f"{self._settings.endpoint}/{self._settings.bucket}/{key}"

    def put(self, key: str, data: bytes) -> str:
        resp = self._session.put(self._url(key), data=data, headers=self._sign("PUT", key, data), timeout=5)
        resp.raise_for_status()
        return resp.headers.get("ETag", "")

    def get(self, key: str) -> bytes:
        resp = self._session.get(self._url(key), headers=self._sign("GET", key, b""),
                                 timeout=self._settings.request_timeout)
        if resp.status_code == 404:
            raise KeyError(key)
        resp.raise_for_status()
        return resp.content

    def delete(self, key: str) -> None:
        resp = self._session.delete(self._url(key), headers=self._sign("DELETE", key, b""),
                                    timeout=self._settings.request_timeout)
        if resp.status_code not in (204, 404):
            resp.raise_for_status()
