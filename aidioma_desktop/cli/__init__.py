"""`aidioma`: the entry point. With no command it opens the desktop app; commands make the
core usable and scriptable from a terminal (one module per command group)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from aidioma_protocol.payloads import LEVELS

from .. import __version__, logs
from ..domain.errors import USER_ERRORS, AppError
from ..services.session import Learner, LoginError, SessionService
from ..store.paths import AppPaths
from .common import _ask
from .learning import cmd_practice, cmd_review, cmd_stats, grade_jsonl
from .profiles import cmd_export, cmd_profiles
from .sync import cmd_sync
from .tutor import cmd_tutor


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aidioma",
        description="AIdioma: practise Spanish/English translation, review and keep your streak.",
    )
    parser.add_argument("--version", action="version", version=f"aidioma {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation without a window and print the findings as JSON",
    )
    parser.add_argument(
        "--data-dir",
        help="keep all data in this folder (default: your user data folder; env AIDIOMA_DATA_DIR)",
    )
    parser.add_argument("--profile", help="the profile to use (name or id; env AIDIOMA_PROFILE)")
    sub = parser.add_subparsers(dest="command")

    profiles = sub.add_parser("profiles", help="list profiles, or create one")
    profiles_sub = profiles.add_subparsers(dest="action")
    create = profiles_sub.add_parser("create", help="create a profile")
    create.add_argument("name")
    create.add_argument("--email", default="")
    create.add_argument(
        "--learn", choices=["es", "en"], default="es", help="the language you learn"
    )
    create.add_argument("--level", choices=LEVELS, default="beginner")
    create.add_argument(
        "--password", action="store_true", help="protect the profile with a password (asked)"
    )

    practice = sub.add_parser("practice", help="translate sentences and get feedback")
    practice.add_argument("--level", choices=LEVELS)
    practice.add_argument("--category")
    practice.add_argument("--direction", choices=["es-en", "en-es"])
    practice.add_argument(
        "--count", type=int, default=10, help="sentences in this round (default 10)"
    )

    review = sub.add_parser("review", help="review the cards due today")
    review.add_argument("--limit", type=int, default=50)

    stats = sub.add_parser("stats", help="streak, today's goal and recent days")
    stats.add_argument("--json", action="store_true")

    export = sub.add_parser("export", help="all of a profile's data as JSON")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")

    sync = sub.add_parser("sync", help="sync with your family's server (default: sync now)")
    sync_sub = sync.add_subparsers(dest="action")
    for name, text in (("signup", "create an account on a server"), ("login", "sign in")):
        account = sync_sub.add_parser(name, help=text)
        account.add_argument("--server", required=True, help="e.g. https://sync.example.org")
        account.add_argument("--username", required=True)
        account.add_argument(
            "--insecure", action="store_true", help="allow plain http to another computer"
        )
        account.add_argument(
            "--merge",
            action="store_true",
            help="sign in although this profile syncs with another account: merges the two",
        )
        if name == "signup":
            account.add_argument("--email", default="")
            account.add_argument("--invite", help="the family invite code (asked if left out)")
    sync_sub.add_parser("now", help="push and pull now")
    sync_sub.add_parser("status", help="account, last sync and events waiting to be sent")
    sync_sub.add_parser("logout", help="sign out of the server (unsent events stay here)")
    sync_sub.add_parser(
        "delete-account",
        help="erase your account and its progress from the server (this computer keeps its own)",
    )

    tutor = sub.add_parser(
        "tutor",
        help="talk with the AI tutor on a scenario (turns from standard input, /end to finish)",
    )
    tutor.add_argument("--scenario", required=True, help="a scenario id, or 'free'; 'list' lists")
    tutor.add_argument("--level", choices=LEVELS)
    tutor.add_argument("--provider", choices=("ollama", "openai", "anthropic"))
    tutor.add_argument("--url", help="http://127.0.0.1:11434 for Ollama, a base ending in /v1")
    tutor.add_argument("--model", help="the model's name, e.g. llama3.2")
    tutor.add_argument(
        "--insecure", action="store_true", help="allow plain http to another computer"
    )
    tutor.add_argument(
        "--allow-cloud",
        action="store_true",
        help="agree to send your turns to a service on another computer (asked otherwise)",
    )
    tutor.add_argument(
        "--guided", action="store_true", help="the guided dialogue, even with a model set up"
    )

    grade_cmd = sub.add_parser("grade", help="grade translations in batch")
    grade_cmd.add_argument(
        "--jsonl", required=True, help="input file of JSON lines, or - for standard input"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command != "grade":  # a filter over standard input writes no files
        logs.setup(AppPaths.resolve(args.data_dir).logs)
    try:
        return _dispatch(args)
    except USER_ERRORS as exc:
        print(f"aidioma: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `aidioma export | head`: the reader left, nothing to say
        sys.stderr.close()
        return 0
    except Exception as exc:  # a bug: say so plainly; the details only when asked for
        logs.uncaught(type(exc), exc, exc.__traceback__)
        if os.environ.get("AIDIOMA_DEBUG"):
            raise
        print(
            f"aidioma: something went wrong ({type(exc).__name__}: {exc}). What was saved "
            "before is safe. Run again with AIDIOMA_DEBUG=1 to see the details, and report it "
            f"with the log in {AppPaths.resolve(args.data_dir).logs}.",
            file=sys.stderr,
        )
        return 2


def self_test() -> int:
    """Every check, as one JSON object; 0 only when the essential ones pass."""
    from ..services import self_test as checks

    found = checks.checks()
    try:
        from ..ui import self_test as qt_checks
    except ImportError as exc:  # PySide6 cannot load here: the platform check says why
        missing = str(exc)

        def qt_missing() -> str:
            raise RuntimeError(f"Qt cannot load: {missing}")

        found["qt_platform"] = checks.run_check(True, qt_missing)
    else:
        found["qt_platform"] = checks.run_check(True, qt_checks.qt_platform)
        found["speech"] = checks.run_check(False, qt_checks.speech_voices)
    ok = all(c.ok for c in found.values() if c.essential)
    report = {
        "ok": ok,
        "version": __version__,
        "checks": {name: check.as_dict() for name, check in found.items()},
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0 if ok else 1


def _dispatch(args: argparse.Namespace) -> int:
    if args.self_test:
        return self_test()
    if args.command == "grade":
        return grade_jsonl(args.jsonl, sys.stdout)
    if args.command is None:
        return run_app(AppPaths.resolve(args.data_dir), args.profile)
    service = SessionService(AppPaths.resolve(args.data_dir))
    for problem in service.library.problems:
        print(f"aidioma: {problem}", file=sys.stderr)
    if args.command == "profiles":
        return cmd_profiles(service, args)
    with logged_in(service, args.profile) as learner:
        handler: Callable[[Learner, argparse.Namespace], int] = {
            "practice": cmd_practice,
            "review": cmd_review,
            "stats": cmd_stats,
            "export": cmd_export,
            "sync": cmd_sync,
            "tutor": cmd_tutor,
        }[args.command]
        return handler(learner, args)


def run_app(paths: AppPaths, profile: str | None) -> int:
    """The desktop app (imported here: only the entry point imports the UI)."""
    try:
        from ..ui.app import run
    except ImportError as exc:
        raise AppError(
            f"The desktop app cannot start here ({exc}). The terminal commands still work: "
            "aidioma --help"
        ) from exc
    return run(paths, profile or os.environ.get("AIDIOMA_PROFILE"))


@contextmanager
def logged_in(service: SessionService, wanted: str | None) -> Iterator[Learner]:
    name = wanted or os.environ.get("AIDIOMA_PROFILE")
    profiles = service.profiles()
    if not name:
        if not profiles:
            raise LoginError("There are no profiles yet. Create one: aidioma profiles create NAME")
        if len(profiles) == 1:
            name = profiles[0].id
        elif sys.stdin.isatty():
            for i, p in enumerate(profiles, 1):
                print(f"  {i}. {p.display_name} ({p.level})")
            pick = _ask("Who is learning? ")
            chosen = (
                profiles[int(pick) - 1]
                if pick.isdigit() and 0 < int(pick) <= len(profiles)
                else None
            )
            name = chosen.id if chosen else pick
        else:
            raise LoginError("Several profiles exist; choose one with --profile NAME.")
    summary = service.find(name)
    password = None
    if summary.has_password:
        password = getpass.getpass(f"Password for {summary.display_name}: ")
    learner = service.login(summary.id, password)
    try:
        yield learner
    finally:
        service.logout(learner)
