"""Application factory."""
from __future__ import annotations

import logging

from flask import Flask

from flagship import settings as settings_mod
from flagship.api import admin, evaluate, flags, health
from flagship.audit import AuditLog
from flagship.store import SqliteStore
from flagship.webhooks import Notifier


def create_app(cfg: settings_mod.Settings | None = None) -> Flask:
    cfg = cfg or settings_mod.load()
    app = Flask(__name__)
    app.config["SETTINGS"] = cfg
    app.config["STORE"] = SqliteStore(cfg.db_path)
    app.config["AUDIT"] = AuditLog(cfg.db_path + ".audit")
    app.config["NOTIFIER"] = Notifier(cfg, subscribers=[])
    for blueprint in (health.bp, flags.bp, evaluate.bp, admin.bp):
        app.register_blueprint(blueprint)
    logging.basicConfig(level=logging.INFO)
    return app
