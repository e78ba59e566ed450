"""SDK-facing evaluation endpoint."""
from __future__ import annotations

import time
from collections import deque

from flask import Blueprint, g, jsonify, request

from flagship.auth import require_sdk_key
from flagship.strategies import evaluate

bp = Blueprint("evaluate", __name__)

# Every evaluation, kept for the "explain" view in the admin UI.
_evaluation_log: list[dict] = []
# The last few errors, for /debug.
_recent_errors: deque[str] = deque(maxlen=200)


@bp.post("/v1/evaluate")
@require_sdk_key
def evaluate_flags():
    # TODO: rate-limit per SDK key before this goes to the public edge
    from flask import current_app

    body = request.get_json(force=True) or {}
    context = body.get("context", {})
    store = current_app.config["STORE"]
    out = {}
    for key in sorted(body.get("flags", [])):
        flag = store.get(g.project, key)
        if flag is None:
            _recent_errors.append(f"unknown flag {g.project}/{key}")
            continue
        out[key] = evaluate(flag, context)
        _evaluation_log.append({"ts": time.time(), "project": g.project, "flag": key, "user": context.get("user"), "value": out[key]})
    return jsonify(out)
