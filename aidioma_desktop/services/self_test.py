"""`aidioma --self-test`: the installed app checks itself without a window and says, as one JSON
object, what works. Essential: the bundled content, SQLite with the migrations on a temporary
profile, the offline embedder (and the Qt platform plugin, checked by the UI layer). Reported
only: the word data, the keyring (headless machines have none) and speech voices."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    essential: bool
    detail: str
    ms: int

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "essential": self.essential, "detail": self.detail, "ms": self.ms}


def run_check(essential: bool, probe: Callable[[], str]) -> Check:
    """`probe` says what it found, or raises: its error, in a line, is the detail."""
    started = time.perf_counter()
    try:
        detail, ok = probe(), True
    except Exception as exc:  # any failure is a finding, not a crash of the self-test
        # One line: some messages (numpy's) open with blank lines and run for a page.
        detail, ok = " ".join(f"{type(exc).__name__}: {exc}".split())[:300], False
    return Check(ok, essential, detail, int((time.perf_counter() - started) * 1000))


def content() -> str:
    from .content import ContentLibrary

    library = ContentLibrary.load()
    if not library.sentences or not library.scenarios:
        raise RuntimeError("no sentences or scenarios found in the bundled content")
    if library.problems:
        raise RuntimeError(library.problems[0])
    return f"{len(library.sentences)} sentences, {len(library.scenarios)} scenarios"


def database() -> str:
    from ..store.migrations import LATEST
    from ..store.paths import AppPaths
    from .session import SessionService

    with tempfile.TemporaryDirectory(prefix="aidioma-self-test-") as folder:
        service = SessionService(AppPaths.resolve(Path(folder)))
        service.create_profile("Self test")
        learner = service.login("Self test")
        try:
            version = learner.db.schema_version
            learner.record("setting.changed", {"key": "daily_goal", "value": 12})
            goal = learner.settings()["daily_goal"]
        finally:
            service.logout(learner)
    if version != LATEST or goal != 12:
        raise RuntimeError(f"schema {version} (expected {LATEST}), daily goal {goal}")
    return f"SQLite profile created, migrated to schema {version}, written and read"


def embedder() -> str:
    """The offline model embeds three passages into a Chroma collection, and a question finds
    the right one: the model, its engine and Chroma all load from this installation."""
    from ..documents.embed import builtin
    from ..documents.index import SessionIndex
    from ..documents.text import Chunk

    model = builtin()
    passages = [
        "The train to Madrid leaves at nine in the morning.",
        "My grandmother grows tomatoes in her garden.",
        "Close the window, please: it is cold.",
    ]
    # Across languages with the model; the weaker fallback only matches words.
    question = "When does the train leave?" if model.weak else "¿A qué hora sale el tren?"
    chunks = [Chunk(i, 0, len(text), text, len(text.split())) for i, text in enumerate(passages)]
    index = SessionIndex(f"self-test-{os.getpid()}")
    try:
        index.add("self-test", "passages", "self-test", chunks, model.passages(passages))
        hits = index.search("self-test", model.query(question), limit=1)
    finally:
        index.wipe()
    if not hits or hits[0].chunk != 0:
        found = hits[0].text if hits else "nothing"
        raise RuntimeError(f"asked about the train, the search found {found!r}")
    weaker = " (weaker fallback)" if model.weak else ""
    return f"{model.name}{weaker}: Chroma found the passage a question asks about"


def word_data() -> str:
    from .words import table

    sizes = {lang: len(table(lang)) for lang in ("es", "en")}
    if not all(sizes.values()):
        raise RuntimeError(f"word lists missing: {sizes}")
    return f"{sizes['es']:,} Spanish and {sizes['en']:,} English words"


def keyring_backend() -> str:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise RuntimeError("no keyring: API keys and sync tokens cannot be kept")
    return type(backend).__module__ + "." + type(backend).__name__


def checks() -> dict[str, Check]:
    """Every check that needs no window system."""
    return {
        "content": run_check(True, content),
        "database": run_check(True, database),
        "embedder": run_check(True, embedder),
        "word_data": run_check(False, word_data),
        "keyring": run_check(False, keyring_backend),
    }
