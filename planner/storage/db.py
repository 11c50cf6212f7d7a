"""Connecting to the database and bringing its schema up to date."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from planner.errors import PlannerError

DEFAULT_DB_PATH = Path("data") / "planner.db"
MIGRATIONS = Path(__file__).parent / "migrations"


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL from a `--db` value: a URL, a file path, or None for the default.

    The default is `PLANNER_DB_URL`, else an SQLite file under `data/`.
    """
    if db is None:
        db = os.environ.get("PLANNER_DB_URL") or DEFAULT_DB_PATH
    text = os.fspath(db).strip()
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    try:
        url = make_url(text)
    except ArgumentError:
        raise PlannerError("error.bad_db", db=text) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def make_engine(db: str | os.PathLike[str] | None = None) -> Engine:
    """An engine for the given database; SQLite files get their folder created."""
    url = make_url(resolve_url(db))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to `revision` (default: the newest)."""
    command.upgrade(alembic_config(engine), revision)


def open_database(db: str | os.PathLike[str] | None = None) -> Engine:
    """An engine whose schema is migrated to the newest revision."""
    engine = make_engine(db)
    migrate(engine)
    return engine


def copy_sqlite(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> Path:
    """Copy an SQLite database file with SQLite's backup API (a plain file copy would miss
    what is still in its write-ahead log); returns the target."""
    import sqlite3

    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return Path(target)
