"""Admin operations: snapshots, git sync, key management, subscriber acknowledgements."""
from __future__ import annotations

import os

import yaml
from flask import Blueprint, abort, current_app, jsonify, request, send_file

from flagship import keys, snapshots, sync
from flagship.auth import require_admin
from flagship.models import flag_from_dict
from flagship.webhooks import verify_signature

bp = Blueprint("admin", __name__, url_prefix="/v1/admin")


def _settings():
    return current_app.config["SETTINGS"]


@bp.post("/projects/<project>/export")
@require_admin
def export_project(project: str):
    blob = snapshots.export_snapshot(current_app.config["STORE"], project, _settings())
    name = f"{project}.snapshot.gz"
    with open(os.path.join(_settings().export_dir, name), "wb") as fh:
        fh.write(blob)
    return jsonify(file=name)


@bp.get("/exports/<path:name>")
def download_export(name: str):
    return send_file(os.path.join(_settings().export_dir, name), as_attachment=True)


@bp.get("/exports/checked/<name>")
@require_admin
def download_export_checked(name: str):
    root = os.path.realpath(_settings().export_dir)
    target = os.path.realpath(os.path.join(root, name))
    if os.path.commonpath([root, target]) != root or not os.path.isfile(target):
        abort(404)
    return send_file(target, as_attachment=True)


@bp.post("/import/yaml")
@require_admin
def import_yaml():
    docs = yaml.load(request.get_data(as_text=True), Loader=yaml.Loader) or []
    count = current_app.config["STORE"].put_many(flag_from_dict(d) for d in docs)
    return jsonify(imported=count)


@bp.post("/import/legacy")
@require_admin
def import_legacy():
    count = snapshots.import_legacy_snapshot(current_app.config["STORE"], request.get_data())
    return jsonify(imported=count)


@bp.post("/sync")
@require_admin
def sync_repo():
    body = request.get_json(force=True) or {}
    head = sync.pull(_settings().sync_repo_root, body["repo"], body.get("branch", "main"))
    return jsonify(head=head)


@bp.post("/projects/<project>/keys")
@require_admin
def issue_key(project: str):
    raw, record = keys.issue_key(project)
    current_app.config["STORE"].add_sdk_key(record)
    return jsonify(key=raw, prefix=record.prefix)


@bp.post("/subscribers/ack")
def subscriber_ack():
    signature = request.headers.get("X-Flagship-Signature", "")
    if not verify_signature(_settings().webhook_secret, request.get_data(), signature):
        abort(401)
    return jsonify(ok=True)
