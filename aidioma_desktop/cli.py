"""`aidioma`: the entry point. With no command it opens the desktop app; commands make the
core usable and scriptable from a terminal."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from . import __version__, logs
from .domain.errors import AppError
from .domain.events import LEVELS
from .domain.grading import Grade, grade
from .domain.review import RATING_NAMES
from .services import words
from .services.export import export_profile
from .services.practice import PracticeError, PracticeResult, PracticeService
from .services.review import ReviewService
from .services.session import Learner, LoginError, SessionService
from .services.stats import StatsService
from .store.paths import AppPaths

if TYPE_CHECKING:  # sync brings httpx, pydantic and keyring: imported only by cmd_sync
    from .services.sync import SyncProgress, SyncService, SyncStatus


class Style:
    """ANSI colours on a terminal that wants them (https://no-color.org)."""

    def __init__(self, stream: TextIO) -> None:
        self.on = stream.isatty() and not os.environ.get("NO_COLOR")

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.on else text

    def bold(self, t: str) -> str:
        return self._wrap("1", t)

    def green(self, t: str) -> str:
        return self._wrap("32", t)

    def yellow(self, t: str) -> str:
        return self._wrap("33", t)

    def red(self, t: str) -> str:
        return self._wrap("31", t)

    def dim(self, t: str) -> str:
        return self._wrap("2", t)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aidioma",
        description="AIdioma: practise Spanish/English translation, review and keep your streak.",
    )
    parser.add_argument("--version", action="version", version=f"aidioma {__version__}")
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
    except AppError as exc:
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


def _dispatch(args: argparse.Namespace) -> int:
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
        from .ui.app import run
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


