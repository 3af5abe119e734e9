"""The `aidioma` command as a person uses it in a terminal (real processes, real files)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from select import select as wait_readable

import pytest
from sqlalchemy import func, select

from aidioma_desktop.services.clock import ManualClock
from aidioma_desktop.services.content import sentence_from_item
from aidioma_desktop.services.practice import PracticeItem, PracticeService
from aidioma_desktop.services.session import SessionService
from aidioma_desktop.store.paths import AppPaths
from aidioma_protocol.wire import MAX_PUSH_EVENTS
from sync_server.crud import events, tokens
from tests.conftest import HOUR, long_history
from tests.live_server import LiveServer

PASSWORD = "a long family password"


def aidioma(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    # Never the real keyring of the machine running the tests: as on a system without one.
    env = {**os.environ, "NO_COLOR": "1", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    env.pop("AIDIOMA_PROFILE", None)
    return subprocess.run(
        [sys.executable, "-m", "aidioma_desktop", "--data-dir", str(data), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    done = aidioma(folder, "profiles", "create", "Ana", "--level", "beginner")
    assert done.returncode == 0, done.stderr
    return folder


def test_profiles_are_created_and_listed(data: Path):
    listed = aidioma(data, "profiles")
    assert listed.returncode == 0
    assert listed.stdout.startswith("Ana\tbeginner\tlearning es")


def test_a_practice_round_in_the_terminal(data: Path):
    answers = "?\nI do not know\n" + "s\n" + "q\n"
    done = aidioma(data, "practice", "--count", "3", "--level", "beginner", stdin=answers)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Translate into English:" in out
    assert "Hint 1/" in out
    assert "Accepted:" in out and "Comes back in" in out
    assert "Skipped. One answer:" in out
    assert "Round done: 1 sentence, average score" in out and "1 hint, 1 skipped." in out
    stats = json.loads(aidioma(data, "stats", "--json").stdout)
    assert stats["done_today"] == 1 and stats["streak"] == 1 and stats["today_done"]


def comes_first(data: Path, content_id: str) -> None:
    """Make `content_id` the sentence `aidioma practice` serves first: a card due now."""
    service = SessionService(AppPaths.resolve(data), ManualClock(int(time.time() * 1000) - HOUR))
    learner = service.login("Ana")
    practice = PracticeService(learner)
    item = PracticeItem(sentence_from_item(learner.db.content(content_id)), "es-en")
    practice.submit(item, "banana")  # wrong: due again a minute later
    service.logout(learner)


@pytest.mark.parametrize("count", [1, 2])
def test_r_after_an_unsure_answer_says_i_was_right(data: Path, tmp_path: Path, count: int):
    comes_first(data, "daily_life.001")  # Me levanto a las siete todos los días.
    answers = "I arise at seven every day.\n" + "r\n" + "q\n"
    done = aidioma(data, "practice", "--count", str(count), stdin=answers)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Me levanto a las siete todos los días." in out
    assert "Not one of the answers I know; it may still be right." in out
    assert "If you were right, type r" in out
    assert "Counted as correct. This answer is accepted from now on." in out
    assert "Round done: 1 sentence, average score 100." in out

    target = tmp_path / "ana.json"
    assert aidioma(data, "export", "-o", str(target)).returncode == 0
    events = json.loads(target.read_text(encoding="utf-8"))["events"]
    attempt, accepted = events[-2:]
    assert (attempt["kind"], attempt["payload"]["verdict"]) == ("practice.attempted", "wrong")
    assert accepted["kind"] == "answer.accepted"
    assert accepted["payload"] == {
        "content_id": "daily_life.001",
        "direction": "es-en",
        "answer": "I arise at seven every day.",
        "attempt_id": attempt["id"],
    }
    # The answer is one the grader knows from now on.
    comes_first(data, "daily_life.001")
    again = aidioma(data, "practice", "--count", "1", stdin="I arise at seven every day.\n")
    assert "✓ Correct · 100/100" in again.stdout and "may still be right" not in again.stdout


def test_r_is_an_answer_like_any_other_when_nothing_is_unsure(data: Path):
    comes_first(data, "daily_life.001")
    done = aidioma(data, "practice", "--count", "1", stdin="r\n")
    assert done.returncode == 0, done.stderr
    assert "Not quite" in done.stdout and "Counted as correct" not in done.stdout


def test_review_in_the_terminal(data: Path):
    done = aidioma(data, "review", "--limit", "2", stdin="\n3\n\n5\n1\n")
    assert done.returncode == 0, done.stderr
    assert "0 due, 2 new: 2 cards in this round." in done.stdout
    assert "Comes back in" in done.stdout
    assert "Type 1, 2, 3 or 4." in done.stdout
    assert "All reviews done for now." in done.stdout
    assert json.loads(aidioma(data, "stats", "--json").stdout)["done_today"] == 2


def test_export_writes_all_data_as_json(data: Path, tmp_path: Path):
    aidioma(data, "review", "--limit", "1", stdin="\n4\n")
    target = tmp_path / "ana.json"
    done = aidioma(data, "export", "-o", str(target))
    assert done.returncode == 0, done.stderr
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert exported["format"] == "aidioma-profile-export"
    assert exported["settings"]["display_name"] == "Ana"
    assert [e["kind"] for e in exported["events"]].count("review.graded") == 1
    assert len(exported["progress"]) == 1
    assert "password" not in json.dumps(exported["profile"]).replace("has_password", "")


def test_batch_grading_prints_one_line_per_item(tmp_path: Path):
    lines = [
        {
            "id": "a",
            "direction": "es-en",
            "source": "Tengo hambre.",
            "references": ["I am hungry."],
            "answer": "I'm hungry",
        },
        {
            "id": "b",
            "direction": "en-es",
            "source": "She is tired.",
            "references": ["Está cansada."],
            "answer": "Esta cansada",
        },
        {"id": "c", "direction": "xx", "references": ["x"], "answer": "x"},
    ]
    source = tmp_path / "items.jsonl"
    source.write_text("\n".join(json.dumps(x) for x in lines) + "\n{broken\n", encoding="utf-8")
    done = aidioma(tmp_path, "grade", "--jsonl", str(source))
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r.get("verdict") for r in results] == ["correct", "almost", None, None]
    assert results[1]["errors"][0]["kind"] == "missing_accent"
    assert "direction" in results[2]["error"] and "not JSON" in results[3]["error"]
    assert done.returncode == 1  # some lines could not be graded


def test_stats_of_a_new_profile_say_so_in_a_line_and_then_show_the_days(data: Path):
    first = aidioma(data, "stats")
    assert first.returncode == 0, first.stderr
    assert "Nothing practised or reviewed in the last 14 days" in first.stdout
    assert "0 reviews due (+ 10 new cards)" in first.stdout
    assert "Last 14 days" not in first.stdout and len(first.stdout.splitlines()) <= 4
    aidioma(data, "practice", "--count", "1", stdin="I get up at seven\n")
    after = aidioma(data, "stats").stdout
    assert "Last 14 days (items):" in after and "█ 1" in after
    assert len([line for line in after.splitlines() if line.startswith("  ")]) == 14


def test_a_damaged_profile_gives_a_message_not_a_traceback(data: Path):
    profile = next((data / "profiles").glob("*.aidioma"))
    profile.write_bytes(b"\x00garbage" * 1000)
    done = aidioma(data, "stats")
    assert done.returncode == 1
    assert "not an AIdioma profile" in done.stderr and "left untouched" in done.stderr
    assert "Traceback" not in done.stderr
    assert profile.read_bytes() == b"\x00garbage" * 1000


def test_an_unknown_profile_and_a_missing_file_are_clear_errors(data: Path, tmp_path: Path):
    done = aidioma(data, "--profile", "Zoe", "stats")
    assert done.returncode == 1 and "no profile called 'Zoe'" in done.stderr
    done = aidioma(data, "grade", "--jsonl", str(tmp_path / "missing.jsonl"))
    assert (
        done.returncode == 1 and "Could not read" in done.stderr and "Traceback" not in done.stderr
    )


def test_sync_in_the_terminal_without_a_keyring(data: Path, tmp_path: Path):
    """Each run asks for the password and revokes its token at the end (none is left live on
    the server); signing in to another person's account needs --merge."""
    with LiveServer(tmp_path / "server") as server:

        def live_tokens() -> int:
            with server.app.state.context.sessions() as s:
                return int(s.scalar(select(func.count()).select_from(tokens)) or 0)

        url, invite = server.url, server.invite_code
        signup = ("sync", "signup", "--server", url, "--username", "ana", "--invite", invite)
        done = aidioma(data, *signup, stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
        assert "Signed in as ana" in done.stdout and "Synced: sent" in done.stdout
        assert "no keyring" in done.stderr
        again = aidioma(data, "sync", stdin=PASSWORD + "\n")
        assert again.returncode == 0, again.stderr
        assert "Synced: sent 0 events, received 0 events." in again.stdout
        assert live_tokens() == 0
        status = aidioma(data, "sync", "status").stdout
        assert "ana on " in status and "each sync asks for the password" in status

        other = aidioma(data, "sync", "login", "--server", url, "--username", "ben", stdin="x\n")
        assert other.returncode != 0
        assert "syncs with the account ana" in other.stderr and "--merge" in other.stderr
        assert "Traceback" not in other.stderr
        assert "ana on " in aidioma(data, "sync", "status").stdout

        refused = aidioma(data, "sync", "delete-account", stdin="bob\n")
        assert refused.returncode != 0 and "nothing was deleted" in refused.stderr
        deleted = aidioma(data, "sync", "delete-account", stdin=f"ana\n{PASSWORD}\n")
        assert deleted.returncode == 0, deleted.stderr
        assert "Deleted the account ana" in deleted.stdout
        assert "Not linked" in aidioma(data, "sync", "status").stdout
        assert live_tokens() == 0


class OnATerminal:
    """`aidioma` with its standard error on a terminal (a pty), as a person runs it; standard
    input and output are pipes."""

    def __init__(self, data: Path, *args: str, stdin: str = "") -> None:
        terminal, screen = pytest.importorskip("pty").openpty()  # not on Windows
        env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aidioma_desktop", "--data-dir", str(data), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=screen,
            text=True,
            env=env,
        )
        os.close(screen)
        self.terminal = terminal
        self.shown = b""
        assert self.process.stdin is not None
        self.process.stdin.write(stdin)
        self.process.stdin.close()

    def _read(self, timeout: float) -> bool:
        """Read what the terminal shows next; False once it is closed or nothing came."""
        if not wait_readable([self.terminal], [], [], timeout)[0]:
            return False
        try:
            chunk = os.read(self.terminal, 4096)
        except OSError:  # the process ended and closed it
            return False
        self.shown += chunk
        return bool(chunk)

    def wait_for(self, text: str) -> None:
        while text not in self.shown.decode(errors="replace"):
            assert self._read(60), f"{text!r} never showed; the terminal: {self.shown!r}"

    def finish(self) -> tuple[int, str, str]:
        """(exit code, standard output, all the terminal showed)."""
        assert self.process.stdout is not None
        out = self.process.stdout.read()
        code = self.process.wait(timeout=120)
        while self._read(5):
            pass
        os.close(self.terminal)
        return code, out, self.shown.decode()


