"""Sync a profile with the family's server: account, outbox, cursor, status.

The profile keeps which server and account it is linked to, and the cursor, in its own
database (meta); the token only in the OS keyring (store/secrets.py). A sync round trip pushes up
to a page of unsent events and pulls a page of other devices' events; pulled events, the
acknowledged outbox rows and the new cursor are stored in one transaction, so a crash or a lost
answer at any point loses nothing and duplicates nothing (the server is idempotent by event id).

Runs on its own worker thread (network), beside the app's data worker: SQLite's WAL and busy
timeout let both write; the learner's clock is guarded by a lock.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, TypeVar

from aidioma_protocol.events import StoredEvent
from aidioma_protocol.gc_pause import gc_paused
from aidioma_protocol.limits import MAX_BODY_BYTES, MAX_PUSH_EVENTS

from ..store.database import ProfileDatabase
from ..store.rows import OutboxBatch
from ..store.secrets import SecretStore
from ..sync.backoff import Backoff
from ..sync.client import (
    AuthError,
    Grant,
    JsonBytes,
    Offline,
    ServerRefused,
    SyncClient,
    SyncError,
    check_server_url,
    encode_events,
)
from .session import Learner

KEYRING_SERVICE = "AIdioma sync"
CURSOR = "sync_cursor"
SERVER = "sync_server"
USERNAME = "sync_username"
INSECURE = "sync_insecure"
LAST_SYNC = "sync_last_ms"
LAST_SYNC_EVERY_MS = 60_000
HISTORY = "sync_history"
# A push stays well inside the server's body limit, however large the events are.
BATCH_BYTES = MAX_BODY_BYTES // 2
_ENVELOPE_BYTES = 300  # id, kind, clock, device, time... around each payload


T = TypeVar("T")


class SyncCancelled(SyncError):
    pass


class AccountSwitch(SyncError):
    """Signing in to another account than the one this profile syncs with: the two histories
    would merge for good, so it needs the person's say-so (`merge=True`)."""

    def __init__(self, message: str, new_address: bool) -> None:
        super().__init__(message)
        # The same username at another address: maybe the same account, its server renamed or
        # moved behind a proxy (sign_in asks the server).
        self.new_address = new_address


@dataclass(frozen=True)
class SyncStatus:
    server: str
    username: str
    signed_in: bool
    pending: int  # local events the server has not acknowledged yet
    last_sync_ms: int | None
    keyring_ok: bool  # False: the token is kept for this run only
    insecure: bool  # plain http to another computer was allowed
    refused: list[tuple[str, str]]  # (event id, reason): events the server would not take


@dataclass(frozen=True)
class SyncProgress:
    """How far a sync of several round trips has come: a new laptop's first sync of a long
    history, or a laptop back after months offline."""

    sent: int
    to_send: int  # all this sync sends: what was sent plus what still waits
    received: int

    @property
    def sending(self) -> bool:
        """Whether the sending is worth a word: under way, or all there is to tell."""
        return bool(self.to_send) and (self.sent < self.to_send or not self.received)


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    pulled: int
    replayed_cards: int  # cards recomputed because a pulled event sorted before local ones
    refused: int = 0  # local events the server refused: set aside, listed in the status
    unreadable: int = 0  # pulled events this version cannot read (left on the server)


