"""`snapvault daemon`: take a snapshot every interval, then apply retention."""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from snapvault import notify, retention
from snapvault.catalog import Catalog
from snapvault.clients import open_store
from snapvault.config import Settings
from snapvault.crypto import SecretBox, derive_key
from snapvault.progress import Progress
from snapvault.uploader import upload_tree

log = logging.getLogger(__name__)


def run_forever(settings: Settings, sources: list[Path]) -> None:
    store = open_store(settings)
    box = SecretBox(derive_key(settings.passphrase))
    catalog = Catalog(settings.catalog_path)
    while True:
        label = time.strftime("auto-%Y%m%d-%H%M%S", time.gmtime())
        files = [p for src in sources for p in src.rglob("*") if p.is_file()]
        snap = asyncio.run(upload_tree(settings, store, box, catalog, label, files, Progress()))
        notify.finished(settings, label, len(snap.files), True)
        kept = retention.keep([(l, c) for l, c, _ in catalog.list()], settings.keep_daily, settings.keep_weekly)
        for old, _, _ in catalog.list():
            if old not in kept and not retention.under_legal_hold(old):
                catalog.forget(old)
        time.sleep(settings.interval_seconds)
