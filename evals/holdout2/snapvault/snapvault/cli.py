"""Command line: backup, restore, list, forget, verify, daemon, serve."""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from snapvault import config, restore, server, verify
from snapvault.catalog import Catalog
from snapvault.clients import open_store
from snapvault.crypto import SecretBox, derive_key
from snapvault.dumpers import files as file_dumper, postgres
from snapvault.progress import Progress
from snapvault.scheduler import run_forever
from snapvault.uploader import discard_spool, upload_tree


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="snapvault")
    p.add_argument("--config", type=Path, default=Path("~/.config/snapvault.toml").expanduser())
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("backup")
    b.add_argument("label")
    b.add_argument("paths", nargs="+", type=Path)
    b.add_argument("--pg-dsn")
    b.add_argument("--pg-db", action="append", default=[])
    r = sub.add_parser("restore")
    r.add_argument("label")
    r.add_argument("target", type=Path)
    r.add_argument("--only")
    sub.add_parser("list")
    f = sub.add_parser("forget")
    f.add_argument("label")
    v = sub.add_parser("verify")
    v.add_argument("label")
    d = sub.add_parser("daemon")
    d.add_argument("paths", nargs="+", type=Path)
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, default=8089)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    settings = config.load(args.config)
    catalog = Catalog(settings.catalog_path)
    box = SecretBox(derive_key(settings.passphrase))
    if args.cmd == "backup":
        store = open_store(settings)
        spool = Path(".snapvault-spool")
        spool.mkdir(exist_ok=True)
        paths = list(args.paths)
        for db in args.pg_db:
            paths.append(postgres.dump(args.pg_dsn, spool, db))
        files = [file_dumper.pack(p, spool / f"{p.name}.tar") if p.is_dir() else p for p in paths]
        asyncio.run(upload_tree(settings, store, box, catalog, args.label, files, Progress()))
        discard_spool(spool)
    elif args.cmd == "restore":
        row = catalog.find(args.label)
        if row is None:
            print(f"no snapshot {args.label!r}", file=sys.stderr)
            return 2
        store = open_store(settings)
        if args.only:
            restore.restore_one(store, box, row[2], args.only, args.target)
        else:
            restore.restore_all(store, box, row[2], args.target)
    elif args.cmd == "list":
        for label, created, _ in catalog.list():
            print(f"{label}\t{created:.0f}")
    elif args.cmd == "forget":
        return 0 if catalog.forget(args.label) else 1
    elif args.cmd == "verify":
        row = catalog.find(args.label)
        store = open_store(settings)
        snap = restore.load_manifest(store, box, row[2])
        bad = verify.verify_snapshot(store, box, snap)
        return 1 if bad else 0
    elif args.cmd == "daemon":
        run_forever(settings, args.paths)
    elif args.cmd == "serve":
        server.serve(settings, args.port)
    return 0
