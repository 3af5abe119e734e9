"""One document, end to end: copy -> extract -> split -> embed -> the session index.

The copy in the session folder is deleted as soon as its text is out, and in any case before
`ingest` returns: on success, failure and cancel alike. A cancel is noticed between pages and
between batches of chunks; whatever was added to the index for the document is taken out again.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .embed import BATCH, Embedder
from .errors import Cancelled, DocumentError
from .extract import (
    MAX_BYTES,
    MAX_WORDS,
    PIECE,
    check_size,
    extract,
    file_type,
    not_a_file,
    too_large,
    too_many_words,
)
from .index import SessionIndex
from .language import detect
from .text import Chunk, Span, chunks, normalise, paragraphs, sentences, words

# (stage, fraction of the whole document 0..1)
Progress = Callable[[str, float], None]


@dataclass
class DocumentText:
    """A processed document, in memory for the session only."""

    doc_id: str
    filename: str
    file_type: str
    text: str
    paragraphs: list[Span]
    sentences: list[Span]
    chunks: list[Chunk]
    words: int
    language: str = ""  # "es", "en", "de"... ("" when it cannot be told)
    embedder_key: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (benchmarks)


def stage_copy(source: Path, folder: Path, doc_id: str, limit: int = MAX_BYTES) -> Path:
    """Copy the file into the session folder, so the original can move or change meanwhile.

    Only a regular file is copied (checked on the open file, so a link swapped for /dev/zero
    or a pipe after it was chosen is refused too), and at most `limit` bytes: a file that
    grows past it while it is copied is refused, never copied until the disk is full.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{doc_id}{source.suffix.lower()}"
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(source, flags)  # non-blocking: opening a pipe must not wait for a writer
    except OSError as exc:
        raise DocumentError(f"{source.name}: the file cannot be read ({exc.strerror}).") from exc
    try:
        with os.fdopen(fd, "rb", buffering=0) as reader:
            if not stat.S_ISREG(os.fstat(reader.fileno()).st_mode):
                raise not_a_file(source.name)
            copied = 0
            with target.open("wb") as writer:
                while piece := reader.read(min(PIECE, limit + 1 - copied)):
                    copied += len(piece)
                    if copied > limit:
                        raise too_large(source.name)
                    writer.write(piece)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise DocumentError(f"{source.name}: the file cannot be read ({exc.strerror}).") from exc
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def ingest(
    source: Path,
    doc_id: str,
    folder: Path,
    embedder: Embedder,
    index: SessionIndex,
    progress: Progress,
    cancel: threading.Event,
) -> DocumentText:
    def check() -> None:
        if cancel.is_set():
            raise Cancelled()

    kind = file_type(source)
    check_size(source)
    timings: dict[str, float] = {}
    copy: Path | None = None
    added = False
    try:
        check()
        started = time.perf_counter()
        copy = stage_copy(source, folder, doc_id)
        check_size(copy)  # it may have grown since it was chosen
        progress("extracting", 0.0)
        raw = extract(copy, kind, lambda f: progress("extracting", 0.2 * f), check, source.name)
        copy.unlink(missing_ok=True)  # the text is out: the copy goes at once
        copy = None
        timings["extract"] = time.perf_counter() - started

        started = time.perf_counter()
        text = normalise(raw)
        del raw
        count = len(words(text))
        if count == 0:
            raise DocumentError(
                f"{source.name} has no text in it. If it is a scan or a picture of text, "
                "AIdioma cannot read it; add a document with real text."
            )
        if count > MAX_WORDS:
            raise too_many_words(source.name, count)
        doc = DocumentText(
            doc_id=doc_id,
            filename=source.name,
            file_type=kind,
            text=text,
            paragraphs=paragraphs(text),
            sentences=sentences(text),
            chunks=chunks(text),
            words=count,
            language=detect(text),
            embedder_key=embedder.key,
            timings=timings,
        )
        timings["split"] = time.perf_counter() - started
        progress("embedding", 0.25)

        timings["embed"] = timings["index"] = 0.0
        total = len(doc.chunks)
        for first in range(0, total, BATCH):
            check()
            batch = doc.chunks[first : first + BATCH]
            started = time.perf_counter()
            vectors = embedder.passages([c.text for c in batch])
            timings["embed"] += time.perf_counter() - started
            started = time.perf_counter()
            added = True
            index.add(embedder.key, doc_id, source.name, batch, vectors)
            timings["index"] += time.perf_counter() - started
            progress("embedding", 0.25 + 0.75 * (first + len(batch)) / total)
        check()
        return doc
    except BaseException:
        if added:
            index.remove_document(doc_id)
        raise
    finally:
        if copy is not None:
            copy.unlink(missing_ok=True)
