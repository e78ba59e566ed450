"""Tell a webhook that a backup finished; the receiver checks an HMAC of the body."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging

import requests

from snapvault.config import Settings

log = logging.getLogger(__name__)


def finished(settings: Settings, label: str, files: int, ok: bool) -> None:
    if not settings.notify_url:
        return
    body = json.dumps({"label": label, "files": files, "ok": ok}, sort_keys=True).encode()
    signature = hmac.new(settings.notify_secret.encode(), body, hashlib.sha256).hexdigest()
    resp = requests.post(settings.notify_url, data=body, timeout=settings.request_timeout,
                         headers={"Content-Type": "application/json", "X-Snapvault-Signature": signature})
    log.info("notified %s about %s: HTTP %s", settings.notify_url, label, resp.status_code)
