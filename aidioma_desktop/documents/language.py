"""Which language a document is in: by its script, then by its most common short words.

Word help and practice cover Spanish and English; a document in another language is still
read and searched, and the person is told in words what it looks like ("this looks like
German"). Common short words tell the languages of the Latin script apart well on a few
hundred words; a text too short or too mixed to tell is "" (not known).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

LEARNED = ("es", "en")  # the languages word help and practice cover

NAMES = {
    "es": "Spanish",
    "en": "English",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "ca": "Catalan",
    "ru": "Russian",
    "el": "Greek",
    "ar": "Arabic",
    "he": "Hebrew",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "hi": "Hindi",
}

# Words frequent in one language and rare in the others (accents kept: "é" is French's).
_COMMON = {
    "es": "el la los las de del que y en un una es por con para no se su al lo como más pero "
    "sus le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde "
    "está son",
    "en": "the of and to in is that it for was on are as with his they at be this have from "
    "or had by not but what all were we when your can said there an which she do their if "
    "will would",
    "fr": "le la les de des du et est un une que qui dans pour pas sur au avec ce il elle ne "
    "sont nous vous mais ou été être cette aux ses leur",
    "de": "der die das und ist nicht ein eine zu den mit von sich des auf für im dem es auch "
    "als an nach wie bei oder aus wird sind werden",
    "it": "il la di che è e un una per non sono del della le gli con si da ma come anche più "
    "nel alla questo ha ci",
    "pt": "o a os as de do da que e em um uma é não para com por se na no mais mas foi ao "
    "dos das como seu sua você isso",
    "nl": "de het een en van is dat op te in niet zijn met voor die er aan ook als bij maar "
    "om heeft wordt nog",
    "ca": "el la els les de del i que en un una és per amb no es al més però com aquest "
    "seu també hi ha són",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _COMMON.items()}
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
SAMPLE_CHARS = 20_000  # enough to tell; a long book need not be read twice


def detect(text: str) -> str:
    """The ISO code of the language of `text`, or "" when it cannot be told."""
    sample = text[:SAMPLE_CHARS]
    script = _script(sample)
    if script:
        return script
    tokens = [t.casefold() for t in _TOKEN.findall(sample)]
    if len(tokens) < 8:
        return ""
    hits: Counter[str] = Counter()
    for token in tokens:
        for lang, words in _WORDS.items():
            if token in words:
                hits[lang] += 1
    if not hits:
        return ""
    ranked = [*hits.most_common(2), ("", 0)]
    best, first = ranked[0]
    second = ranked[1][1]
    # At least one word in twenty a common one, and clearly ahead of the next language.
    if first < len(tokens) / 20 or first < second * 1.3:
        return ""
    return best


def name(code: str) -> str:
    """The language's name in English, for the app's messages ("" for one not known)."""
    return NAMES.get(code, "")


def _script(sample: str) -> str:
    """A language told by its script alone, or "" for the Latin script (or no letters)."""
    counts: Counter[str] = Counter()
    letters = 0
    for ch in sample:
        if not ch.isalpha():
            continue
        letters += 1
        if ch < "\u0250":  # Latin, with its accents
            continue
        kind = unicodedata.name(ch, "").split(" ")[0]
        counts[kind] += 1
    if not letters:
        return ""
    if counts["HIRAGANA"] + counts["KATAKANA"] > letters * 0.05:
        return "ja"
    scripts = {
        "CJK": "zh",
        "HANGUL": "ko",
        "CYRILLIC": "ru",
        "GREEK": "el",
        "ARABIC": "ar",
        "HEBREW": "he",
        "DEVANAGARI": "hi",
    }
    for kind, code in scripts.items():
        if counts[kind] > letters * 0.3:
            return code
    return ""
