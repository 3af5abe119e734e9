"""Your own documents, for the session: add, process, search, read and practise with them.

Processing runs on the library's own thread (one document at a time), never on the UI's data
worker, so Practice and Review stay quick while a long PDF is embedded. Everything else (adding
a row, searching, reading, cards) is quick work for the caller's worker.

What is kept: the metadata row in the profile, none of it the document's text (the name the
person chose, type, size, time, status, word count, language, level).
What is not: the uploaded copy (deleted as soon as its text is out), the text, the chunks and
the vectors (in memory; wiped at logout). A session that never logged out (a crash, a kill) has
its folder removed at the next start, and its documents are marked no longer available.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aidioma_protocol.events import Event
from aidioma_protocol.ids import uuid7

from ..documents import embed
from ..documents.embed import Embedder
from ..documents.embed import EmbeddingConfig as EmbeddingConfig  # re-exported for ui/
from ..documents.errors import Cancelled, DocumentError
from ..documents.extract import check_size, file_type
from ..documents.language import LEARNED
from ..documents.language import name as language_name
from ..documents.lemma import Frequency, band
from ..documents.pipeline import DocumentText, ingest
from ..documents.text import word_spans, words
from ..domain.errors import AppError
from ..store.paths import AppPaths
from ..store.secrets import SecretStore
from .library_session import LibrarySession, _sessions, open_session
from .words import table as word_table
from .words import text_level

if TYPE_CHECKING:
    from .session import Learner

log = logging.getLogger(__name__)

LIVE = ("pending", "processing", "ready")  # statuses that end with the session
KEYRING_SERVICE = "AIdioma"
KEYRING_USER = "embeddings-api-key"


class LibraryError(AppError):
    pass


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    filename: str
    file_type: str
    uploaded_at: int
    status: str  # pending, processing, ready, failed, cancelled, expired
    error: str | None
    fraction: float = 0.0  # how far processing is, 0..1
    loaded: bool = False  # its text is in memory (this session)
    # What is kept of a document, none of it its text:
    size_bytes: int = 0
    words: int = 0
    language: str = ""  # "es", "en", "de"...; "" not known
    level: str = ""  # beginner, intermediate, advanced (Spanish and English only)

    @property
    def available(self) -> bool:
        return self.status == "ready" and self.loaded

    @property
    def learnable(self) -> bool:
        """Not found to be in a language other than those word help and practice cover (a text
        too short to tell is taken to be in one of them)."""
        return learnable(self.language)


@dataclass(frozen=True)
class Passage:
    doc_id: str
    filename: str
    text: str
    score: float
    start: int
    end: int


@dataclass(frozen=True)
class WordInfo:
    word: str
    lemma: str
    how: str  # irregular, known, rule, as is
    rank: int | None  # 1 = most common; None: not in the list
    band: str  # top100, top500, listed, rare
    list_size: int
    in_document: int  # how often the lemma appears in the document
    sentence: str  # the sentence it was clicked in (in memory only: never put into an event)


@dataclass(frozen=True)
class Reading:
    doc_id: str
    filename: str
    paragraphs: list[str]
    words: int


@dataclass(frozen=True)
class ReadingItem:
    doc_id: str
    filename: str
    sentence: int  # index among the document's sentences
    es: str
    words: int
    difficulty: float  # 0 easy .. 1 hard


_api_key_store: list[SecretStore] = []  # made on first use, off the UI thread


def _api_keys() -> SecretStore:
    if not _api_key_store:
        _api_key_store.append(SecretStore(KEYRING_SERVICE))
    return _api_key_store[0]


def load_api_key() -> str:
    """The embedding service's API key from the OS keyring ('' when none)."""
    return _api_keys().get(KEYRING_USER) or ""


def save_api_key(key: str) -> bool:
    """Keep the key in the OS keyring; False when there is none (kept for this run only)."""
    store = _api_keys()
    if key:
        store.set(KEYRING_USER, key)
    else:
        store.delete(KEYRING_USER)
    return store.persistent


def _checked_url(config: EmbeddingConfig) -> str:
    """The service's address, normalised; plain http only to this computer, unless the person
    ticked 'Allow insecure connection' (the same rule as the sync server's address)."""
    from ..sync.client import check_server_url  # here: it imports httpx (start-up time)

    try:
        check_server_url(config.url, insecure=True)
    except AppError as exc:
        raise DocumentError(
            f"'{config.url}' is not an address such as https://embeddings.example.org. "
            "Check it in Settings → Embeddings."
        ) from exc
    try:
        return check_server_url(config.url, config.insecure)
    except AppError as exc:
        raise DocumentError(
            f"{config.url.strip()} uses plain http, so your documents' text and your API key "
            "would cross the network unencrypted. Use https, or tick 'Allow insecure "
            "connection' in Settings → Embeddings if you trust this network."
        ) from exc