def test_a_long_sync_shows_how_far_it_has_come_on_one_terminal_line(data: Path, tmp_path: Path):
    total = long_history(AppPaths.resolve(data), "Ana", MAX_PUSH_EVENTS + 10)
    with LiveServer(tmp_path / "server") as server:
        signup = ("sync", "signup", "--server", server.url, "--username", "ana")
        terminal = OnATerminal(data, *signup, "--invite", server.invite_code, stdin=PASSWORD)
        code, out, shown = terminal.finish()
        assert code == 0
        assert f"Synced: sent {total:,} events" in out  # the result: standard output
        progress = f"\rSyncing… sent {MAX_PUSH_EVENTS:,} of {total:,}"
        assert progress in shown
        # Written over at the end: the terminal's last line is blank again.
        assert shown.endswith("\r" + " " * (len(progress) - 1) + "\r")


def test_ctrl_c_stops_a_long_sync_cleanly_and_the_next_one_goes_on(data: Path, tmp_path: Path):
    total = long_history(AppPaths.resolve(data), "Ana", 6 * MAX_PUSH_EVENTS)
    with LiveServer(tmp_path / "server") as server:
        signup = ("sync", "signup", "--server", server.url, "--username", "ana")
        terminal = OnATerminal(data, *signup, "--invite", server.invite_code, stdin=PASSWORD)
        terminal.wait_for("Syncing… sent")  # a round trip is done, more are to come
        terminal.process.send_signal(signal.SIGINT)
        code, out, shown = terminal.finish()
        assert code == 130 and "Stopping after the current exchange" in shown
        assert "Traceback" not in shown and "in use by another program" not in shown
        assert "\nSync stopped. What was sent and received so far is kept" in out
        status = aidioma(data, "sync", "status").stdout
        waiting = int(status.split("Waiting to be sent: ", 1)[1].split(".", 1)[0].replace(",", ""))
        assert 0 < waiting < total

        again = aidioma(data, "sync", stdin=PASSWORD + "\n")
        assert again.returncode == 0, again.stderr
        assert f"Synced: sent {waiting:,} events" in again.stdout


