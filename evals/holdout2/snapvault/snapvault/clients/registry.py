"""Backends register themselves by name; settings.store picks one."""
from __future__ import annotations

from typing import Callable

from snapvault.clients.base import ObjectStore
from snapvault.config import Settings

_BACKENDS: dict[str, Callable[[Settings], ObjectStore]] = {}


def register(name: str):
    def wrap(cls):
        _BACKENDS[name] = cls
        return cls

    return wrap


def open_store(settings: Settings) -> ObjectStore:
    # Import for the side effect of registration.
    from snapvault.clients import azure, s3, webdav  # noqa: F401

    try:
        factory = _BACKENDS[settings.store]
    except KeyError:
        raise SystemExit(f"unknown store {settings.store!r}; known: {', '.join(sorted(_BACKENDS))}")
    return factory(settings)