def _ask(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        return "q"


def cmd_profiles(service: SessionService, args: argparse.Namespace) -> int:
    if args.action == "create":
        password = None
        if args.password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Repeat the password: "):
                raise LoginError("The two passwords differ; the profile was not created.")
        summary = service.create_profile(
            args.name,
            email=args.email,
            target_language=args.learn,
            primary_language="en" if args.learn == "es" else "es",
            level=args.level,
            password=password,
        )
        print(
            f"Created profile '{summary.display_name}' "
            f"({summary.level}, learning {summary.target_language})."
        )
        return 0
    profiles = service.profiles()
    if not profiles:
        print("No profiles yet. Create one: aidioma profiles create NAME")
    for p in profiles:
        lock = " (password)" if p.has_password else ""
        print(f"{p.display_name}\t{p.level}\tlearning {p.target_language}{lock}\t{p.id}")
    return 0


def plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def cmd_practice(learner: Learner, args: argparse.Namespace) -> int:
    out = Style(sys.stdout)
    practice = PracticeService(learner)
    level = args.level or learner.settings()["level"]
    titles = learner.library.categories
    print(out.dim("Type your translation and press Enter.  ? = hint   s = skip   q = stop"))
    done = skipped = hints_total = 0
    scores: list[int] = []
    # An unsure result the person may still accept: `r` at the next prompt ("I was right").
    unsure: PracticeResult | None = None
    while done < max(1, args.count):
        item = practice.next_item(level, args.category, args.direction)
        if item is None:
            print("No sentences match those filters.")
            break
        target = "English" if item.direction.endswith("en") else "Spanish"
        category = (
            titles[item.sentence.category].title_en
            if item.sentence.category in titles
            else item.sentence.category
        )
        print("\n" + out.dim(f"{done + 1}/{args.count} · {category} · {item.sentence.level}"))
        print(f"Translate into {target}:  {out.bold(item.prompt)}")
        hints_used = 0
        started = time.monotonic()
        while True:
            answer = _ask("> ")
            command = answer.strip().lower()
            if command == "r" and unsure is not None:
                scores[-1] = _i_was_right(practice, unsure, out)
                unsure = None
                continue
            unsure = None
            if command == "q":
                _round_summary(scores, skipped, hints_total, out)
                return 0
            if command == "s":
                skipped += 1
                print(out.dim(f"Skipped. One answer: {item.references[0]}"))
                break
            if command == "?":
                if hints_used < len(item.hints):
                    hints_used += 1
                    print(
                        out.yellow(
                            f"Hint {hints_used}/{len(item.hints)}: {item.hints[hints_used - 1]}"
                        )
                    )
                else:
                    print(out.dim("No more hints."))
                continue
            try:
                result = practice.submit(
                    item, answer, hints_used, int((time.monotonic() - started) * 1000)
                )
            except PracticeError as exc:
                print(out.yellow(str(exc)))
                continue
            _show_result(result.grade, out)
            note = (
                f" (with {plural(hints_used, 'hint', 'hints')}, so it counts as Hard)"
                if hints_used and result.grade.verdict == "correct"
                else ""
            )
            print(out.dim(f"Comes back {result.next_due}{note}."))
            if result.unsure:
                print(out.dim("If you were right, type r at the next prompt."))
                unsure = result
            scores.append(result.grade.score)
            hints_total += hints_used
            done += 1
            break
    if unsure is not None and _ask("r = I was right, Enter = finish > ").strip().lower() == "r":
        scores[-1] = _i_was_right(practice, unsure, out)
    _round_summary(scores, skipped, hints_total, out)
    return 0


def _i_was_right(practice: PracticeService, result: PracticeResult, out: Style) -> int:
    """Record that an unsure answer was right; its score as it now counts."""
    counted = practice.accept_answer(result)
    print(out.green("Counted as correct. This answer is accepted from now on."))
    return counted.score


def _show_result(g: Grade, out: Style) -> None:
    label = {
        "correct": out.green("✓ Correct"),
        "almost": out.yellow("≈ Almost"),
        "wrong": out.red("✗ Not quite"),
    }
    if g.unsure:  # a rewording the grader cannot judge: not "wrong" in so many words
        unsure = "? Not one of the answers I know; it may still be right."
        print(f"{out.yellow(unsure)} · {g.score}/100")
    else:
        print(f"{label[g.verdict]} · {g.score}/100" + (f"  {g.feedback}" if g.feedback else ""))
    if g.verdict != "correct" or any(m.status != "ok" for m in g.marks):
        paint: dict[str, Callable[[str], str]] = {
            "ok": str,
            "minor": out.yellow,
            "wrong": out.red,
            "extra": out.red,
        }
        marked = " ".join(
            paint[m.status](f"[{m.text}]" if m.status != "ok" and not out.on else m.text)
            for m in g.marks
        )
        print(f"  You wrote:  {marked}")
        if g.missing:
            print(f"  Missing:    {', '.join(g.missing)}")
    print(f"  Accepted:   {out.green(g.reference)}")


def _round_summary(scores: list[int], skipped: int, hints: int, out: Style) -> None:
    if not scores and not skipped:
        return
    parts = [plural(len(scores), "sentence", "sentences")]
    if scores:
        parts.append(f"average score {sum(scores) / len(scores):.0f}")
    if hints:
        parts.append(plural(hints, "hint", "hints"))
    if skipped:
        parts.append(f"{skipped} skipped")
    print(out.bold("\nRound done: " + ", ".join(parts) + "."))


def cmd_review(learner: Learner, args: argparse.Namespace) -> int:
    out = Style(sys.stdout)
    reviews = ReviewService(learner)
    queue = reviews.queue(args.limit)
    if not queue.cards:
        print("Nothing to review right now. Well done!")
        return 0
    print(
        f"{queue.due} due, {queue.new} new: "
        f"{plural(len(queue.cards), 'card', 'cards')} in this round."
    )
    print(
        out.dim(
            "Enter = show the answer, then rate 1 Again · 2 Hard · 3 Good · 4 Easy   (q = stop)"
        )
    )
    rated = 0
    for i, card in enumerate(queue.cards, 1):
        print(f"\n{out.dim(f'{i}/{len(queue.cards)}')}  {out.bold(card.front)}")
        started = time.monotonic()
        if _ask("  (Enter to show) ").strip().lower() == "q":
            break
        print(f"  {out.green(card.back)}")
        previews = reviews.previews(card)
        print("  " + "   ".join(f"{r} {RATING_NAMES[r]} ({previews[r]})" for r in RATING_NAMES))
        pick = ""
        while pick not in ("1", "2", "3", "4", "q"):
            pick = _ask("  Rate: ").strip().lower()
            if pick not in ("1", "2", "3", "4", "q"):
                print(out.dim("  Type 1, 2, 3 or 4."))
        if pick == "q":
            break
        reviews.rate(card, int(pick), int((time.monotonic() - started) * 1000))
        print(out.dim(f"  Comes back in {previews[int(pick)]}."))
        rated += 1
    else:
        print(out.bold("\nAll reviews done for now."))
        return 0
    print(
        out.bold(f"\nStopped: {plural(rated, 'card', 'cards')} reviewed. The rest waits for you.")
    )
    return 0


def _print_stats(learner: Learner, out: Style) -> None:
    d = StatsService(learner).dashboard()
    flame = "🔥" if d.streak.today_done else "·"
    print(
        f"\n{out.bold(learner.settings()['display_name'])}  "
        f"{flame} streak {plural(d.streak.current, 'day', 'days')} (best {d.streak.longest})"
        f"  ·  today {d.done_today}/{d.goal} sentences and cards{' ✓' if d.goal_met else ''}"
        f"  ·  {plural(d.reviews_due, 'review', 'reviews')} due"
    )


def cmd_stats(learner: Learner, args: argparse.Namespace) -> int:
    d = StatsService(learner).dashboard()
    if args.json:
        print(
            json.dumps(
                {
                    "today": d.today.isoformat(),
                    "streak": d.streak.current,
                    "longest_streak": d.streak.longest,
                    "today_done": d.streak.today_done,
                    "goal": d.goal,
                    "done_today": d.done_today,
                    "minutes_today": round(d.minutes_today, 1),
                    "reviews_due": d.reviews_due,
                    "last_30_days": [
                        {
                            "day": s.day.isoformat(),
                            "items": s.items,
                            "minutes": round(s.minutes, 1),
                            "average_score": s.average_score,
                        }
                        for s in d.last_30
                    ],
                }
            )
        )
        return 0
    out = Style(sys.stdout)
    _print_stats(learner, out)
    print("\nLast 14 days (items):")
    for s in d.last_30[-14:]:
        bar = "█" * min(s.items, 40)
        print(f"  {s.day:%a %d %b}  {bar} {s.items or ''}")
    return 0


def cmd_export(learner: Learner, args: argparse.Namespace) -> int:
    if args.output:
        tmp = f"{args.output}.part"
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                count = export_profile(learner, handle)
            os.replace(tmp, args.output)
        except OSError as exc:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise AppError(f"Could not write {args.output}: {exc.strerror or exc}") from exc
        print(f"Exported {count} events to {args.output}.", file=sys.stderr)
    else:
        export_profile(learner, sys.stdout)
    return 0


def _secret(prompt: str) -> str:
    """A password or code: asked on a terminal, else read as one line of standard input."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")


def cmd_sync(learner: Learner, args: argparse.Namespace) -> int:
    # Imported here: sync brings httpx, pydantic and keyring, which no other command needs.
    from .services.sync import AccountSwitch, SyncCancelled, SyncService

    sync = SyncService(learner)
    action = args.action or "now"
    if action in ("signup", "login"):
        signup = action == "signup"
        try:
            # Asked before the password where it can be: no point typing it for a sign-in that
            # cannot happen. (The same username at another address asks the server, after.)
            sync.check_switch(args.server, args.username, args.merge, new_account=signup)
            password = _secret(f"Password for {args.username} on {args.server}: ")
            if signup:
                invite = args.invite or _secret("Family invite code: ")
                status = sync.register(
                    args.server, args.username, password, invite, args.email, args.insecure,
                    merge=args.merge,
                )  # fmt: skip
            else:
                status = sync.sign_in(
                    args.server, args.username, password, args.insecure, merge=args.merge
                )
        except AccountSwitch as exc:
            raise AppError(f"{exc} To merge them, run this again with --merge.") from exc
        print(f"Signed in as {status.username} on {status.server}.")
        if not status.keyring_ok:
            print(
                "This system has no keyring, so the sign-in lasts for this run only; the token "
                "was not saved anywhere.",
                file=sys.stderr,
            )
        action = "now"
    if action == "delete-account":
        st = sync.status()
        if not st.server:
            raise AppError("This profile is not linked to a sync server.")
        print(
            f"This erases the account {st.username} and all its progress from {st.server}, for "
            "good; your other computers will no longer sync with it. This computer keeps its "
            "own copy.",
            file=sys.stderr,
        )
        typed = _secret(f"Type {st.username} to confirm: ").strip()
        if typed.casefold() != st.username.casefold():
            raise AppError("Not confirmed: nothing was deleted.")
        _sign_in_again(sync, st)
        try:
            sync.delete_account()
        finally:
            if not sync.tokens.persistent:
                sync.sign_out()  # not deleted (offline?): the one-run token is revoked
        print(f"Deleted the account {st.username} on {st.server}. This profile keeps its data.")
        return 0
    if action == "logout":
        sync.sign_out()
        print(f"Signed out. {plural(sync.status().pending, 'event waits', 'events wait')} here.")
        return 0
    if action == "status":
        st = sync.status()
        if not st.server:
            print("Not linked to a sync server. Sign in: aidioma sync login --server URL ...")
        else:
            state = "signed in" if st.signed_in else "signed out"
            if not st.keyring_ok:
                state = "no keyring here: each sync asks for the password"
            print(f"{st.username} on {st.server} ({state})")
        when = (
            time.strftime("%Y-%m-%d %H:%M", time.localtime(st.last_sync_ms / 1000))
            if st.last_sync_ms
            else "never"
        )
        print(f"Last sync: {when}. Waiting to be sent: {st.pending:,}.")
        for event_id, reason in st.refused:
            print(f"Refused by the server, kept here: {event_id}: {reason}")
        return 0
    _sign_in_again(sync, sync.status())
    line = _ProgressLine() if sys.stderr.isatty() else None  # not into a pipe or a file
    stopped = ""
    try:
        with _ctrl_c_stops(line) as stop_asked:
            report = sync.sync_now(stop_asked, line.show if line else None)
    except SyncCancelled as exc:
        stopped = str(exc)
    finally:
        if line:
            line.clear()
        if not sync.tokens.persistent:
            sync.sign_out()  # the token dies with this run: revoked, not left live on the server
        sync.close()
    if stopped:
        print(stopped)
        return 130
    print(
        f"Synced: sent {plural(report.pushed, 'event', 'events')}, received "
        f"{plural(report.pulled, 'event', 'events')}."
    )
    return 0


@contextmanager
def _ctrl_c_stops(line: _ProgressLine | None) -> Iterator[Callable[[], bool]]:
    """Ctrl+C during a sync asks it to stop after the exchange with the server under way: an
    interrupt in the middle of storing a page would leave the profile's database locked until
    the process ends (a logout waiting on it, then failing). A second Ctrl+C quits at once: the
    database keeps every page stored whole, whenever the process ends."""
    asked = threading.Event()

    def on_ctrl_c(_signal: int, _frame: object) -> None:
        # Straight to the terminal: a handler must not re-enter a buffered stream it may have
        # interrupted.
        blank = line.erase() if line else ""
        if asked.is_set():
            os.write(sys.stderr.fileno(), f"{blank}Quit. What was stored is kept.\n".encode())
            os._exit(130)
        asked.set()
        stopping = "Stopping after the current exchange with the server (Ctrl+C again: at once)…"
        os.write(sys.stderr.fileno(), f"{blank}{stopping}\n".encode())

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield asked.is_set
    finally:
        signal.signal(signal.SIGINT, previous)


class _ProgressLine:
    """How far a long sync has come, on one line of the terminal, written over each time
    (with spaces, not escape codes: every terminal understands them)."""

    def __init__(self) -> None:
        self.width = 0

    def show(self, p: SyncProgress) -> None:
        parts = [f"sent {p.sent:,} of {p.to_send:,}"] if p.sending else []
        if p.received:
            parts.append(f"received {p.received:,}")
        self._write("Syncing… " + ", ".join(parts))

    def erase(self) -> str:
        """What blanks the line and puts the cursor back at its start; it is empty after."""
        blank, self.width = "\r" + " " * self.width + "\r", 0
        return blank

    def clear(self) -> None:
        if self.width:
            print(self.erase(), end="", file=sys.stderr, flush=True)

    def _write(self, text: str) -> None:
        print("\r" + text.ljust(self.width), end="", file=sys.stderr, flush=True)
        self.width = len(text)


def _sign_in_again(sync: SyncService, st: SyncStatus) -> None:
    """Where no keyring kept the token, ask for the password again."""
    if st.server and not st.signed_in:
        password = _secret(f"Password for {st.username} on {st.server}: ")
        sync.sign_in(st.server, st.username, password, st.insecure)


def grade_jsonl(source: str, out: TextIO) -> int:
    """Grade lines {"id","direction","source","references","answer"}; one result line each."""
    try:
        handle = sys.stdin if source == "-" else open(source, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise AppError(f"Could not read {source}: {exc.strerror or exc}") from exc
    failures = 0
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                result = _grade_line(line, number)
                failures += "error" in result
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
        except UnicodeDecodeError as exc:
            raise AppError(f"{source} is not UTF-8 text.") from exc
    return 1 if failures else 0


def cmd_tutor(learner: Learner, args: argparse.Namespace) -> int:
    """A conversation in the terminal: the learner's turns from standard input, one per line,
    until end of input or /end; each reply and its feedback printed; then the summary."""
    from .services import ai_settings
    from .services.tutor import TutorService

    out = Style(sys.stdout)
    settings = ai_settings.load(learner)
    if args.provider or args.url or args.model:  # this run only: Settings stay as they are
        kind = args.provider or settings.kind or "ollama"
        settings = ai_settings.AiSettings(
            kind=kind,
            url=args.url or (settings.url if kind == settings.kind else ""),
            model=args.model or (settings.model if kind == settings.kind else ""),
            allow_insecure=args.insecure or settings.allow_insecure,
        )
        if not settings.model:
            raise AppError("Name the model with --model (for Ollama: `ollama list` shows yours).")
    provider = None if args.guided else ai_settings.provider(settings)
    tutor = TutorService(learner, provider)
    if args.scenario == "list":
        for sc in tutor.scenarios():
            print(f"{sc.id:26} {sc.name[tutor.speaks]}")
        return 0
    if provider is not None and ai_settings.needs_consent(learner, provider):
        question = ai_settings.consent_question(provider)
        if not args.allow_cloud:
            if not sys.stdin.isatty():
                raise AppError(f"{question} Run again with --allow-cloud to agree.")
            if _ask(f"{question} [y/N] ").strip().lower() not in ("y", "yes", "s", "si", "sí"):
                return 1
        ai_settings.give_consent(learner, provider)
    conversation = tutor.start(args.scenario, args.level)
    if provider is None:
        print(out.dim("No AI model is set up: a guided dialogue. (docs/tutor.md: connect Ollama.)"))
    print(out.bold(conversation.opening()))
    if conversation.guided:
        print(out.dim("→ " + conversation.task()))
    try:
        for line in sys.stdin:
            text = line.strip()
            if not text:
                continue
            if text.lower() in ("/end", "/quit", "/fin"):
                break
            if text.lower() in ("/hint", "/pista"):
                print(out.dim(conversation.hint()))
                continue
            if conversation.guided:
                if not _guided_turn(conversation, text, out):
                    break
                continue
            result = conversation.send(text, on_text=lambda t: print(t, end="", flush=True))
            print()
            _print_feedback(result.reply, out)
            if result.budget_reached:
                print(out.yellow("This month's AI budget is reached: the conversation ends."))
                break
    finally:
        summary = conversation.end()
    _print_summary(summary, out)
    return 0


def _guided_turn(conversation: Any, text: str, out: Style) -> bool:
    """One answer of the guided dialogue; False once the script is done."""
    result = conversation.answer(text)
    _show_result(result.grade, out)
    if not result.moved_on:
        print(out.dim("→ " + conversation.task() + "  (/hint for a start)"))
        return True
    if result.next_line is None:
        return False
    print(out.bold(result.next_line))
    print(out.dim("→ " + conversation.task()))
    return True


def _print_feedback(reply: Any, out: Style) -> None:
    for c in reply.corrections:
        print(out.yellow(f"  ✎ {c.wrong} → {c.right}") + out.dim(f"  ({c.kind}) {c.reason}"))
    for w in reply.new_words:
        print(out.dim(f"  + {w.word}: {w.translation}"))
    if reply.goals_met:
        print(out.green("  ✓ goals: " + ", ".join(str(g + 1) for g in reply.goals_met)))


def _print_summary(summary: Any, out: Style) -> None:
    print(out.bold(f"Conversation over: {summary.turns} turns."))
    if summary.text:
        print(summary.text)
    for n, goal in enumerate(summary.goals):
        mark = out.green("✓") if n in summary.goals_met else "·"
        print(f"  {mark} {goal}")
    for wrong, right, why in summary.corrections[:5]:
        print(out.yellow(f"  ✎ {wrong}" + (f" → {right}" if right else "")) + out.dim(f" {why}"))
    if summary.rubric is not None:
        r = summary.rubric
        print(
            out.dim(
                f"  accuracy {r.accuracy}/5 · vocabulary {r.vocabulary}/5 · "
                f"fluency {r.fluency}/5 · task {r.task}/5"
            )
        )
    if summary.tokens:
        print(out.dim(f"  {summary.tokens:,} tokens · ${summary.cost_usd:.4f}"))


def _grade_line(line: str, number: int) -> dict[str, object]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"line {number}: not JSON ({exc.msg})"}
    if not isinstance(item, dict):
        return {"id": None, "error": f"line {number}: expected an object"}
    item_id = item.get("id")
    direction, refs, answer = item.get("direction"), item.get("references"), item.get("answer")
    if direction not in ("es-en", "en-es"):
        return {"id": item_id, "error": f"line {number}: direction must be es-en or en-es"}
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        return {
            "id": item_id,
            "error": f"line {number}: references must be a non-empty list of texts",
        }
    if not isinstance(answer, str):
        return {"id": item_id, "error": f"line {number}: answer must be text"}
    source = item.get("source")
    g = grade(
        answer,
        refs,
        direction.split("-")[1],
        source=source if isinstance(source, str) else None,
        zipf=words.zipf,
    )
    result: dict[str, object] = {
        "id": item_id,
        "verdict": g.verdict,
        "score": g.score,
        "errors": [e.to_dict() for e in g.errors],
    }
    if g.unsure:
        result["unsure"] = True  # "wrong" until the person or the tutor says otherwise
    return result


if __name__ == "__main__":
    sys.exit(main())