def _safe(exc: BaseException) -> str:
    """An exception for the log without its message (which may quote a document's text): its
    type and where it was raised."""
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    return f"{type(exc).__name__} at {where}"


@lru_cache(maxsize=2)
def frequency(lang: str = "es") -> Frequency:
    """Ranks and lemmas of Spanish or English words (loaded once, on first use, off the UI
    thread: simplemma's data and the word list take a moment)."""
    import simplemma

    return Frequency(lang, word_table(lang), partial(simplemma.lemmatize, lang=lang))


def learnable(language: str) -> bool:
    """Spanish, English, or not told (a text too short to tell is taken to be one of them)."""
    return language in LEARNED or not language


def not_learnable(language: str) -> str:
    """What a person is told of a document in another language."""
    return (
        f"This looks like {language_name(language) or language}: word help and practice cover "
        "Spanish and English."
    )


Update = Callable[[DocumentInfo], None]  # called on the ingest thread


class LibraryService:
    """The learner's documents in this session. Construct it freely: nothing heavy happens
    until a document is added (Chroma and the model load on the ingest thread)."""

    def __init__(
        self, learner: Learner, paths: AppPaths, config: EmbeddingConfig | None = None
    ) -> None:
        self.learner = learner
        self.paths = paths
        self.config = config or EmbeddingConfig()
        self._embedder: Embedder | None = None
        self._embedder_lock = threading.Lock()
        self._deliver = threading.Lock()  # held while an update is handed to the page
        self._muted = False

    # ---- state ------------------------------------------------------------------------

    @property
    def _state(self) -> LibrarySession:
        if not self.learner.session_id:
            raise LibraryError("You are logged out; log in again to use your documents.")
        return open_session(self.paths, self.learner.session_id)

    def _current(self) -> LibrarySession | None:
        """The session's state if it exists (reads never create it)."""
        return _sessions.get(self.learner.session_id or "")

    @property
    def embedder(self) -> Embedder:
        with self._embedder_lock:
            if self._embedder is None:
                config = self.config
                if config.provider in ("ollama", "openai"):
                    config = replace(config, url=_checked_url(config))
                if config.provider == "openai" and not config.api_key:
                    config = replace(config, api_key=load_api_key())
                self._embedder = embed.make_embedder(config)
            return self._embedder

    def embedder_name(self) -> tuple[str, bool]:
        """The model in use and whether it is the weaker fallback."""
        e = self.embedder
        return e.name, e.weak

    def set_embedding(self, config: EmbeddingConfig) -> None:
        """Use another embedding model from now on; documents of this session are embedded
        again with it (in the background, on the ingest thread)."""
        with self._embedder_lock:
            self.config = config
            old, self._embedder = self._embedder, None
        state = self._current()
        if old is None or state is None or not state.texts:
            return
        state.executor.submit(self._reembed, state, old.key)

    def _reembed(self, state: LibrarySession, old_key: str) -> None:
        try:
            e = self.embedder
            for doc in list(state.texts.values()):
                for first in range(0, len(doc.chunks), embed.BATCH):
                    if state.stop.is_set():
                        return
                    batch = doc.chunks[first : first + embed.BATCH]
                    vectors = e.passages([c.text for c in batch])  # slow: outside the lock
                    with state.work:
                        if state.stop.is_set():
                            return
                        state.index.add(e.key, doc.doc_id, doc.filename, batch, vectors)
                doc.embedder_key = e.key
            with state.work:
                if not state.stop.is_set():
                    state.index.drop(old_key)
        except Exception as exc:
            if not state.stop.is_set():
                log.warning("re-embedding failed: %s", _safe(exc))

    # ---- documents --------------------------------------------------------------------

    def documents(self) -> list[DocumentInfo]:
        state = self._current()
        out = []
        for row in reversed(self.learner.db.documents()):
            doc = state.texts.get(row.id) if state else None
            out.append(
                DocumentInfo(
                    id=row.id,
                    filename=row.filename,
                    file_type=row.file_type,
                    uploaded_at=row.uploaded_at,
                    status=row.status,
                    error=row.error,
                    fraction=state.fractions.get(row.id, 0.0) if state else 0.0,
                    loaded=doc is not None,
                    size_bytes=row.size_bytes,
                    words=row.words,
                    language=row.language,
                    level=row.level,
                )
            )
        return out

    def info(self, doc_id: str) -> DocumentInfo:
        for d in self.documents():
            if d.id == doc_id:
                return d
        raise LibraryError("That document is no longer in your list.")

    def add(self, path: Path, on_update: Update | None = None) -> DocumentInfo:
        """Record the document and queue it for processing; returns at once.

        A file that cannot be taken (an unsupported type, too large) gets a failed row with
        the reason, so every file the person chose shows up with what happened to it.
        """
        path = Path(path)
        state = self._state
        now = self.learner.clock.now_ms()
        doc_id = uuid7(now)
        kind = path.suffix.lower().lstrip(".") or "?"
        error: str | None = None
        size = 0
        try:
            kind = file_type(path)
            size = check_size(path)
        except DocumentError as exc:
            error = str(exc)
        db = self.learner.db
        db.add_document(
            doc_id,
            state.session_id,
            path.name[:200],
            kind[:20],
            now,
            "failed" if error else "pending",
            error,
            size,
        )
        info = self.info(doc_id)
        if error is None:
            state.cancels[doc_id] = threading.Event()
            state.executor.submit(self._process, state, path, doc_id, on_update)
        return info

    def cancel(self, doc_id: str) -> None:
        """Stop processing (noticed between pages and between batches of chunks)."""
        state = self._current()
        cancel = state.cancels.get(doc_id) if state else None
        if cancel is not None:
            cancel.set()

    def remove(self, doc_id: str) -> None:
        """Take a document out of the list (and its vectors out of the session). One still
        queued or processing is cancelled; its row goes when its job ends, whatever the job
        got to (it never comes back as ready)."""
        state = self._current()
        if state is None:
            self.learner.db.delete_document(doc_id)
            return
        with state.work:
            cancel = state.cancels.get(doc_id)
            if cancel is not None:  # its job deletes the row when it ends
                state.removed.add(doc_id)
                cancel.set()
                return
            if doc_id in state.texts:
                state.index.remove_document(doc_id)
                state.texts.pop(doc_id, None)
            self.learner.db.delete_document(doc_id)

    def stop_updates(self) -> None:
        """The page that gets this session's updates is going (logout): cancel processing and
        deliver nothing more. When this returns, no update is being delivered either."""
        with self._deliver:
            self._muted = True
        state = self._current()
        if state is not None:
            for cancel in list(state.cancels.values()):
                cancel.set()

    def wait_idle(self, timeout_s: float = 600) -> None:
        """Block until queued processing is done (scripts, benchmarks and the kill test)."""
        state = self._current()
        if state is None:
            return
        done = threading.Event()
        state.executor.submit(done.set)
        done.wait(timeout_s)

    def _process(
        self, state: LibrarySession, path: Path, doc_id: str, on_update: Update | None
    ) -> None:
        db = self.learner.db
        cancel = state.cancels[doc_id]
        last = [-1.0]

        def tell() -> None:
            if on_update is None or self._muted or state.stop.is_set():
                return
            try:
                info = self.info(doc_id)
            except Exception:  # removed from the list meanwhile, or logged out just now
                return
            with self._deliver:
                if not self._muted:
                    on_update(info)

        def progress(_stage: str, fraction: float) -> None:
            state.fractions[doc_id] = fraction
            if fraction - last[0] >= 0.01 or fraction >= 1.0:  # at most a hundred updates
                last[0] = fraction
                tell()

        doc: DocumentText | None = None
        status, error = "ready", None
        try:
            with state.work:
                if cancel.is_set():
                    raise Cancelled()
                db.update_document(doc_id, "processing")
            tell()
            doc = ingest(path, doc_id, state.folder, self.embedder, state.index, progress, cancel)
        except Cancelled as exc:
            status, error = "cancelled", str(exc)
        except DocumentError as exc:
            status, error = "failed", str(exc)
        except Exception as exc:  # anything else still ends as a readable, per-file failure
            if not state.stop.is_set():
                log.warning("processing a document failed: %s", _safe(exc))
            status = "failed"
            error = f"{path.name} could not be processed ({type(exc).__name__})."
        # Worked out before the lock: the logout wipe waits on it, and this reads every word.
        level = ""
        if doc is not None and doc.language in LEARNED:
            level = text_level(words(doc.text), doc.language)
        with state.work:
            state.cancels.pop(doc_id, None)
            state.fractions.pop(doc_id, None)
            if state.stop.is_set():  # logged out: the wipe has dealt with all of it
                return
            if doc_id in state.removed:  # taken out of the list while it was processed
                state.removed.discard(doc_id)
                if doc is not None:
                    state.index.remove_document(doc_id)
                db.delete_document(doc_id)
                return
            if doc is not None:
                state.texts[doc_id] = doc
                db.update_document(
                    doc_id, "ready", words=doc.words, language=doc.language, level=level
                )
            else:
                db.update_document(doc_id, status, error=error)
        tell()

    # ---- reading and learning ---------------------------------------------------------

    def _doc(self, doc_id: str) -> DocumentText:
        state = self._current()
        doc = state.texts.get(doc_id) if state else None
        if doc is None:
            raise LibraryError(
                "That document is not available any more: documents last only for the session "
                "they were added in. Add it again to read it."
            )
        return doc

    def search(self, query: str, limit: int = 5, doc_id: str | None = None) -> list[Passage]:
        """The passages closest in meaning to the query, in any language the model knows."""
        query = query.strip()
        if not query:
            return []
        state = self._current()
        if state is None:  # nothing was added in this session
            return []
        e = self.embedder
        hits = state.index.search(e.key, e.query(query), limit, doc_id)
        return [Passage(h.doc_id, h.filename, h.text, h.score, h.start, h.end) for h in hits]

    def reading(self, doc_id: str) -> Reading:
        doc = self._doc(doc_id)
        return Reading(doc.doc_id, doc.filename, [p.text for p in doc.paragraphs], doc.words)

    def word(
        self, word: str, doc_id: str | None = None, sentence: str = "", lang: str = "es"
    ) -> WordInfo:
        """The lemma of a word, how common it is, and how often the document uses it (in the
        document's language, when it is English; Spanish otherwise)."""
        doc = self._doc(doc_id) if doc_id is not None else None
        if doc is not None:
            lang = "en" if doc.language == "en" else "es"
        freq = frequency(lang)
        found = freq.lemmatiser.lemma(word)
        rank = freq.rank(word)
        in_document = 0
        if doc is not None:
            lemma = freq.lemmatiser.lemma
            in_document = sum(1 for w in words(doc.text) if lemma(w).lemma == found.lemma)
        return WordInfo(
            word, found.lemma, found.how, rank, band(rank, freq.size), freq.size, in_document,
            sentence,
        )  # fmt: skip

    def word_at(self, doc_id: str, paragraph: int, at: int) -> WordInfo | None:
        """The word at character `at` of the document's paragraph number `paragraph` (what the
        Reading view clicked), with the sentence around it; None between words."""
        doc = self._doc(doc_id)
        if not 0 <= paragraph < len(doc.paragraphs):
            return None
        para = doc.paragraphs[paragraph]
        span = next((w for w in word_spans(para.text) if w.start <= at <= w.end), None)
        if span is None:
            return None
        where = para.start + span.start
        sentence = next((s.text for s in doc.sentences if s.start <= where < s.end), "")
        return self.word(span.text, doc_id, sentence)

    def practice_items(self, doc_id: str, limit: int = 30) -> list[ReadingItem]:
        """The document's sentences for reading practice, easiest first (by word frequency).
        None from a document in a language other than Spanish or English."""
        doc = self._doc(doc_id)
        if not learnable(doc.language):
            raise LibraryError(not_learnable(doc.language))
        freq = frequency("en" if doc.language == "en" else "es")
        seen: set[str] = set()
        items = []
        for number, s in enumerate(doc.sentences):
            ws = words(s.text)
            key = s.text.casefold()
            if not 3 <= len(ws) <= 40 or key in seen or len(s.text) > 500:
                continue
            seen.add(key)
            items.append(
                ReadingItem(doc.doc_id, doc.filename, number, s.text, len(ws), freq.difficulty(ws))
            )
        items.sort(key=lambda item: (item.difficulty, item.sentence))
        return items[:limit]

    def add_card(self, es: str, en: str, doc_id: str | None = None, note: str = "") -> Event:
        """A review card of the learner's own (a word or a sentence) as a `card.added` event."""
        es, en = es.strip(), en.strip()
        if not es:
            raise LibraryError("Choose a word or a sentence for the card first.")
        if not en:
            raise LibraryError("Type what it means in your language: the card needs both sides.")
        source = ""
        if doc_id is not None:
            source = next((d.filename for d in self.documents() if d.id == doc_id), "")
        rank = frequency().rank(es) if len(es.split()) == 1 else None
        level = "beginner" if rank is not None and rank <= 500 else "intermediate"
        payload: dict[str, Any] = {
            "content_id": "mine-" + hashlib.sha1(es.casefold().encode()).hexdigest()[:16],
            "es": es[:500],
            "en": en[:500],
            "level": level,
            "category": "my_cards",
            "source": source[:200],
        }
        if note.strip():
            payload["note"] = note.strip()[:500]
        return self.learner.record("card.added", payload)

    def save_translation(self, item: ReadingItem, answer: str, duration_ms: int) -> list[Event]:
        """The learner's own translation of a sentence: a `reading.translated` event, plus a
        `reading.logged` one so the reading counts for the day and the streak."""
        answer = answer.strip()
        if not answer:
            raise LibraryError("Type your translation first.")
        duration = max(0, min(duration_ms, 3_600_000))
        return self.learner.record_many(
            [
                (
                    "reading.translated",
                    {
                        "source": item.filename[:200],
                        "es": item.es[:500],
                        "answer": answer[:2000],
                        "difficulty": item.difficulty,
                        "duration_ms": duration,
                    },
                ),
                (
                    "reading.logged",
                    {"title": item.filename[:200], "words": item.words, "duration_ms": duration},
                ),
            ]
        )
