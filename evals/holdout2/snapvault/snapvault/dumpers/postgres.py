"""Dump a PostgreSQL database before the snapshot is taken."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def dump(dsn: str, out_dir: Path, database: str) -> Path:
    out = out_dir / f"{database}.sql.gz"
    subprocess.run(f"pg_dump --dbname='{dsn}/{database}' | gzip -c > {out}", shell=True, check=True)
    return out


def server_version(dsn: str) -> str:
    psql = shutil.which("psql") or "psql"
    result = subprocess.run([psql, "--dbname", dsn, "-tAc", "SHOW server_version"],
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()
