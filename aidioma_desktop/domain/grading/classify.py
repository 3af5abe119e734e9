"""The error classifier: what kind of difference lies between a reference word and an answer word
(accent, spelling, agreement, verb form, negation, another word), and the persons and tenses
of verb forms that the feedback and the unsure rule name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from .lexicon import (
    _AGREEMENT,
    _DETERMINER_SWAPS,
    _EN_LEMMAS,
    _EN_PAST,
    _ES_DEGREE,
    _ES_DIACRITIC,
    _ES_ENDINGS,
    _ES_JUDGED_VERBS,
    _ES_LEMMAS,
    _ES_PAST_IRREGULAR,
    _ES_PRESENT_IRREGULAR,
    _ES_SELF_VERBS,
    _ES_TENSE_ENDINGS,
    _ES_VERB_ONLY,
    _FIELDS,
    _NEGATIONS,
    _SAME,
    _TU_USTED,
    _fold,
)
from .tokens import _Tok
from .types import Zipf

# A word at least this common (about once in two million words) is a real word, not a typo.
_REAL_WORD_ZIPF = 3.3


def _damerau(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, giving up (returning limit + 1) beyond `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        row_min = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = value
            row_min = min(row_min, value)
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _es_singulars(word: str) -> set[str]:
    forms = {word}
    if word.endswith("s") and len(word) > 3:
        forms.add(word[:-1])
        if word.endswith("es"):
            forms.add(word[:-2])
            if word.endswith("ces"):
                forms.add(word[:-3] + "z")
    return forms


_O_A = ("oa", "ao")


def _es_ending_agreement(a: str, b: str) -> bool:
    """Gender/number variants: rojo/roja/rojos/rojas, grande/grandes, español/española."""
    for x in _es_singulars(a):
        for y in _es_singulars(b):
            if x == y:
                return True
            if len(x) >= 3 and len(y) == len(x) and x[:-1] == y[:-1] and x[-1] + y[-1] in _O_A:
                return True
            if len(x) >= 3 and (y == x + "a" or x == y + "a") and min(x, y, key=len)[-1] in "nrls":
                return True
    return False


@lru_cache(maxsize=8192)
def _es_stem(word: str) -> tuple[str, str]:
    """(stem, regular verb ending) of an accent-folded word; cached, the ending scan is slow."""
    for ending in _ES_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            return word[: -len(ending)], ending
    return word, ""


def _es_verb_pair(r: _Tok, a: _Tok, verb_context: bool) -> bool:
    lemmas_r = _ES_LEMMAS.get(r.fold)
    lemmas_a = _ES_LEMMAS.get(a.fold)
    if lemmas_r and lemmas_a:
        return bool(lemmas_r & lemmas_a)
    if r.fold[:2] != a.fold[:2]:
        return False  # regular forms share the start of the stem
    stem_r, end_r = _es_stem(r.fold)
    stem_a, end_a = _es_stem(a.fold)
    if stem_r != stem_a or not end_r or not end_a:
        return False
    accented = r.key[-1:] in "éíó" or a.key[-1:] in "éíó"
    return verb_context or accented or end_r in _ES_VERB_ONLY or end_a in _ES_VERB_ONLY


def _en_plural(a: str, b: str) -> bool:
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if len(short) < 2:
        return False
    return long_ in (short + "s", short + "es") or (
        short.endswith("y") and long_ == short[:-1] + "ies"
    )


def _en_stem(word: str) -> str:
    for suffix in ("ing", "ied", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if suffix in ("ied", "ies"):
                return stem + "y"
            if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]  # stopped -> stop
            return stem
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


@lru_cache(maxsize=8192)
def _en_lemmas(word: str) -> frozenset[str]:
    found = _EN_LEMMAS.get(word)
    if found:
        return found
    stem = _en_stem(word)
    return _EN_LEMMAS.get(stem) or _EN_LEMMAS.get(stem + "e") or frozenset((stem,))


def _determiner_swap(r: str, a: str, lang: str) -> bool:
    """'the' for 'my' (or the other way round): a nuance, not a change of meaning."""
    sets = _DETERMINER_SWAPS.get(lang)
    if sets is None:
        return False
    articles, possessives = sets
    return (r in articles and a in possessives) or (r in possessives and a in articles)


def _classify(r: _Tok, a: _Tok, lang: str, verb_context: bool) -> str:
    """Kind of difference between reference token r and answer token a."""
    if r.alts & a.alts or _same_meaning(r.fold, a.fold, lang):
        return "ok"
    if r.fold == a.fold:
        return "missing_accent"
    if r.num is not None and r.num == a.num:
        return "ok"  # "ten" / "10", "veinticinco" / "25"
    negations = _NEGATIONS.get(lang, frozenset())
    if (r.fold in negations) != (a.fold in negations):
        if r.fold in negations and _negation_typo(r.fold, a.fold):
            return "misspelling"  # "Nuca" for "Nunca"
        return "negation"
    if _determiner_swap(r.key, a.key, lang):
        if lang == "es" and a.key in _ES_ARTICLES:
            return "ok"  # Spanish says "olvidé el cargador" of one's own charger
        return "determiner"
    groups = _AGREEMENT.get(lang, {})
    gr, ga = groups.get(r.key), groups.get(a.key)
    if gr and ga and gr & ga:
        return "agreement"
    if lang == "en" and gr and a.key.endswith("s"):
        # A regularised irregular plural: "childs" for "children", "mans" for "men".
        singular = groups.get(a.key[:-1]) or groups.get(a.key[:-2])
        if singular and singular & gr:
            return "agreement"
    if lang == "es":
        if verb_context and _es_verb_pair(r, a, True):
            return "verb_form"
        if not verb_context and _es_ending_agreement(r.fold, a.fold):
            return "agreement"
        if _es_verb_pair(r, a, verb_context):
            return "verb_form"
    elif lang == "en":
        if _en_plural(r.key, a.key):
            return "agreement"
        if _en_lemmas(r.key) & _en_lemmas(a.key):
            return "verb_form"
    limit = 1 if len(r.fold) <= 5 else 2
    if len(r.fold) >= 3 and _damerau(r.fold, a.fold, limit) <= limit:
        return "misspelling"
    return "wrong_word"


def _es_persons(word: str) -> frozenset[str] | None:
    """Grammatical persons a Spanish verb form can have (None when it can't be told)."""
    folded = _fold(word)
    if word in ("soy", "estoy", "voy", "doy", "he", "sé", "fui"):
        return frozenset(("1s",))
    if word in ("es", "está", "va", "da", "ha", "fue", "hay"):
        return frozenset(("3s",))
    if word in ("eres", "estás", "vas", "has"):
        return frozenset(("2s",))
    if word in ("son", "están", "van", "han"):
        return frozenset(("3p",))
    if len(folded) < 3:
        return None
    if folded.endswith("mos"):
        return frozenset(("1p",))
    if folded.endswith(("ais", "eis")) or word.endswith("ís"):
        return frozenset(("2p",))
    if folded.endswith("n"):
        return frozenset(("3p",))
    if folded.endswith("ste"):
        return frozenset(("2s",))
    if folded.endswith("s"):
        return frozenset(("2s",))
    if word.endswith("ó"):
        return frozenset(("3s",))
    if word.endswith(("é", "í")):
        return frozenset(("1s",))
    if folded.endswith("o"):
        return frozenset(("1s",))
    if folded.endswith(("a", "e")):
        return frozenset(("1s", "3s"))
    return None


def _tense(word: str, lang: str) -> str | None:
    if lang == "es":
        if _fold(word) in _ES_PAST_IRREGULAR:
            return "past"
        if word in _ES_PRESENT_IRREGULAR:
            return "present"
        if len(word) < 3:
            return None
        for tense, endings in _ES_TENSE_ENDINGS:
            if word.endswith(endings):
                return tense
        return None
    if word in _EN_PAST or (word.endswith("ed") and len(word) > 4):
        return "past"
    if word in ("will", "shall"):
        return "future"
    if word.endswith("ing"):
        return None
    return "present"


def _negation_typo(negation: str, word: str) -> bool:
    """'nuca' for 'nunca', 'nothng' for 'nothing': a slip, not a lost negation."""
    return len(negation) >= 4 and len(word) >= 3 and _damerau(negation, word, 1) <= 1


# British -> American spellings, as (ending, replacement) on words of 5 letters or more.
_EN_SPELLINGS = (
    ("ourite", "orite"),
    ("ours", "ors"),
    ("our", "or"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ising", "izing"),
    ("isation", "ization"),
    ("yse", "yze"),
    ("tre", "ter"),
    ("tres", "ters"),
    ("elled", "eled"),
    ("elling", "eling"),
    ("ogue", "og"),
)


def _american(word: str) -> str:
    if word == "grey":
        return "gray"
    if len(word) >= 5:
        for ending, american in _EN_SPELLINGS:
            if word.endswith(ending):
                return word[: -len(ending)] + american
    return word


_ES_ARTICLES = frozenset(("el", "la", "los", "las"))


def _same_meaning(r: str, a: str, lang: str) -> bool:
    """Regional words and spellings a teacher accepts ("coche"/"carro", "colour"/"color")."""
    if a in _SAME.get(lang, {}).get(r, ()):
        return True
    return lang == "en" and r != a and _american(r) == _american(a)


def _accent_changes_word(expected: str, got: str, lang: str, zipf: Zipf | None) -> str | None:
    """Whether a missing or wrong accent makes another word or verb form, and which: "verb"
    (`hablo` for `habló`, `hable` for `hablé`, `hablara` for `hablará`), "word" (`el` for
    `él`, `tu` for `tú`); None for a slip (`esta` for `está`, `dias` for `días`)."""
    if lang != "es" or expected == got:
        return None
    folded = _fold(expected)
    if folded in _ES_DIACRITIC:
        return "word"
    if "ñ" in expected and got == expected.replace("ñ", "n"):
        return "word" if _real_word(got, lang, zipf) else None  # "anos" for "años"
    if got.endswith(("ó", "é")) and folded == expected and len(got) >= 4:
        expected, got = got, expected  # "tomó" for "tomo": the same test the other way
        folded = _fold(expected)
    if got != folded:
        return None  # an accent in another place or of another kind: no other form
    if expected.endswith(("rá", "rás", "rán")) and len(expected) > 4:
        return "verb"  # the future for the past subjunctive
    if expected.endswith(("ó", "é")) and len(expected) >= 4:
        stem = folded[:-2] if folded.endswith("io") else folded[:-1]
        infinitives = (stem + "ar", stem + "er", stem + "ir")
        if zipf is not None and any(zipf(v, "es") >= 2.5 for v in infinitives):
            return "verb"  # preterite for the present or the subjunctive
    return None


def _real_word(word: str, lang: str, zipf: Zipf | None) -> bool:
    """A common word of the language (so a one-letter change that makes it is no typo)."""
    return zipf is not None and zipf(word, lang) >= _REAL_WORD_ZIPF


def _tense_changes(r: str, a: str, lang: str) -> bool:
    """Two verbs of other tenses ("woke" for "get"): no synonym, whatever the words."""
    if lang == "en":
        past_r = r in _EN_PAST or (r.endswith("ed") and len(r) > 4)
        past_a = a in _EN_PAST or (a.endswith("ed") and len(a) > 4)
        verbs = all(w in _EN_LEMMAS or w.endswith("ed") for w in (r, a))
        return past_r != past_a and verbs
    tense_r, tense_a = _tense(r, lang), _tense(a, lang)
    if tense_r is None or tense_a is None or tense_r == tense_a:
        return False
    if _ES_LEMMAS.get(_fold(r), frozenset()) & _ES_LEMMAS.get(_fold(a), frozenset()):
        return True  # two forms of one verb: "acuesto" for "acosté"
    endings = [_es_stem(_fold(w))[1] for w in (r, a)]
    marked = any(w.endswith(("é", "ó", "aron", "ieron", "aba", "ía")) for w in (r, a))
    return marked or all(e in _ES_VERB_ONLY for e in endings)


def _judged_verbs(r: str, a: str) -> bool:
    """Ser for estar, tener for ser ("¿Cuántos años es?"): a choice of verb the grader judges."""
    lemmas_r, lemmas_a = _ES_LEMMAS.get(r, frozenset()), _ES_LEMMAS.get(a, frozenset())
    return bool(lemmas_r & _ES_JUDGED_VERBS and lemmas_a & _ES_JUDGED_VERBS) and not (
        lemmas_r & lemmas_a
    )


def _same_field(r: str, a: str, lang: str) -> bool:
    """Another thing of the same kind ("niece" for "nephew", "gato" for "perro")."""
    fields = _FIELDS.get(lang, {})
    r, a = r.split("'")[0], a.split("'")[0]  # "morning's" for "afternoon's"
    field_r = fields.get(r, fields.get(r[:-1] if r.endswith("s") else r))
    field_a = fields.get(a, fields.get(a[:-1] if a.endswith("s") else a))
    return field_r is not None and field_r == field_a and r != a and not _same_meaning(r, a, lang)


def _formality(r: str, a: str) -> bool:
    """Tú for usted or usted for tú: "te"/"le", "tus"/"sus", "sales"/"sale", "abre"/"abra",
    "avísame"/"avíseme" (accent-folded)."""
    if a in _TU_USTED.get(r, ()) or r in _TU_USTED.get(a, ()):
        return True
    # The second person's -s: "sales"/"sale", "estás"/"está".
    return len(min(r, a, key=len)) >= 2 and (r == a + "s" or a == r + "s")


def _imperative_formality(r: str, a: str, first: bool) -> bool:
    """The tú and usted commands: "abre"/"abra", "perdona"/"perdone", "avísame"/"avíseme"
    (one a/e at the end of the verb; a command starts the sentence or carries its pronoun)."""
    verb_r, verb_a = _ES_ENCLITIC.sub("", r), _ES_ENCLITIC.sub("", a)
    if not (first or verb_r != r) or len(verb_r) != len(verb_a) or len(verb_r) < 3:
        return False
    return verb_r[:-1] == verb_a[:-1] and {verb_r[-1], verb_a[-1]} == {"a", "e"}


_ES_ENCLITIC = re.compile(r"(?:me|te|se|nos|lo|la|le|los|las|les){1,2}$")


def _open_gender(ref: Sequence[_Tok], ri: int, a: str, persons: frozenset[str]) -> bool:
    """ "Contenta" for "contento" after "estoy" (or "estás", "estamos"): the speaker's or the
    listener's gender, which an English source leaves open."""
    r = ref[ri].fold
    pairs = {r[-1:] + a[-1:], r[-2:] + a[-2:]}
    if r[:-1] != a[:-1] and r[:-2] != a[:-2]:
        return False
    if not pairs & {"oa", "ao", "osas", "asos"}:
        return False
    i = ri - 1
    while i >= 0 and ref[i].fold in _ES_DEGREE:
        i -= 1
    if i < 0:
        return False
    verb = ref[i].fold
    if i > 0 and ref[i - 1].fold == "me" and verb.startswith("sient"):
        verb = "siento" if verb == "siento" else verb
    return any(verb in _ES_SELF_VERBS[p] for p in persons)
