"""`aidioma sync`: link, push and pull with the family's sync server, with progress and Ctrl+C."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..domain.errors import AppError
from ..services.session import Learner

if TYPE_CHECKING:  # sync brings httpx, pydantic and keyring: imported only by cmd_sync
    from ..services.sync import SyncProgress, SyncService, SyncStatus
from .common import _secret, plural


def cmd_sync(learner: Learner, args: argparse.Namespace) -> int:
    # Imported here: sync brings httpx, pydantic and keyring, which no other command needs.
    from ..services.sync import AccountSwitch, SyncCancelled, SyncService

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
