"""Plain text into paragraphs, sentences, words and chunks, with Spanish-aware rules.

Offsets are character positions in the normalised text (`normalise`), so a chunk or a sentence
can always be found again in what the Reading view shows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Abbreviations that end in a period but do not end a sentence, even before a capital
# ("el Sr. García", "la Dra. Ruiz"). Lower-cased, without the final period. "etc." is not here:
# it often ends a sentence, and before a lower-case word the general rule keeps it going anyway.
# Words that are also ordinary words ("no", "mar", "don") are left out for the same reason.
_ABBREVIATION_WORDS = (
    "sr sra srta sres sras dr dra dres dras dña lic lda ldo ing arq prof profa ud uds vd vds "
    "ej pp pág págs núm art cap vol tel av avda cía aprox máx mín dept depto admón gral pza "
    "ee uu ss mr mrs ms st jr vs fig ene feb abr jun jul ago sept oct nov dic"
)
ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_CLOSERS = "\"'”’»)]}"
_FULL_WIDTH_ENDS = "。？！"
_CJK_CLOSERS = "」』）】〕"
_OPENERS = "\"'“‘«([{¿¡—–-"
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
# Breaks other than "\n": Qt starts a new block at U+2029 (so a paragraph holding one would
# no longer be one block in the Reading view, and clicks would map to the wrong paragraph);
# the others are line breaks. Mapped before control characters are dropped (U+0085 is one).
_BREAKS = str.maketrans({"\u2029": "\n\n", "\u2028": "\n", "\u0085": "\n", "\v": "\n",
                         "\f": "\n\n"})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Chunk:
    index: int
    start: int
    end: int
    text: str
    words: int


def normalise(raw: str) -> str:
    """NFC text with one blank line between paragraphs and single spaces inside them.

    A single line break (a wrapped line in a PDF or a text file) joins the lines; a word split
    by a hyphen at the end of a line is joined again.
    """
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_BREAKS)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        line = _SPACES.sub(" ", block.replace("\n", " ")).strip()
        if line:
            paragraphs.append(line)
    return "\n\n".join(paragraphs)


def paragraphs(text: str) -> list[Span]:
    spans = []
    position = 0
    for block in text.split("\n\n"):
        if block:
            spans.append(Span(position, position + len(block), block))
        position += len(block) + 2
    return spans


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_spans(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def _token_before(text: str, end: int) -> str:
    """The run of letters and periods just before `end` ("Sr", "EE. UU", "p. ej")."""
    start = end
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    return text[start:end]


def _is_abbreviation(text: str, dot: int) -> bool:
    before = _token_before(text, dot)
    last = before.rsplit(".", 1)[-1]
    if not last:
        return False
    if len(last) == 1 and last.isalpha():  # an initial: "J. R. Jiménez", "EE. UU."
        return True
    return last.casefold() in ABBREVIATIONS


def _starts_sentence(block: str, at: int) -> bool:
    """A capital or a digit, perhaps after opening marks: "¿Qué", "«El", "—Sí" (not "—dijo")."""
    while at < len(block) and block[at] in _OPENERS:
        at += 1
    return at < len(block) and (block[at].isupper() or block[at].isdigit())


def sentences(text: str) -> list[Span]:
    """Sentences of normalised text, never across paragraphs.

    A sentence ends at 。？！ (Chinese, Japanese) at once, and at . ? ! … (and closing quotes)
    followed by a space and a capital or a digit
    (perhaps after an opening ¿ ¡ « or dash), or at the end of the paragraph. So "¡Hola! ¿Qué
    tal?" splits, while "¿Vienes? —preguntó", "p. ej. la casa", "el Sr. García", "3.5 kg" and
    "y luego… nada" do not. A period inside an open ¿…? or ¡…! does not end it.
    """
    found: list[Span] = []
    for para in paragraphs(text):
        block = para.text
        start = 0
        open_marks = 0
        i = 0
        n = len(block)
        while i < n:
            ch = block[i]
            if ch in "¿¡":
                open_marks += 1
            elif ch in "?!":
                open_marks = max(0, open_marks - 1)
            if ch in _FULL_WIDTH_ENDS:  # Chinese and Japanese: no space, no capital follows
                end = i + 1
                while end < n and (block[end] in _FULL_WIDTH_ENDS or block[end] in _CJK_CLOSERS):
                    end += 1
                piece = block[start:end].strip()
                if piece:
                    offset = block.index(piece, start)
                    found.append(Span(para.start + offset, para.start + offset + len(piece), piece))
                start = i = end
                open_marks = 0
                continue
            if ch in ".?!…":
                end = i + 1
                while end < n and block[end] in ".?!…":
                    end += 1
                while end < n and block[end] in _CLOSERS:
                    end += 1
                if end >= n:
                    break
                if block[end] == " " and _starts_sentence(block, end + 1):
                    single_dot = block[i:end].rstrip(_CLOSERS) == "."
                    if not (single_dot and (_is_abbreviation(block, i) or open_marks > 0)):
                        piece = block[start:end]
                        found.append(Span(para.start + start, para.start + end, piece))
                        start = end + 1
                        open_marks = 0
                i = end
                continue
            i += 1
        tail = block[start:].strip()
        if tail:
            offset = block.index(tail, start)
            found.append(Span(para.start + offset, para.start + offset + len(tail), tail))
    return found


def chunks(text: str, max_words: int = 80) -> list[Chunk]:
    """Whole sentences grouped into chunks of at most about `max_words` words.

    A sentence longer than the budget becomes a chunk of its own (cut at the budget), so an
    embedding model with a 512-token window always sees the whole chunk.
    """
    out: list[Chunk] = []
    group: list[tuple[Span, int]] = []
    count = 0

    def flush() -> None:
        nonlocal group, count
        if group:
            first, last = group[0][0], group[-1][0]
            piece = text[first.start : last.end]
            out.append(Chunk(len(out), first.start, last.end, piece, count))
        group, count = [], 0

    for sentence in sentences(text):
        n = len(words(sentence.text))
        if n > max_words:
            flush()
            spans = word_spans(sentence.text)
            for k in range(0, len(spans), max_words):
                part = spans[k : k + max_words]
                s = sentence.start + (0 if k == 0 else part[0].start)
                e = sentence.end if k + max_words >= len(spans) else sentence.start + part[-1].end
                out.append(Chunk(len(out), s, e, text[s:e], len(part)))
            continue
        if count + n > max_words:
            flush()
        group.append((sentence, n))
        count += n
    flush()
    return out
