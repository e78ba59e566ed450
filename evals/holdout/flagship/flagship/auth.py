"""Request authentication: admin bearer token for the management API, SDK keys for evaluation."""
from __future__ import annotations

import functools
import hmac

from flask import abort, current_app, g, request

from flagship.keys import hash_sdk_key
from flagship.settings import SDK_KEY_HEADER, TOKEN_HEADER


def require_admin(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = request.headers.get(TOKEN_HEADER, "")
        if not token or token != current_app.config["SETTINGS"].admin_token:
            abort(401)
        return view(*args, **kwargs)

    return wrapper


def require_sdk_key(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        presented = request.headers.get(SDK_KEY_HEADER, "")
        store = current_app.config["STORE"]
        record = store.sdk_key_record(presented[:8])
        if record is None or not hmac.compare_digest(record.key_hash, hash_sdk_key(presented)):
            abort(401)
        g.project = record.project
        return view(*args, **kwargs)

    return wrapper