class SyncService:
    def __init__(self, learner: Learner, tokens: SecretStore | None = None) -> None:
        self.learner = learner
        self.db = learner.db
        self._tokens = tokens
        self.backoff = Backoff()
        self._client: SyncClient | None = None
        self._last_sync_written = 0
        self._last_sync_ms = 0  # also a sync that changed nothing (not always written)
        self._account: tuple[str, str] | None = None  # (server, username), read once
        self._cursor: int | None = None
        self._history: str | None = None  # names the server's copy of the account
        self._lock = threading.Lock()  # one sync at a time, whoever asks

    @property
    def tokens(self) -> SecretStore:
        """Made on first use, on the sync worker: probing the OS keyring can take a while."""
        if self._tokens is None:
            self._tokens = SecretStore(KEYRING_SERVICE)
        return self._tokens

    # ---- account ----------------------------------------------------------------------

    def status(self) -> SyncStatus:
        server, username = self._linked()
        last = max(int(self.db.meta(LAST_SYNC) or 0), self._last_sync_ms)
        return SyncStatus(
            server=server,
            username=username,
            signed_in=bool(server and username and self.tokens.get(account_key(server, username))),
            pending=self.db.outbox_count(),
            last_sync_ms=last or None,
            # Probing the keyring is slow: only a linked profile needs to know.
            keyring_ok=self.tokens.persistent if server else True,
            insecure=self._insecure(),
            refused=self.db.refused(),
        )

    def register(
        self,
        server_url: str,
        username: str,
        password: str,
        invite_code: str,
        email: str = "",
        insecure: bool = False,
        merge: bool = False,
    ) -> SyncStatus:
        url = check_server_url(server_url, insecure)
        self.check_switch(url, username, merge, new_account=True)
        with self._lock, SyncClient(url, insecure) as client:
            grant = client.register(username.strip(), email.strip(), password, invite_code.strip())
            return self._link(client, grant, insecure)

    def sign_in(
        self,
        server_url: str,
        username: str,
        password: str,
        insecure: bool = False,
        merge: bool = False,
    ) -> SyncStatus:
        url = check_server_url(server_url, insecure)
        switch = self.check_switch(url, username, merge)  # left: the same name elsewhere
        with self._lock, SyncClient(url, insecure) as client:
            grant = client.login(username.strip(), password)
            moved = switch is not None and self._holds_our_history(client, grant.token)
            if switch and not merge and not moved:
                _logout_quietly(client, grant.token)
                raise switch
            return self._link(client, grant, insecure, moved)

    def check_switch(
        self, server_url: str, username: str, merge: bool = False, new_account: bool = False
    ) -> AccountSwitch | None:
        """Refuse (AccountSwitch) to sign a profile that has synced with one account in to
        another unless `merge`: this profile's history would go to that account and the
        account's come here, and neither can be taken apart again. The same username at
        another address is returned, not raised: only the server can tell whether it is the
        same account (sign_in asks it). A `new_account` there is another one, and asks."""
        switch = self._switch(check_server_url(server_url, insecure=True), username)
        if switch and not merge and (new_account or not switch.new_address):
            raise switch
        return switch if switch and switch.new_address else None

    def _switch(self, server: str, username: str) -> AccountSwitch | None:
        """The refusal that signing in to `username` on `server` meets, judged by the names."""
        old_server, old_username = self._linked()
        username = username.strip()
        same_name = old_username.casefold() == username.casefold()
        if not old_username or (old_server == server and same_name):
            return None
        if not (self.db.meta(HISTORY) or self.db.meta(CURSOR)):
            return None  # linked but never synced: nothing of that account is here
        where = "" if server == old_server else f" on {server}"
        return AccountSwitch(
            f"This profile syncs with the account {old_username} on {old_server}. Signing in "
            f"as {username}{where} would merge the two for good: this profile's progress would "
            "go to that account, and that account's progress would come here. Do it only if "
            "both accounts are yours (as when you move to a new server).",
            new_address=same_name,
        )

    def _holds_our_history(self, client: SyncClient, token: str) -> bool:
        """Whether the account behind `token` holds the history this profile synced, under
        another address: the same server renamed, or reached through a proxy. A server from
        before Account.history does not say: it counts as another account."""
        ours = self.db.meta(HISTORY)
        try:
            theirs = client.account(token).get("history")
        except SyncError:
            _logout_quietly(client, token)
            raise
        return bool(ours) and theirs == ours

    def sign_out(self) -> None:
        """Forget the token (and revoke it when the server is reachable); unsent events stay."""
        with self._lock:
            server, username = self._linked()
            if not server or not username:
                return
            key = account_key(server, username)
            token = self.tokens.get(key)
            self.tokens.delete(key)
            self._drop_client()
        if token:
            self._revoke(server, token)

    def _revoke(self, server: str, token: str) -> None:
        with suppress(SyncError), SyncClient(server, self._insecure()) as client:
            _logout_quietly(client, token)

    def delete_account(self) -> SyncStatus:
        """Erase the account and everything of it from the server (the person's other devices
        can no longer sync with it); this profile keeps all its data and is unlinked, so that
        any account it is linked to next gets its whole history."""
        with self._lock:
            server, username, token = self._signed_in()
            with SyncClient(server, self._insecure()) as client:
                client.delete_account(token)
            self.tokens.delete(account_key(server, username))
            self._drop_client()
            self.db.requeue_all((CURSOR, HISTORY, SERVER, USERNAME, INSECURE, LAST_SYNC))
            self._account, self._cursor, self._history = None, None, None
            self._last_sync_ms = self._last_sync_written = 0
        return self.status()

    def _link(
        self, client: SyncClient, grant: Grant, insecure: bool, moved: bool = False
    ) -> SyncStatus:
        """Link this profile to the account `client` just signed in to; `moved`: the one it
        synced with, at a new address (its history is all there already: nothing is sent
        again)."""
        server, username, token = client.server_url, grant.username, grant.token
        old_server, old_username = self._linked()
        old_key = account_key(old_server, old_username)
        if old_server and old_username and old_key != account_key(server, username):
            stale = self.tokens.get(old_key)  # e.g. the same account spelt otherwise
            self.tokens.delete(old_key)
            if stale and moved:  # the same server, here: the old address may be gone
                _logout_quietly(client, stale)
            elif stale:
                self._revoke(old_server, stale)
        if not moved and (old_server != server or old_username.casefold() != username.casefold()):
            # Another account (or the first): it must get this profile's whole history.
            self.db.requeue_all((CURSOR, HISTORY))
            self._cursor = self._history = None
        self.db.set_meta(SERVER, server)
        self.db.set_meta(USERNAME, username)
        self.db.set_meta(INSECURE, "1" if insecure else "")
        self._account = (server, username)
        self.tokens.set(account_key(server, username), token)
        self._drop_client()
        return self.status()

    def _signed_in(self) -> tuple[str, str, str]:
        """(server, username, token) of the linked account; AuthError when not signed in."""
        server, username = self._linked()
        token = self.tokens.get(account_key(server, username)) if server and username else None
        if not server or not username or not token:
            raise AuthError("Sign in to a sync server first (Settings → Sync).")
        return server, username, token

    def _linked(self) -> tuple[str, str]:
        if self._account is None:
            self._account = (self.db.meta(SERVER) or "", self.db.meta(USERNAME) or "")
        return self._account

    def _insecure(self) -> bool:
        return bool(self.db.meta(INSECURE))

    # ---- syncing ----------------------------------------------------------------------

    def sync_now(
        self,
        cancelled: Callable[[], bool] = lambda: False,
        progress: Callable[[SyncProgress], None] | None = None,
    ) -> SyncReport:
        """Push every unsent event and pull every new one, a page per round trip. `progress`
        hears after each round trip that more follow (a sync of one round trip says nothing);
        `cancelled` is asked before each, and a sync stopped keeps what it stored."""
        with self._lock:
            server, username, token = self._signed_in()
            client = self._client_for(server)
            if self._cursor is None:
                self._cursor = int(self.db.meta(CURSOR) or 0)
            cursor = self._cursor
            if self._history is None:
                self._history = self.db.meta(HISTORY) or ""
            history = self._history
            pushed = pulled = replayed = refused = unreadable = 0
            to_send: int | None = None  # counted once a second round trip is needed
            ahead = _ReadAhead(self.db)
            try:
                while True:
                    if cancelled():
                        raise SyncCancelled(
                            "Sync stopped. What was sent and received so far is kept; the next "
                            "sync goes on from there."
                        )
                    in_flight = ahead.take_round()
                    try:
                        with gc_paused():
                            if in_flight is None:
                                batch, more_to_send, events_json = ahead.next_batch()
                                answer = client.send_sync(
                                    token, self.learner.device_id, cursor, batch, events_json
                                )
                            else:
                                batch, more_to_send = in_flight.batch, in_flight.more_to_send
                                answer = in_flight.answer.result()
                            page = client.read_page(answer)
                    except ServerRefused as exc:
                        bad = _refused_index(exc, len(batch))
                        if bad is None:
                            raise
                        # Set the one event aside (kept, listed) so the rest can go.
                        self.db.refuse(batch[bad].id, str(exc))
                        refused += 1
                        ahead.drop()
                        continue
                    if page.cursor < cursor or (history and page.history != history):
                        # The server lost (part of) this account's history: a restored backup
                        # or an account made anew. Send everything again, pull from the start.
                        ahead.drop()
                        self.db.requeue_all((CURSOR, HISTORY))
                        self.db.set_meta(HISTORY, page.history)
                        history = self._history = page.history
                        cursor = self._cursor = 0
                        continue
                    held = set(page.accepted)
                    sent = [e.id for e in batch if e.id in held]
                    if len(sent) == len(batch) and (more_to_send or page.more):
                        # Send the next round trip while this page is stored: the server and
                        # the network work meanwhile. The server keeps nothing of a round but
                        # what it stores (idempotently): the answer is dropped, and the round
                        # made again, if storing this page fails.
                        ahead.send_next(
                            client, token, self.learner.device_id, page.cursor, more_to_send
                        )
                    now = self.learner.clock.now_ms()
                    changed = page.events or sent or page.cursor != cursor
                    if changed or not history or self._stale(now):
                        meta = {CURSOR: str(page.cursor), LAST_SYNC: str(now)}
                        meta[HISTORY] = history = self._history = page.history
                        with gc_paused():
                            result = self.db.apply_pulled(page.events, sent, meta)
                        self._last_sync_written = now
                        self.learner.observe(page.events)
                        pulled += len(result.new)
                        replayed += result.replayed_cards
                    cursor = self._cursor = page.cursor
                    self._last_sync_ms = now
                    pushed += len(sent)
                    unreadable += page.unreadable
                    if len(sent) < len(batch):
                        raise SyncError(
                            f"The server kept {len(sent)} of {len(batch)} events; the rest stay "
                            "here and will be sent again."
                        )
                    if not page.more and not more_to_send:
                        break
                    if progress is not None:
                        if to_send is None:
                            to_send = pushed + self.db.outbox_count()
                        to_send = max(to_send, pushed)  # recorded during the sync: sent too
                        progress(SyncProgress(pushed, to_send, pulled))
            except AuthError:
                self.tokens.delete(account_key(server, username))
                raise
            except Offline:
                self._drop_client()
                raise
            finally:
                ahead.close()
            return SyncReport(pushed, pulled, replayed, refused, unreadable)

    def _stale(self, now_ms: int) -> bool:
        """A sync that changed nothing records its time only now and then: it is not news."""
        return now_ms - self._last_sync_written > LAST_SYNC_EVERY_MS

    def _client_for(self, server: str) -> SyncClient:
        if self._client is None or self._client.server_url != server:
            self._drop_client()
            self._client = SyncClient(server, self._insecure())
        return self._client

    def _drop_client(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def close(self) -> None:
        """Wait for a sync under way to finish its round trip, then drop the connection."""
        with self._lock:
            self._drop_client()


@dataclass(frozen=True)
class _Round:
    """A round trip sent ahead: what it pushes, and its answer to come."""

    batch: list[StoredEvent]
    more_to_send: bool
    answer: Future[dict[str, Any]]


class _ReadAhead:
    """The next round's work, on helper threads: the next push batch read from the outbox and
    encoded, and the next round trip sent while the last page is stored."""

    def __init__(self, db: ProfileDatabase) -> None:
        self._db = db
        self._pool: ThreadPoolExecutor | None = None  # made only for a sync of several rounds
        self._next: Future[tuple[OutboxBatch, JsonBytes]] | None = None
        self._round: _Round | None = None

    def _submit(self, work: Callable[..., T], *args: Any) -> Future[T]:
        if self._pool is None:
            # Two: a round trip in flight and the batch after it being read.
            self._pool = ThreadPoolExecutor(2, thread_name_prefix="aidioma-sync-ahead")
        return self._pool.submit(_paused, work, *args)

    def _read(self, after: int) -> tuple[OutboxBatch, JsonBytes]:
        waiting = self._db.outbox(MAX_PUSH_EVENTS, after)
        return waiting, encode_events(waiting.events)

    def next_batch(self) -> tuple[list[StoredEvent], bool, JsonBytes | None]:
        """The next push: a batch of the outbox (encoded when read ahead), whether more waits.
        The batch after it is read and encoded meanwhile (a first sync of a long history: a
        fifth faster)."""
        if self._next is None:
            (waiting, positions), events_json = self._db.outbox(MAX_PUSH_EVENTS), None
        else:
            ready, self._next = self._next, None
            (waiting, positions), events_json = ready.result()
        batch = _fit(waiting)
        if len(batch) < len(waiting):
            events_json = None  # encoded for the whole of `waiting`
        more_to_send = len(batch) < len(waiting) or len(waiting) == MAX_PUSH_EVENTS
        if more_to_send:
            # By place in the outbox: the read starts where this batch ends even when the batch
            # is acknowledged (gone from the outbox) first.
            self._next = self._submit(self._read, positions[len(batch) - 1])
        return batch, more_to_send, events_json

    def send_next(
        self, client: SyncClient, token: str, device_id: str, cursor: int, more_to_send: bool
    ) -> None:
        """Send the next round trip now: the next batch, or a pull when nothing is left."""
        batch, more, events_json = self.next_batch() if more_to_send else ([], False, None)
        answer = self._submit(client.send_sync, token, device_id, cursor, batch, events_json)
        self._round = _Round(batch, more, answer)

    def take_round(self) -> _Round | None:
        """The round trip sent ahead, if any (its answer raises what the request raised)."""
        round_, self._round = self._round, None
        return round_

    def drop(self) -> None:
        """Forget what was read or sent ahead: the outbox or the cursor changed under it."""
        self._next = self._round = None

    def close(self) -> None:
        """The sync ends: wait for work under way (the database may close next)."""
        self.drop()
        if self._pool is not None:
            self._pool.shutdown()


def _paused(work: Callable[..., T], *args: Any) -> T:
    with gc_paused():
        return work(*args)


def _fit(events: list[StoredEvent]) -> list[StoredEvent]:
    """The longest head of `events` whose request stays under BATCH_BYTES."""
    total = 0
    for count, e in enumerate(events):
        total += len(e.payload_json.encode()) + _ENVELOPE_BYTES
        if total > BATCH_BYTES:
            return events[: max(1, count)]
    return events


_REFUSED_EVENT = re.compile(r"^events\[(\d+)\]")


def _refused_index(error: ServerRefused, batch_size: int) -> int | None:
    """Which event of the batch a 422 names (`events[3].payload.score: ...`), if one."""
    match = _REFUSED_EVENT.match(str(error))
    if error.status != 422 or match is None:
        return None
    index = int(match.group(1))
    return index if index < batch_size else None


def _logout_quietly(client: SyncClient, token: str) -> None:
    with suppress(SyncError):  # offline: the token expires on the server by itself
        client.logout(token)


def account_key(server_url: str, username: str) -> str:
    """The keyring account name of a sync token."""
    return f"{username}@{server_url.rstrip('/')}"
