"""Management API for flags (admin token required)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from flagship.auth import require_admin
from flagship.models import flag_from_dict

bp = Blueprint("flags", __name__, url_prefix="/v1/projects/<project>/flags")


def _store():
    return current_app.config["STORE"]


@bp.get("")
@require_admin
def list_flags(project: str):
    order = request.args.get("order", "key")
    return jsonify([f.to_dict() for f in _store().list(project, order_by=order)])


@bp.get("/search")
@require_admin
def search_flags(project: str):
    text = request.args.get("q", "")
    return jsonify([f.to_dict() for f in _store().search(project, text)])


@bp.get("/<key>")
@require_admin
def get_flag(project: str, key: str):
    flag = _store().get(project, key)
    if flag is None:
        abort(404)
    return jsonify(flag.to_dict())


@bp.put("/<key>")
@require_admin
def put_flag(project: str, key: str):
    raw = request.get_json(force=True) or {}
    flag = flag_from_dict({**raw, "key": key, "project": project})
    _store().put(flag)
    current_app.config["AUDIT"].record(request.headers.get("X-Actor", "admin"), "put", key, raw)
    current_app.config["NOTIFIER"].notify({"type": "flag.updated", "project": project, "key": key})
    return jsonify(flag.to_dict())
