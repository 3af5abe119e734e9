"""`aidioma-sync-server`: run the family sync server, or show / rotate the invite code.

    aidioma-sync-server [serve] [--data-dir DIR] [--database-url URL] [--host H] [--port P]
                        [--workers N] [--ssl-keyfile KEY --ssl-certfile CERT]
    aidioma-sync-server invite [--rotate]

Every option can also come from the environment as AIDIOMA_SYNC_<OPTION> (e.g.
AIDIOMA_SYNC_DATABASE_URL); the command line wins.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import make_url

from .config import Settings

_DATABASE_OPTIONS = ("data_dir", "database_url")


def _parser() -> argparse.ArgumentParser:
    # SUPPRESS: an option not given stays unset, so the environment and defaults apply.
    database = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    database.add_argument("--data-dir", type=Path, help="folder for the SQLite database")
    database.add_argument(
        "--database-url",
        help="postgresql+psycopg://... or mysql+pymysql://...?charset=utf8mb4 (default: SQLite)",
    )
    serve = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8765)")
    serve.add_argument("--workers", type=int, help="worker processes (default 1)")
    serve.add_argument("--ssl-keyfile", type=Path, help="TLS private key (PEM)")
    serve.add_argument("--ssl-certfile", type=Path, help="TLS certificate chain (PEM)")
    serve.add_argument("--forwarded-allow-ips", help="proxies trusted for X-Forwarded-For")
    serve.add_argument("--log-level", choices=["critical", "error", "warning", "info", "debug"])
    serve.add_argument("--token-days", type=int, help="days a login token lasts (default 90)")

    parser = argparse.ArgumentParser(
        prog="aidioma-sync-server",
        description="The AIdioma family sync server.",
        parents=[database, serve],
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", parents=[database, serve], help="run the server (the default)")
    invite = commands.add_parser("invite", parents=[database], help="show the family invite code")
    invite.add_argument("--rotate", action="store_true", help="replace it with a new code")
    return parser


def _settings(options: dict[str, Any]) -> Settings:
    overrides = {k: v for k, v in options.items() if k not in ("command", "rotate")}
    return Settings(**overrides)


def _database_label(settings: Settings) -> str:
    return make_url(settings.resolved_database_url()).render_as_string(hide_password=True)


def _invite(settings: Settings, rotate: bool) -> int:
    from .app import ensure_invite_code, open_database, rotate_invite_code

    engine, sessions = open_database(settings)
    try:
        code = rotate_invite_code(sessions) if rotate else ensure_invite_code(sessions)
    finally:
        engine.dispose()
    if rotate:
        print("New family invite code (the old one no longer works for new accounts):")
    print(code)
    return 0


def _serve(settings: Settings) -> int:
    import uvicorn

    from .app import create_app, ensure_invite_code, open_database

    # Migrate once here, before any worker starts.
    engine, sessions = open_database(settings)
    try:
        code = ensure_invite_code(sessions)
    finally:
        engine.dispose()
    scheme = "https" if settings.ssl_certfile else "http"
    print("AIdioma Sync server")
    print(f"  database:           {_database_label(settings)}")
    print(f"  family invite code: {code}")
    print(f"  listening on:       {scheme}://{settings.host}:{settings.port}", flush=True)
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "ssl_keyfile": str(settings.ssl_keyfile) if settings.ssl_keyfile else None,
        "ssl_certfile": str(settings.ssl_certfile) if settings.ssl_certfile else None,
    }
    if settings.workers == 1:
        uvicorn.run(create_app(settings), **options)
    else:
        # Workers are fresh processes: they read the same settings back from the environment.
        os.environ.update(settings.env())
        uvicorn.run(
            "sync_server.app:create_app_from_env",
            factory=True,
            workers=settings.workers,
            **options,
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    options = vars(_parser().parse_args(argv))
    try:
        settings = _settings(options)
    except ValidationError as exc:
        print(f"aidioma-sync-server: bad setting: {exc}", file=sys.stderr)
        return 2
    if options.get("command") == "invite":
        return _invite(settings, bool(options.get("rotate")))
    return _serve(settings)


if __name__ == "__main__":
    raise SystemExit(main())
