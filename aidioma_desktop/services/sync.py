"""Sync a profile with the family's server: account, outbox, cursor, status.

The profile keeps which server and account it is linked to, and the cursor, in its own
database (meta); the token only in the OS keyring (sync/tokens.py). A sync round trip pushes up
to a page of unsent events and pulls a page of other devices' events; pulled events, the
acknowledged outbox rows and the new cursor are stored in one transaction, so a crash or a lost
answer at any point loses nothing and duplicates nothing (the server is idempotent by event id).

Runs on its own worker thread (network), beside the app's data worker: SQLite's WAL and busy
timeout let both write; the learner's clock is guarded by a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from sync_server.protocol import MAX_PUSH_EVENTS

from ..sync.backoff import Backoff
from ..sync.client import AuthError, Offline, SyncClient, SyncError, check_server_url
from ..sync.tokens import TokenStore, account_key
from .session import Learner

CURSOR = "sync_cursor"
SERVER = "sync_server"
USERNAME = "sync_username"
INSECURE = "sync_insecure"
LAST_SYNC = "sync_last_ms"
LAST_SYNC_EVERY_MS = 60_000


class SyncCancelled(SyncError):
    pass


@dataclass(frozen=True)
class SyncStatus:
    server: str
    username: str
    signed_in: bool
    pending: int  # local events the server has not acknowledged yet
    last_sync_ms: int | None
    keyring_ok: bool  # False: the token is kept for this run only
    insecure: bool  # plain http to another computer was allowed


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    pulled: int
    replayed_cards: int  # cards recomputed because a pulled event sorted before local ones
    rounds: int


class SyncService:
    def __init__(self, learner: Learner, tokens: TokenStore | None = None) -> None:
        self.learner = learner
        self.db = learner.db
        self.tokens = tokens or TokenStore()
        self.backoff = Backoff()
        self._client: SyncClient | None = None
        self._last_sync_written = 0
        self._last_sync_ms = 0  # also a sync that changed nothing (not always written)
        self._account: tuple[str, str] | None = None  # (server, username), read once
        self._cursor: int | None = None
        self._lock = threading.Lock()  # one sync at a time, whoever asks

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
            keyring_ok=self.tokens.persistent,
            insecure=self._insecure(),
        )

    def register(
        self,
        server_url: str,
        username: str,
        password: str,
        invite_code: str,
        email: str = "",
        insecure: bool = False,
    ) -> SyncStatus:
        url = check_server_url(server_url, insecure)
        with SyncClient(url, insecure) as client:
            token = client.register(username.strip(), email.strip(), password, invite_code.strip())
        return self._link(url, username.strip(), token, insecure)

    def sign_in(
        self, server_url: str, username: str, password: str, insecure: bool = False
    ) -> SyncStatus:
        url = check_server_url(server_url, insecure)
        with SyncClient(url, insecure) as client:
            token = client.login(username.strip(), password)
        return self._link(url, username.strip(), token, insecure)

    def sign_out(self) -> None:
        """Forget the token (and revoke it when the server is reachable); unsent events stay."""
        server, username = self._linked()
        if not server or not username:
            return
        key = account_key(server, username)
        token = self.tokens.get(key)
        self.tokens.delete(key)
        self._drop_client()
        if token:
            try:
                with SyncClient(server, self._insecure()) as client:
                    client.logout(token)
            except SyncError:
                pass  # offline: the token expires on the server by itself

    def _link(self, server: str, username: str, token: str, insecure: bool) -> SyncStatus:
        old_server, old_username = self._linked()
        if (old_server, old_username) != (server, username):
            # Another account (or the first): it must get this profile's whole history.
            self.db.requeue_all(CURSOR)
            self._cursor = None
        self.db.set_meta(SERVER, server)
        self.db.set_meta(USERNAME, username)
        self.db.set_meta(INSECURE, "1" if insecure else "")
        self._account = (server, username)
        self.tokens.set(account_key(server, username), token)
        self._drop_client()
        return self.status()

    def _linked(self) -> tuple[str, str]:
        if self._account is None:
            self._account = (self.db.meta(SERVER) or "", self.db.meta(USERNAME) or "")
        return self._account

    def _insecure(self) -> bool:
        return bool(self.db.meta(INSECURE))

    # ---- syncing ----------------------------------------------------------------------

    def sync_now(self, cancelled: Callable[[], bool] = lambda: False) -> SyncReport:
        """Push every unsent event and pull every new one, a page per round trip."""
        with self._lock:
            server, username = self._linked()
            token = self.tokens.get(account_key(server, username)) if server else None
            if not server or not username or not token:
                raise AuthError("Sign in to a sync server first (Settings → Sync).")
            client = self._client_for(server)
            if self._cursor is None:
                self._cursor = int(self.db.meta(CURSOR) or 0)
            cursor = self._cursor
            pushed = pulled = replayed = rounds = 0
            try:
                while True:
                    if cancelled():
                        raise SyncCancelled("Sync stopped; what was sent so far is safe.")
                    batch = self.db.outbox(MAX_PUSH_EVENTS)
                    page = client.sync(token, self.learner.device_id, cursor, batch)
                    held = set(page.accepted)
                    sent = [e.id for e in batch if e.id in held]
                    now = self.learner.clock.now_ms()
                    if page.events or sent or page.cursor != cursor or self._stale(now):
                        meta = {CURSOR: str(page.cursor), LAST_SYNC: str(now)}
                        result = self.db.apply_pulled(page.events, sent, meta)
                        self._last_sync_written = now
                        self.learner.observe(page.events)
                        pulled += len(result.new)
                        replayed += result.replayed_cards
                    cursor = self._cursor = page.cursor
                    self._last_sync_ms = now
                    rounds += 1
                    pushed += len(sent)
                    if len(sent) < len(batch):
                        raise SyncError(
                            f"The server kept {len(sent)} of {len(batch)} events; the rest stay "
                            "here and will be sent again."
                        )
                    if not page.more and len(batch) < MAX_PUSH_EVENTS:
                        break
            except AuthError:
                self.tokens.delete(account_key(server, username))
                raise
            except Offline:
                self._drop_client()
                raise
            return SyncReport(pushed, pulled, replayed, rounds)

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