def test_ctrl_c_twice_quits_at_once_and_keeps_what_was_stored(data: Path, tmp_path: Path):
    total = long_history(AppPaths.resolve(data), "Ana", 6 * MAX_PUSH_EVENTS)
    with LiveServer(tmp_path / "server") as server:
        signup = ("sync", "signup", "--server", server.url, "--username", "ana")
        terminal = OnATerminal(data, *signup, "--invite", server.invite_code, stdin=PASSWORD)
        terminal.wait_for("Syncing… sent")
        terminal.process.send_signal(signal.SIGINT)
        terminal.wait_for("Stopping after the current exchange")
        terminal.process.send_signal(signal.SIGINT)
        code, _out, shown = terminal.finish()
        assert code == 130 and "Quit. What was stored is kept." in shown
        status = aidioma(data, "sync", "status")  # the profile opens at once, whole
        assert status.returncode == 0, status.stderr
        again = aidioma(data, "sync", stdin=PASSWORD + "\n")
        assert again.returncode == 0, again.stderr
        with server.app.state.context.sessions() as s:
            stored = s.scalar(select(func.count()).select_from(events))
        assert stored == total  # each event once, whatever was cut short


def test_the_self_test_checks_the_installation_without_a_window(data: Path) -> None:
    profiles = sorted(p.name for p in (data / "profiles").iterdir())
    done = aidioma(data, "--self-test")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["version"]
    checks = report["checks"]
    essential = {name for name, check in checks.items() if check["essential"]}
    assert essential == {"content", "database", "embedder", "qt_platform"}
    assert all(checks[name]["ok"] for name in essential)
    assert checks["database"]["detail"].startswith("SQLite profile created, migrated to schema")
    assert "Chroma found the passage" in checks["embedder"]["detail"]
    # As on a headless machine: no keyring (reported, not essential).
    assert checks["keyring"] == {**checks["keyring"], "ok": False, "essential": False}
    # Its test profile lived in a temporary folder: the person's profiles are untouched.
    assert sorted(p.name for p in (data / "profiles").iterdir()) == profiles


def test_the_self_test_fails_and_says_why_when_the_content_is_missing(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-resources"
    empty.mkdir()
    monkeypatch.setenv("AIDIOMA_RESOURCES", str(empty))
    done = aidioma(data, "--self-test")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False
    assert report["checks"]["content"]["ok"] is False and report["checks"]["content"]["detail"]
    assert report["checks"]["database"]["ok"] is True  # the rest is still checked
