"""Tokenising and normalising: an answer or reference becomes a list of comparable tokens.

NFC and apostrophes normalised, words split, English contractions expanded (each part keeps the
whole written word), numbers in words or digits read as values (so "ten", "diez" and "10" match).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from .lexicon import _fold, _words
from .types import MAX_TOKENS

# Raw characters looked at: far more than MAX_TOKENS normal words need, and it keeps NFC
# normalisation and tokenisation of a pasted 10 MB blob cheap.
_MAX_CHARS = 8_000


_APOSTROPHES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'", "\u2032": "'"}
)


_EN_NT_HOSTS = _words("do does did is are was were have has had could would should must need")


_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


# English contractions: each maps to the sub-words, each sub-word a tuple of accepted spellings.
_Expansion = tuple[tuple[str, ...], ...]


_EN_FIXED: dict[str, _Expansion] = {
    "can't": (("can",), ("not",)),
    "cannot": (("can",), ("not",)),
    "won't": (("will",), ("not",)),
    "shan't": (("shall",), ("not",)),
    "ain't": (("is",), ("not",)),
    "let's": (("let",), ("us",)),
    "i'm": (("i",), ("am",)),
}


_EN_S_PRONOUNS = _words("he she it that there what where who here how")


_EN_D_PRONOUNS = _words("i you he she we they it there who")


_EN_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("n't", ("not",)),
    ("'re", ("are",)),
    ("'ve", ("have",)),
    ("'ll", ("will",)),
)


# Contractions typed without the apostrophe: graded as the contraction plus a spelling slip.
# Only spellings that are not ordinary words themselves (so no its, were, well, ill, wont).
_EN_NO_APOSTROPHE = {
    w.replace("'", ""): w
    for w in _words(
        "don't doesn't didn't isn't aren't wasn't weren't can't wouldn't shouldn't couldn't "
        "haven't hasn't hadn't i'm you're they're i've you've we've they've that's what's "
        "there's he's she's you'll they'll you'd they'd"
    )
}


def _seq(text: str) -> list[str]:
    return text.split()


# Numbers written as words (accent-folded), so that "ten", "diez" and "10" match.
_EN_UNITS = {
    w: n
    for n, w in enumerate(
        _seq(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
            "fifteen sixteen seventeen eighteen nineteen"
        )
    )
}


_EN_TENS = {
    w: 10 * n
    for n, w in enumerate(_seq("twenty thirty forty fifty sixty seventy eighty ninety"), start=2)
}


_ES_UNITS = {
    w: n
    for n, w in enumerate(
        _seq(
            "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce "
            "quince dieciseis diecisiete dieciocho diecinueve veinte veintiuno veintidos "
            "veintitres veinticuatro veinticinco veintiseis veintisiete veintiocho veintinueve"
        )
    )
} | {"veintiun": 21, "veintiuna": 21}


_ES_TENS = {
    w: 10 * n
    for n, w in enumerate(
        _seq("treinta cuarenta cincuenta sesenta setenta ochenta noventa"), start=3
    )
}


_ES_HUNDREDS = {"cien": 100, "ciento": 100} | {
    w + ending: 100 * n
    for n, w in (
        (2, "doscient"),
        (3, "trescient"),
        (4, "cuatrocient"),
        (5, "quinient"),
        (6, "seiscient"),
        (7, "setecient"),
        (8, "ochocient"),
        (9, "novecient"),
    )
    for ending in ("os", "as")
}


class _Tok:
    """A normalised word; contractions expand into several tokens sharing one `src`."""

    __slots__ = ("alts", "fold", "key", "last", "num", "orig", "slip", "src", "text")

    def __init__(
        self,
        text: str,
        orig: str,
        src: int,
        alts: tuple[str, ...] = (),
        slip: str | None = None,
        num: int | None = None,
        last: int | None = None,
    ) -> None:
        self.text = text  # the word as written (or the expanded word of a contraction)
        self.orig = orig  # the whole original token
        self.src = src  # index of the (first) original word
        self.last = src if last is None else last  # index of the last original word
        self.key = text.lower()
        self.fold = _fold(self.key)
        self.alts = frozenset(alts) if alts else frozenset((self.key,))
        self.slip = slip  # correct spelling when the learner dropped a contraction's apostrophe
        self.num = num  # the value of a number written in words or digits


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text[:_MAX_CHARS]).translate(_APOSTROPHES)


def _raw_words(text: str) -> tuple[list[str], bool]:
    """Split text into words (punctuation dropped); cap the count. Returns (words, truncated)."""
    truncated = len(text) > _MAX_CHARS
    words: list[str] = []
    for match in _WORD_RE.finditer(_normalise(text)):
        if len(words) >= MAX_TOKENS:
            return words, True
        words.append(match.group())
    return words, truncated


def _en_expansion(lower: str) -> _Expansion | None:
    if lower in _EN_FIXED:
        return _EN_FIXED[lower]
    for suffix, alts in _EN_SUFFIXES:
        if lower.endswith(suffix) and len(lower) > len(suffix):
            return ((lower[: -len(suffix)],), alts)
    head, _, tail = lower.rpartition("'")
    if tail == "s" and head in _EN_S_PRONOUNS:
        return ((head,), ("is", "has"))
    if tail == "d" and head in _EN_D_PRONOUNS:
        return ((head,), ("would", "had"))
    if tail == "m" and head == "i":
        return (("i",), ("am",))
    return None


def _en_below_100(w: Sequence[str], i: int) -> tuple[int, int] | None:
    word = w[i]
    if word in _EN_TENS:
        value = _EN_TENS[word]
        if i + 1 < len(w) and 0 < _EN_UNITS.get(w[i + 1], 0) < 10:
            return i + 2, value + _EN_UNITS[w[i + 1]]
        return i + 1, value
    if word in _EN_UNITS:
        return i + 1, _EN_UNITS[word]
    return None


def _es_below_100(w: Sequence[str], i: int) -> tuple[int, int] | None:
    word = w[i]
    if word in _ES_TENS:
        value = _ES_TENS[word]
        if i + 2 < len(w) and w[i + 1] == "y" and 0 < _ES_UNITS.get(w[i + 2], 0) < 10:
            return i + 3, value + _ES_UNITS[w[i + 2]]
        return i + 1, value
    if word in _ES_UNITS:
        return i + 1, _ES_UNITS[word]
    return None


def _number_at(w: Sequence[str], i: int, lang: str) -> tuple[int, int] | None:
    """(end, value) of a number written at w[i:end] (folded lower-case words), else None."""
    word = w[i]
    if word.isdigit():
        return (i + 1, int(word)) if len(word) <= 9 else None
    if lang == "en":
        if word in ("a", "one") and i + 1 < len(w) and w[i + 1] in ("hundred", "thousand"):
            end, value = i + 1, 1
        else:
            found = _en_below_100(w, i)
            if found is None:
                return None
            end, value = found
        if end < len(w) and w[end] == "hundred" and 0 < value < 10:
            value, end = value * 100, end + 1
            nxt = end + 1 if end < len(w) and w[end] == "and" else end
            rest = _en_below_100(w, nxt) if nxt < len(w) else None
            if rest is not None and rest[1] > 0:
                end, value = rest[0], value + rest[1]
        if end < len(w) and w[end] == "thousand" and 0 < value < 1000:
            value, end = value * 1000, end + 1
        return end, value
    if lang != "es":
        return None
    if word in _ES_HUNDREDS:
        end, value = i + 1, _ES_HUNDREDS[word]
        if word != "cien" and end < len(w):
            rest = _es_below_100(w, end)
            if rest is not None and rest[1] > 0:
                end, value = rest[0], value + rest[1]
    elif word == "mil":
        end, value = i, 1
    else:
        found = _es_below_100(w, i)
        if found is None:
            return None
        end, value = found
    if end < len(w) and w[end] == "mil" and 0 < value < 1000:
        value, end = value * 1000, end + 1
    return end, value


def _tokens(words: Sequence[str], lang: str) -> list[_Tok]:
    toks: list[_Tok] = []
    folded = [_fold(w.lower()) for w in words]
    src = 0
    while src < len(words):
        word = words[src]
        number = _number_at(folded, src, lang)
        if number is not None:
            end, value = number
            text = " ".join(words[src:end])
            toks.append(_Tok(text, text, src, num=value, last=end - 1))
            src = end
            continue
        lower = word.lower()
        slip = None
        expansion = None
        if lang == "en":
            if lower in _EN_NO_APOSTROPHE:
                slip = _EN_NO_APOSTROPHE[lower]
                expansion = _en_expansion(slip)
            elif lower.endswith("'t") and lower[:-2] in _EN_NT_HOSTS:
                slip = lower[:-2] + "n't"  # "do't" for "don't"
                expansion = _en_expansion(slip)
            elif lower.endswith("n") and lower[:-1] in _EN_NT_HOSTS - _words("is was"):
                slip = lower + "'t"  # "don" (apostrophe and t lost) for "don't"
                expansion = _en_expansion(slip)
            else:
                expansion = _en_expansion(lower)
        if expansion is None:
            toks.append(_Tok(word, word, src))
        else:
            for n, alts in enumerate(expansion):
                text = alts[0]
                if n == 0:
                    # Keep the learner's capitalisation on the first part ("Don't" -> "Do").
                    text = word[: len(text)] if lower.startswith(text) else text
                    if word[:1].isupper():
                        text = text[:1].upper() + text[1:]
                toks.append(_Tok(text, word, src, alts, slip))
        src += 1
    return toks


@lru_cache(maxsize=8192)
def _reference(text: str, lang: str) -> tuple[tuple[_Tok, ...], tuple[str, ...]]:
    """Tokenised reference; cached because the same references are graded again and again."""
    words, _ = _raw_words(text)
    return tuple(_tokens(words, lang)), tuple(words)


@lru_cache(maxsize=8192)
def _bag(text: str, lang: str) -> tuple[Counter[str], int]:
    """The folded words of a reference as a multiset, for a quick closeness estimate."""
    toks = _reference(text, lang)[0]
    return Counter(t.fold for t in toks), len(toks)
