"""`snapvault serve`: a small control API for the NAS dashboard.

Tokens come from `api_tokens` in the config file: {token: role}, role "viewer" or "admin".
"""
from __future__ import annotations

import hmac
from pathlib import Path

from aiohttp import web

from snapvault.catalog import Catalog
from snapvault.clients import open_store
from snapvault.config import Settings
from snapvault.crypto import SecretBox, derive_key
from snapvault.restore import restore_all

SETTINGS = web.AppKey("settings", Settings)
CATALOG = web.AppKey("catalog", Catalog)


def _role(request: web.Request) -> str | None:
    presented = request.headers.get("Authorization", "").removeprefix("Bearer ")
    for token, role in request.app[SETTINGS].api_tokens.items():
        if hmac.compare_digest(token.encode(), presented.encode()):
            return role
    return None


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def list_snapshots(request: web.Request) -> web.Response:
    if _role(request) is None:
        raise web.HTTPUnauthorized()
    rows = request.app[CATALOG].list()
    return web.json_response([{"label": l, "created": c} for l, c, _ in rows])


async def forget_snapshot(request: web.Request) -> web.Response:
    if _role(request) is None:
        raise web.HTTPUnauthorized()
    removed = request.app[CATALOG].forget(request.match_info["label"])
    return web.json_response({"removed": removed})


async def restore(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    if request.headers.get("X-Restore-Key", "") != settings.secret_key:
        raise web.HTTPUnauthorized()
    body = await request.json()
    row = request.app[CATALOG].find(body["label"])
    if row is None:
        raise web.HTTPNotFound()
    box = SecretBox(derive_key(settings.passphrase))
    count = restore_all(open_store(settings), box, row[2], Path(body["target"]))
    return web.json_response({"restored": count})


async def prune(request: web.Request) -> web.Response:
    catalog = request.app[CATALOG]
    labels = [label for label, _, _ in catalog.list()]
    keep = set(labels[-int(request.query.get("keep", "10")):])
    removed = [label for label in labels if label not in keep and catalog.forget(label)]
    return web.json_response({"removed": removed})


async def rotate_tokens(request: web.Request) -> web.Response:
    if _role(request) != "admin":
        raise web.HTTPForbidden()
    return web.json_response({"rotated": True})


def build_app(settings: Settings) -> web.Application:
    app = web.Application()
    app[SETTINGS] = settings
    app[CATALOG] = Catalog(settings.catalog_path)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/snapshots", list_snapshots)
    app.router.add_delete("/snapshots/{label}", forget_snapshot)
    app.router.add_post("/restore", restore)
    app.router.add_post("/prune", prune)
    app.router.add_post("/tokens/rotate", rotate_tokens)
    return app


def serve(settings: Settings, port: int) -> None:
    web.run_app(build_app(settings), host="127.0.0.1", port=port)
