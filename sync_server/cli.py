"""`aidioma-sync-server`: run the family sync server, or show / rotate the invite code.

    aidioma-sync-server [serve] [--data-dir DIR] [--database-url URL] [--host H] [--port P]
                        [--workers N] [--ssl-keyfile KEY --ssl-certfile CERT]
    aidioma-sync-server invite [--rotate]
    aidioma-sync-server backup PATH | restore PATH     (SQLite; see backup.py)

Every option can also come from the environment as AIDIOMA_SYNC_<OPTION> (e.g.
AIDIOMA_SYNC_DATABASE_URL); the command line wins.

A problem with the settings or the surroundings (a bad URL, an unreachable database, a data
folder that cannot be written, missing TLS files, a port in use) is one line on stderr and exit
status 2, never a traceback, and never the database password.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import ssl
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from .config import ENV_PREFIX, Settings

PROG = "aidioma-sync-server"


class CliError(Exception):
    """What is wrong, in one line for stderr (exit status 2)."""


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
        prog=PROG,
        description="The AIdioma family sync server.",
        parents=[database, serve],
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", parents=[database, serve], help="run the server (the default)")
    invite = commands.add_parser("invite", parents=[database], help="show the family invite code")
    invite.add_argument("--rotate", action="store_true", help="replace it with a new code")
    backup = commands.add_parser(
        "backup", parents=[database], help="copy the SQLite database to a new file, while serving"
    )
    backup.add_argument("path", type=Path, help="the backup file to write (must not exist)")
    restore = commands.add_parser(
        "restore",
        parents=[database],
        help="replace the SQLite database with a backup (the one it replaces is kept beside it)",
    )
    restore.add_argument("path", type=Path, help="a file written by `backup`")
    return parser


def _settings(options: dict[str, Any]) -> Settings:
    overrides = {k: v for k, v in options.items() if k not in ("command", "rotate", "path")}
    known = {ENV_PREFIX + name.upper() for name in Settings.model_fields}
    for name in sorted(os.environ):
        if name.startswith(ENV_PREFIX) and name not in known:
            # A misspelt setting would otherwise be ignored without a word.
            print(f"{PROG}: ignoring {name}: not a setting (see --help)", file=sys.stderr)
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"])
            source = (
                "--" + name.replace("_", "-") if name in overrides else ENV_PREFIX + name.upper()
            )
            problems.append(f"{source}: {error['msg']}")
        raise CliError(f"bad setting: {'; '.join(problems)}") from exc


def _database_url(settings: Settings) -> URL:
    """The database URL, checked as far as can be without connecting."""
    try:
        url = make_url(settings.resolved_database_url())
    except ArgumentError as exc:
        # Not shown: it may hold a password that make_url could not find to hide.
        raise CliError(
            "the database URL is not a URL like postgresql+psycopg://user:password@host/db"
        ) from exc
    try:
        url.get_dialect()
    except NoSuchModuleError as exc:
        raise CliError(
            f"the database URL {_label(url)}: unknown database {url.drivername!r} "
            "(use sqlite, postgresql+psycopg or mysql+pymysql)"
        ) from exc
    if not settings.database_url:
        _check_data_dir(settings.data_dir)
    return url


def _label(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _check_data_dir(data_dir: Path) -> None:
    if data_dir.exists() and not data_dir.is_dir():
        raise CliError(f"--data-dir {data_dir} is not a folder")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"--data-dir {data_dir} cannot be created: {exc.strerror}") from exc
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise CliError(f"--data-dir {data_dir} is not writable")


@contextmanager
def _database_errors(url: URL) -> Iterator[None]:
    """The database's failures as CliError, naming the database with its password hidden."""
    try:
        yield
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "failed"
        if url.password:
            reason = reason.replace(str(url.password), "***")
        raise CliError(f"cannot use the database {_label(url)}: {reason}") from exc
    except ImportError as exc:
        raise CliError(
            f"cannot use the database {_label(url)}: its driver {exc.name!r} is not installed"
        ) from exc
    except OSError as exc:  # a SQLite URL's folder
        raise CliError(f"cannot use the database {_label(url)}: {exc.strerror or exc}") from exc


def _invite(settings: Settings, rotate: bool) -> int:
    from .app import ensure_invite_code, open_database, rotate_invite_code

    url = _database_url(settings)
    with _database_errors(url):
        engine, sessions = open_database(settings)
        try:
            code = rotate_invite_code(sessions) if rotate else ensure_invite_code(sessions)
        finally:
            engine.dispose()
    if rotate:
        print("New family invite code (the old one no longer works for new accounts):")
    print(code)
    return 0


def _backup(settings: Settings, path: Path) -> int:
    from .backup import BackupError, backup, sqlite_path

    try:
        events = backup(sqlite_path(_database_url(settings)), path.absolute())
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    print(f"Backed up {events:,} events to {path}")
    return 0


def _restore(settings: Settings, path: Path) -> int:
    from .app import open_database
    from .backup import BackupError, restore, sqlite_path

    url = _database_url(settings)
    try:
        events, kept = restore(sqlite_path(url), path.absolute())
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    with _database_errors(url):  # a backup of an older version: bring it to this one's schema
        engine, _sessions = open_database(settings)
        engine.dispose()
    print(f"Restored {events:,} events from {path}")
    if kept:
        print(f"The database it replaced is kept at {kept}")
    return 0


class _EncryptedKey(Exception):
    pass


def _ask_no_passphrase() -> bytes:
    raise _EncryptedKey


def _check_tls(settings: Settings) -> None:
    key, cert = settings.ssl_keyfile, settings.ssl_certfile
    if (key is None) != (cert is None):
        raise CliError("--ssl-keyfile and --ssl-certfile go together: give both, or neither")
    if key is None or cert is None:
        return
    for option, path in (("--ssl-certfile", cert), ("--ssl-keyfile", key)):
        if not path.is_file():
            raise CliError(f"{option} {path}: no such file")
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key, _ask_no_passphrase)
    except _EncryptedKey:
        pass  # uvicorn asks for the passphrase itself
    except (ssl.SSLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc.strerror or str(exc)
        raise CliError(
            f"cannot load the TLS certificate {cert} and key {key} "
            f"(PEM files, the key matching the certificate): {reason}"
        ) from exc


def _check_port(host: str, port: int) -> None:
    """Fail now, before the banner says "listening", when the address cannot be listened on
    (uvicorn would only log it). Another program may still take the port in between."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise CliError(f"--host {host}: unknown address ({exc.strerror})") from exc
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CliError(f"port {port} is in use on {host}") from exc
            raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc


def _serve(settings: Settings) -> int:
    import uvicorn

    from .app import create_app, ensure_invite_code, open_database

    url = _database_url(settings)
    _check_tls(settings)
    _check_port(settings.host, settings.port)
    # Migrate once here, before any worker starts.
    with _database_errors(url):
        engine, sessions = open_database(settings)
        try:
            code = ensure_invite_code(sessions)
        finally:
            engine.dispose()
    scheme = "https" if settings.ssl_certfile else "http"
    print("AIdioma Sync server")
    print(f"  database:           {_label(url)}")
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
        command = options.get("command")
        if command == "invite":
            return _invite(settings, bool(options.get("rotate")))
        if command == "backup":
            return _backup(settings, options["path"])
        if command == "restore":
            return _restore(settings, options["path"])
        return _serve(settings)
    except CliError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
