"""Sync in the app: when to sync, the status-bar indicator, and Settings → Sync.

Syncing talks to the network, so it runs on its own worker (not the data worker the pages use),
on a timer, a little after each practice answer or review rating, and on "Sync now". After a
failure it waits with exponential backoff and jitter (sync/backoff.py).
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from ..services.sync import (
    AccountSwitch,
    SyncCancelled,
    SyncProgress,
    SyncReport,
    SyncService,
    SyncStatus,
)
from ..sync.client import AuthError, Offline
from .context import Context
from .tasks import TaskRunner, readable
from .widgets import button, label, number

AFTER_ACTIVITY_MS = 15_000  # a pause in practice: send what was just done
FIRST_SYNC_MS = 1_500


def ago(ms: int | None, now_ms: int) -> str:
    if ms is None:
        return QCoreApplication.translate("Sync", "never")
    minutes = max(0, (now_ms - ms) // 60_000)
    if minutes < 1:
        return QCoreApplication.translate("Sync", "just now")
    if minutes < 60:
        return QCoreApplication.translate("Sync", "%1 min ago").replace("%1", str(minutes))
    hours = minutes // 60
    if hours < 48:
        return QCoreApplication.translate("Sync", "%1 h ago").replace("%1", str(hours))
    return QCoreApplication.translate("Sync", "%1 days ago").replace("%1", str(hours // 24))


def progress_text(progress: SyncProgress) -> str:
    """'Syncing… sent 5,000 of 60,005, received 20,000'."""
    parts = []
    if progress.sending:
        parts.append(
            QCoreApplication.translate("Sync", "sent %1 of %2")
            .replace("%1", number(progress.sent))
            .replace("%2", number(progress.to_send))
        )
    if progress.received:
        received = QCoreApplication.translate("Sync", "received %1")
        parts.append(received.replace("%1", number(progress.received)))
    syncing = QCoreApplication.translate("Sync", "Syncing…")
    return f"{syncing} {', '.join(parts)}" if parts else syncing


class SyncController(QObject):
    """Owns the sync worker and its schedule for the logged-in profile."""

    status_changed = Signal(object)  # SyncStatus
    state_changed = Signal(str, str)  # indicator text, role (subtle / good / bad)
    synced = Signal(object)  # SyncReport, after a sync that brought or sent something
    running = Signal(bool)  # a sync started or ended
    stopped = Signal(str)  # the person stopped a sync: what became of it
    # SyncProgress: during a sync of several round trips. Emitted on the sync worker; Qt
    # delivers it to the main thread.
    progressed = Signal(object)
    failed = Signal(str)  # a readable reason
    account_changed = Signal(object)  # SyncStatus, after sign-in, sign-up or sign-out
    # A sign-in to another account than this profile's would merge the two: the box asks.
    merge_asked = Signal(str, str, dict)  # action, the reason, the action's fields

    def __init__(self, ctx: Context, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = SyncService(ctx.learner)
        self.runner = TaskRunner(name="aidioma-sync")
        self.status: SyncStatus | None = None
        self.syncing = False
        self._stopped = False  # logged out: no more syncs
        # Why the sync under way is to stop after its round trip: "person" (Stop), "account"
        # (an account action waits for the worker), or "" (it is not).
        self._cancel = ""
        # The person stopped a sync: no sync starts by itself until "Sync now" (or the next
        # start of the app). Stop means stop, on a metered connection too.
        self.held = False
        self.progressed.connect(self._show_progress)
        self._last_error = ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sync_now)
        self.clock_timer = QTimer(self)  # keeps "synced N min ago" true
        self.clock_timer.setInterval(30_000)
        self.clock_timer.timeout.connect(self._show_state)
        self.clock_timer.start()

    def start(self) -> None:
        self.refresh(then_sync=True)

    def refresh(self, then_sync: bool = False) -> None:
        def done(status: SyncStatus) -> None:
            self._set_status(status)
            if then_sync and status.signed_in:
                self.schedule(FIRST_SYNC_MS)

        self.runner.run(self.service.status, done, self._error)

    def schedule(self, delay_ms: int) -> None:
        """Sync after `delay_ms` unless one is due sooner."""
        if self._stopped or self.held or not (self.status and self.status.signed_in):
            return
        if not self.timer.isActive() or self.timer.remainingTime() > delay_ms:
            self.timer.start(delay_ms)

    def activity(self, *_args: object) -> None:
        """Something was recorded: send it once the learner pauses."""
        if self.timer.isActive() and self.timer.remainingTime() <= AFTER_ACTIVITY_MS:
            return
        self.schedule(AFTER_ACTIVITY_MS)

    def sync_now(self) -> None:
        if self._stopped or self.syncing:
            return
        self.timer.stop()
        self.held = False
        self.syncing = True
        self.running.emit(True)
        self.state_changed.emit(self.tr("Syncing…"), "subtle")
        service = self.service

        def stop() -> bool:
            return self._stopped or bool(self._cancel)

        def work() -> tuple[SyncReport, SyncStatus]:
            return service.sync_now(stop, self.progressed.emit), service.status()

        self.runner.run(work, self._done, self._sync_failed)

    def cancel(self, why: str = "person") -> None:
        """Stop the sync under way after its current round trip; what it stored stays."""
        if self.syncing:
            self._cancel = why

    @property
    def cancelling(self) -> bool:
        return bool(self._cancel)

    def _ended(self) -> str:
        """The sync has ended: why it was asked to stop ("" when it was not)."""
        why, self._cancel = self._cancel, ""
        self.syncing = False
        self.running.emit(False)
        return why

    def _show_progress(self, progress: SyncProgress) -> None:
        if not self.syncing:
            return  # a late report of a sync that has ended
        self.state_changed.emit(progress_text(progress), "subtle")
        if self.status is not None:  # the Sync page's "waiting to be sent" counts down
            waiting = max(0, progress.to_send - progress.sent)
            self.status = replace(self.status, pending=waiting)
            self.status_changed.emit(self.status)

    def _done(self, result: tuple[SyncReport, SyncStatus]) -> None:
        report, status = result
        self._ended()  # a stop asked for too late: the sync is done anyway
        self._last_error = ""
        self._set_status(status)
        self.schedule(int(self.service.backoff.succeeded() * 1000))
        if report.pulled or report.pushed:
            self.synced.emit(report)

    def _sync_failed(self, error: BaseException) -> None:
        why = self._ended()
        if isinstance(error, SyncCancelled):
            # Not a failure. Stopped for an account action: that action reports.
            if why == "person":
                self.held = True
                self.stopped.emit(readable(error))
            self.refresh()
            return
        self._last_error = readable(error)
        offline = isinstance(error, Offline)
        self.failed.emit(self._last_error)
        self.refresh()
        if isinstance(error, AuthError):
            return  # retrying cannot help: the person must sign in again
        self.schedule(int(self.service.backoff.failed() * 1000))
        if offline:
            self._last_error = ""
            self.state_changed.emit(self._offline_text(), "subtle")

    def _offline_text(self) -> str:
        pending = self.status.pending if self.status else 0
        return self.tr("Offline — %1 waiting to sync").replace("%1", number(pending))

    def _error(self, error: BaseException) -> None:
        self._last_error = readable(error)
        self.failed.emit(self._last_error)
        self._show_state()

    def _set_status(self, status: SyncStatus) -> None:
        self.status = status
        if not status.signed_in:
            self.timer.stop()  # a sync planned before signing out would only fail
        self.status_changed.emit(status)
        self._show_state()

    def _show_state(self) -> None:
        s = self.status
        if self.syncing or s is None:
            return
        if self._last_error:
            self.state_changed.emit(self.tr("Sync problem: ") + self._last_error, "bad")
        elif not s.server:
            self.state_changed.emit(self.tr("Sync off"), "subtle")
        elif not s.signed_in:
            self.state_changed.emit(self.tr("Sync: signed out"), "subtle")
        elif self.service.backoff.failures:
            self.state_changed.emit(self._offline_text(), "subtle")
        elif self.held:
            self.state_changed.emit(self.tr("Sync stopped until you press Sync now"), "subtle")
        else:
            when = ago(s.last_sync_ms, int(time.time() * 1000))
            self.state_changed.emit(self.tr("Synced %1").replace("%1", when), "good")

    # ---- account actions (from Settings → Sync) ------------------------------------------

    def account_action(self, action: str, **fields: Any) -> None:
        # Runs after the sync under way (one worker): that sync stops after its current round
        # trip rather than keep a sign-out waiting for the rest of a long first sync.
        self.cancel("account")
        service = self.service

        def sign_out() -> SyncStatus:
            service.sign_out()
            return service.status()

        work = {
            "register": lambda: service.register(**fields),
            "sign_in": lambda: service.sign_in(**fields),
            "sign_out": sign_out,
            "delete_account": service.delete_account,
        }[action]

        def done(status: SyncStatus) -> None:
            self._last_error = ""
            self.service.backoff.succeeded()
            self._set_status(status)
            self.account_changed.emit(status)
            if status.signed_in:
                self.sync_now()

        def failed(error: BaseException) -> None:
            if isinstance(error, AccountSwitch):
                self.merge_asked.emit(action, readable(error), fields)
            else:
                self._error(error)

        self.runner.run(work, done, failed)

    def stop(self) -> None:
        """At logout: no new syncs; the one under way ends after its current round trip."""
        self._stopped = True
        self.timer.stop()
        self.clock_timer.stop()
        self.runner.stop()


class SyncBox(QGroupBox):
    """Settings → Sync: server, account, sign in / out, last sync, events waiting."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Sync"), parent)
        self.setAccessibleName(self.tr("Sync"))
        self.controller = controller
        form = self.form = QFormLayout(self)
        form.setSpacing(10)
        form.addRow(
            label(
                self.tr(
                    "Keep your progress in step on all your computers through your family's "
                    "own sync server."
                ),
                "subtle",
                wrap=True,
            )
        )
        self.server = QLineEdit()
        self.server.setPlaceholderText("https://sync.example.org")
        self.insecure = QCheckBox(self.tr("Allow insecure connection (plain http)"))
        self.insecure.setToolTip(
            self.tr("Only on a network you trust: your password would cross it unencrypted.")
        )
        self.username = QLineEdit()
        self.username.setMaxLength(40)
        self.account_email = QLineEdit()
        self.account_password = QLineEdit()
        self.account_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.invite = QLineEdit()
        self.invite.setPlaceholderText(self.tr("only to create an account"))
        self.rows: list[QWidget] = []
        for text, widget in (
            (self.tr("Server"), self.server),
            (self.tr("Username"), self.username),
            (self.tr("Account email"), self.account_email),
            (self.tr("Account password"), self.account_password),
            (self.tr("Invite code"), self.invite),
        ):
            widget.setAccessibleName(text)
            form.addRow(text, widget)
        self.insecure.setAccessibleName(self.tr("Allow insecure connection"))
        form.addRow("", self.insecure)

        self.create_button = button(self.tr("Create account"), self.tr("Create sync account"))
        self.sign_in_button = button(self.tr("Sign in"), self.tr("Sign in to sync"), "primary")
        self.sign_out_button = button(self.tr("Sign out"), self.tr("Sign out of sync"))
        self.sync_button = button(self.tr("Sync now"), self.tr("Sync now"), "primary")
        self.delete_button = button(
            self.tr("Delete account…"), self.tr("Delete the sync account from the server")
        )
        # Confirms what needs the person's say-so (merging two accounts, deleting one).
        self.confirm_button = button("", self.tr("Confirm"), "danger")
        self.confirm_button.setVisible(False)
        self._pending: tuple[str, dict[str, Any]] | None = None  # the action that waits
        actions = QHBoxLayout()
        buttons = (self.create_button, self.sign_in_button, self.sign_out_button, self.sync_button)
        for b in (*buttons, self.delete_button, self.confirm_button):
            actions.addWidget(b)
        actions.addStretch(1)
        form.addRow("", actions)
        self.account = label("", wrap=True, name=self.tr("Sync account"))
        self.details = label("", "subtle", wrap=True, name=self.tr("Sync details"))
        self.message = label("", "subtle", wrap=True, name=self.tr("Sync message"))
        form.addRow(self.tr("Account"), self.account)
        form.addRow(self.tr("Status"), self.details)
        form.addRow("", self.message)

        self.create_button.clicked.connect(self._register)
        self.sign_in_button.clicked.connect(self._sign_in)
        self.sign_out_button.clicked.connect(lambda: self._act("sign_out", self.tr("Signing out…")))
        self.sync_button.clicked.connect(self._sync_or_stop)
        self.delete_button.clicked.connect(self._ask_delete)
        self.confirm_button.clicked.connect(self._confirmed)
        controller.merge_asked.connect(self._ask_merge)
        controller.status_changed.connect(self.show_status)
        controller.failed.connect(lambda text: self._say(text, "bad"))
        controller.synced.connect(self._synced)
        controller.running.connect(self._running)
        controller.progressed.connect(self._progressed)
        controller.stopped.connect(lambda text: self._say(text, "subtle"))
        controller.account_changed.connect(self._account_changed)
        self.show_status(None)

    def show_status(self, status: SyncStatus | None) -> None:
        signed_in = bool(status and status.signed_in)
        if status and status.server and not self.server.text():
            self.server.setText(status.server)
            self.username.setText(status.username)
            self.insecure.setChecked(status.insecure)
        for widget in (self.account_email, self.account_password, self.invite):
            self.form.setRowVisible(widget, not signed_in)  # only to sign in or sign up
        self.server.setReadOnly(signed_in)
        self.username.setReadOnly(signed_in)
        self.insecure.setEnabled(not signed_in)
        self.create_button.setVisible(not signed_in)
        self.sign_in_button.setVisible(not signed_in)
        self.sign_out_button.setVisible(signed_in)
        self.sync_button.setVisible(signed_in)
        self.delete_button.setVisible(signed_in)
        if status is None or not status.server:
            self.account.setText(self.tr("Not set up"))
            return
        who = self.tr("%1 on %2").replace("%1", status.username).replace("%2", status.server)
        state = self.tr("signed in") if signed_in else self.tr("signed out")
        self.account.setText(f"{who} ({state})")
        lines = [
            self.tr("Last sync: %1").replace(
                "%1", ago(status.last_sync_ms, int(time.time() * 1000))
            ),
            self.tr("Waiting to be sent: %1").replace("%1", number(status.pending)),
        ]
        if status.refused:
            lines.append(
                self.tr("The server refused %1 events; they are kept here. First reason: %2")
                .replace("%1", number(len(status.refused)))
                .replace("%2", status.refused[0][1])
            )
        if not status.keyring_ok:
            lines.append(
                self.tr(
                    "This system has no keyring, so the sign-in lasts until you close the app; "
                    "it is never saved in a file."
                )
            )
        self.details.setText("\n".join(lines))

    def _fields(self) -> dict[str, Any]:
        return {
            "server_url": self.server.text().strip(),
            "username": self.username.text().strip(),
            "password": self.account_password.text(),
            "insecure": self.insecure.isChecked(),
        }

    def _register(self) -> None:
        fields = self._fields() | {
            "invite_code": self.invite.text().strip(),
            "email": self.account_email.text().strip(),
        }
        if not fields["invite_code"]:
            self._say(self.tr("Ask whoever runs the family server for the invite code."), "bad")
            return
        self._act("register", self.tr("Creating the account…"), **fields)

    def _sign_in(self) -> None:
        self._act("sign_in", self.tr("Signing in…"), **self._fields())

    def _ask_merge(self, action: str, reason: str, fields: dict[str, Any]) -> None:
        # The password stays in memory only, until the next click.
        self._ask(reason, self.tr("Merge the accounts"), action, fields | {"merge": True})

    def _ask_delete(self) -> None:
        status = self.controller.status
        who = status.username if status else ""
        self._ask(
            self.tr(
                "This erases the account %1 and all its progress from the server, for good; "
                "your other computers will no longer sync with it. This computer keeps its own "
                "copy."
            ).replace("%1", who),
            self.tr("Delete it for good"),
            "delete_account",
            {},
        )

    def _ask(self, text: str, confirm: str, action: str, fields: dict[str, Any]) -> None:
        self._say(text, "bad")
        self._pending = (action, fields)
        self.confirm_button.setText(confirm)
        self.confirm_button.setVisible(True)

    def _confirmed(self) -> None:
        if self._pending is not None:
            action, fields = self._pending
            self._act(action, self.tr("Working…"), **fields)

    def _act(self, action: str, progress: str, **fields: Any) -> None:
        self._pending = None
        self.confirm_button.setVisible(False)
        if action in ("sign_out", "delete_account"):
            self._say(progress, "subtle")
            self.controller.account_action(action, **fields)
            return
        if not (fields["server_url"] and fields["username"]):
            self._say(self.tr("Fill in the server address and your username."), "bad")
            return
        if not fields["password"]:
            self._say(self.tr("Type your account password."), "bad")
            return
        self._say(progress, "subtle")
        self.account_password.clear()
        self.controller.account_action(action, **fields)

    def _account_changed(self, status: SyncStatus) -> None:
        if status.signed_in:
            self._say(self.tr("Signed in."), "good")
        elif not status.server:
            self._say(self.tr("The account was deleted from the server."), "good")
            self.server.clear()
            self.username.clear()
        else:
            self._say(self.tr("Signed out."), "good")

    def _sync_or_stop(self) -> None:
        if self.controller.syncing:
            self.controller.cancel()
            self.sync_button.setEnabled(False)  # until the round trip under way ends
            self._say(self.tr("Stopping after the current exchange with the server…"), "subtle")
        else:
            self.controller.sync_now()

    def _running(self, syncing: bool) -> None:
        self.sync_button.setEnabled(True)
        self.sync_button.setText(self.tr("Stop") if syncing else self.tr("Sync now"))
        self.sync_button.setAccessibleName(
            self.tr("Stop syncing") if syncing else self.tr("Sync now")
        )

    def _progressed(self, progress: SyncProgress) -> None:
        if self.controller.syncing and not self.controller.cancelling:
            self._say(progress_text(progress), "subtle")

    def _synced(self, report: SyncReport) -> None:
        self._say(
            self.tr("Sent %1, received %2.")
            .replace("%1", number(report.pushed))
            .replace("%2", number(report.pulled)),
            "good",
        )

    def _say(self, text: str, role: str) -> None:
        self.message.setText(text)
        self.message.setProperty("role", role)
        self.message.style().polish(self.message)
