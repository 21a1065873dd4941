"""What the PostgreSQL benchmarks share: their database, Django set-up and memory figure."""

from __future__ import annotations

import os
import resource


def database_url(default: str) -> str:
    """``DATABASE_URL`` from the environment, else the benchmark's own database."""
    return os.environ.get("DATABASE_URL", default)


def rss_mb() -> float:
    """Peak resident memory of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare_database(url: str, *, keep: bool) -> None:
    """Create the database if missing; unless ``keep``, rebuild its schema from nothing."""
    import psycopg
    from psycopg import sql

    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    admin = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    if not keep:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")


def django_setup(url: str) -> None:
    """Start Django on ``url`` (the benchmark's database, never the application's)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
