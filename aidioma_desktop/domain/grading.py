"""Offline translation grader: compare a learner's answer with the accepted translations.

Pure standard library, no I/O. The grader tokenises both sides, aligns the words (difflib for
the long identical runs, a small weighted edit-distance DP inside the differing stretches),
classifies each difference (accent, spelling, agreement, verb form, negation, ...) and turns the
result into a score, a verdict, per-token marks and one or two sentences of feedback.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any, Literal

__all__ = [
    "MAX_TOKENS",
    "ErrorKind",
    "Grade",
    "GradeError",
    "Mark",
    "MarkStatus",
    "Verdict",
    "grade",
]

Verdict = Literal["correct", "almost", "wrong"]
ErrorKind = Literal[
    "missing_word",
    "extra_word",
    "wrong_word",
    "misspelling",
    "missing_accent",
    "agreement",
    "word_order",
    "verb_form",
    "negation",
    "case",
    "punctuation",
]
MarkStatus = Literal["ok", "minor", "wrong", "extra"]

MAX_TOKENS = 200
# Raw characters looked at: far more than MAX_TOKENS normal words need, and it keeps NFC
# normalisation and tokenisation of a pasted 10 MB blob cheap.
_MAX_CHARS = 8_000
# Above this many DP cells a differing stretch is garbage; skip the fine alignment.
_MAX_DP_CELLS = 12_000


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True, slots=True)
class GradeError:
    """One difference between the answer and the chosen reference."""

    kind: ErrorKind
    expected: str | None
    got: str | None

    def to_dict(self) -> dict[str, str | None]:
        """JSON-ready form."""
        return {"kind": self.kind, "expected": self.expected, "got": self.got}


@dataclass(frozen=True, slots=True)
class Mark:
    """A token of the learner's answer with a highlight status."""

    text: str
    status: MarkStatus

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"text": self.text, "status": self.status}


@dataclass(frozen=True, slots=True)
class Grade:
    """The outcome of grading one answer."""

    score: int
    verdict: Verdict
    errors: tuple[GradeError, ...]
    feedback: str
    reference: str
    marks: tuple[Mark, ...]
    missing: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "score": self.score,
            "verdict": self.verdict,
            "errors": [e.to_dict() for e in self.errors],
            "feedback": self.feedback,
            "reference": self.reference,
            "marks": [m.to_dict() for m in self.marks],
            "missing": list(self.missing),
        }


# --------------------------------------------------------------------------- lexical tables


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _build_fold_table() -> dict[int, str]:
    """Map accented Latin letters (incl. ñ, ü) to their base letter."""
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x250):
        decomposed = unicodedata.normalize("NFD", chr(cp))
        base = decomposed[0]
        if len(decomposed) > 1 and base.isascii() and base.isalpha():
            table[cp] = base
    return table


_FOLD = _build_fold_table()
_APOSTROPHES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'", "\u2032": "'"}
)
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def _fold(text: str) -> str:
    return text.translate(_FOLD)


_NEGATIONS = {
    "es": _words("no nunca nada nadie ni jamas tampoco ningun ninguno ninguna ningunos ningunas"),
    "en": _words("not never no nothing nobody none neither nor nowhere"),
}

# Words whose substitution is a grammar slip rather than a change of content.
_FUNCTION = {
    "es": _words(
        "el la los las lo un una unos unas uno al del de a en con por para sin sobre entre "
        "hasta desde hacia contra segun tras ante bajo y e o u pero sino que porque como "
        "cuando donde si yo tu el ella ello usted nosotros nosotras vosotros vosotras ellos "
        "ellas ustedes me te se nos os le les mi mis su sus tus nuestro nuestra nuestros "
        "nuestras vuestro vuestra vuestros vuestras este esta estos estas ese esa esos esas "
        "aquel aquella aquellos aquellas esto eso aquello muy mas menos tambien ya aqui alli "
        "ahi alla tan tanto mucho mucha muchos muchas poco poca pocos pocas todo toda todos "
        "todas otro otra otros otras algo alguien algun alguno alguna algunos algunas cual "
        "quien cuanto cuanta cuantos cuantas mio mia tuyo tuya suyo suya"
    ),
    "en": _words(
        "a an the of to in on at for with by from about as into onto over under after before "
        "and or but so because if when while than then that this these those i you he she it "
        "we they me him her us them my your his its our their mine yours hers ours theirs "
        "very too also just there here what who whom where why how which some any much many "
        "more most less few little all both each every either can could shall should may "
        "might must will would up down out off"
    ),
}

_ES_SUBJECT_PERSON = {
    "yo": "1s",
    "tú": "2s",
    "él": "3s",
    "ella": "3s",
    "usted": "3s",
    "nosotros": "1p",
    "nosotras": "1p",
    "vosotros": "2p",
    "vosotras": "2p",
    "ellos": "3p",
    "ellas": "3p",
    "ustedes": "3p",
}
# A pronoun after these is an object/prepositional pronoun (or part of a compound subject).
_ES_NOT_SUBJECT_BEFORE = _words(
    "a ante bajo con contra de desde en entre hacia hasta para por segun sin sobre tras "
    "excepto salvo menos incluso y e o u ni como que"
)
_ES_CONJ_AFTER = _words("y e o u ni")
_ES_CLITICS = _words("me te se lo la le los las les nos os no ya tambien nunca siempre")
# After these (or a subject pronoun) a Spanish word is probably a verb, so an o/a/s ending
# means person rather than gender. No articles here: la/lo/los/las are mostly determiners.
_ES_VERB_BEFORE = _words("me te se le les nos os no ya tambien nunca siempre que quien tampoco")

_ES_AGREEMENT_GROUPS = [
    "el la los las lo",
    "un una unos unas uno",
    "este esta estos estas esto",
    "ese esa esos esas eso",
    "aquel aquella aquellos aquellas aquello",
    "mi mis",
    "tu tus",
    "su sus",
    "nuestro nuestra nuestros nuestras",
    "vuestro vuestra vuestros vuestras",
    "él ella",
    "ellos ellas",
    "nosotros nosotras",
    "vosotros vosotras",
    "ningún ninguno ninguna ningunos ningunas",
    "algún alguno alguna algunos algunas",
    "buen bueno buena buenos buenas",
    "mal malo mala malos malas",
    "gran grande grandes",
    "primer primero primera primeros primeras",
    "tercer tercero tercera terceros terceras",
    "cuál cuáles",
    "quién quiénes",
    "cuánto cuánta cuántos cuántas",
    "lo la los las le les",
]
_EN_AGREEMENT_GROUPS = [
    "is are am",
    "was were",
    "has have",
    "does do",
    "doesn't don't",
    "this these",
    "that those",
    "a an",
    "man men",
    "woman women",
    "child children",
    "person people",
    "foot feet",
    "tooth teeth",
    "mouse mice",
    "goose geese",
    "wife wives",
    "knife knives",
    "leaf leaves",
    "life lives",
]


def _group_index(groups: Iterable[str]) -> dict[str, frozenset[int]]:
    index: dict[str, set[int]] = {}
    for gid, group in enumerate(groups):
        for word in group.split():
            index.setdefault(word, set()).add(gid)
    return {word: frozenset(ids) for word, ids in index.items()}


_AGREEMENT = {
    "es": _group_index(_ES_AGREEMENT_GROUPS),
    "en": _group_index(_EN_AGREEMENT_GROUPS),
}

# Irregular verbs: first word is the lemma. Spanish forms are accent-folded.
_ES_IRREGULAR = [
    "ser soy eres es somos sois son era eras eramos erais eran fui fuiste fue fuimos fuisteis "
    "fueron sea seas seamos sean sere seras sera seremos seran seria serian sido siendo",
    "ir voy vas va vamos vais van iba ibas ibamos ibais iban fui fuiste fue fuimos fueron vaya "
    "vayas vayamos vayan ire iras ira iremos iran iria irian ido yendo",
    "estar estoy estas esta estamos estais estan estaba estabas estabamos estaban estuve "
    "estuviste estuvo estuvimos estuvieron este estes esten estare estara estado estando",
    "tener tengo tienes tiene tenemos teneis tienen tenia tenias teniamos tenian tuve tuviste "
    "tuvo tuvimos tuvieron tendre tendras tendra tendremos tendran tendria tenga tengas tenido",
    "hacer hago haces hace hacemos haceis hacen hacia hacias haciamos hacian hice hiciste hizo "
    "hicimos hicieron hare haras hara haremos haran haria haga hagas hecho haciendo",
    "poder puedo puedes puede podemos podeis pueden podia podias podiamos podian pude pudiste "
    "pudo pudimos pudieron podre podras podra podremos podran podria pueda puedas podido",
    "querer quiero quieres quiere queremos quereis quieren queria querias queriamos querian "
    "quise quisiste quiso quisimos quisieron querre querra querria quiera quieras querido",
    "decir digo dices dice decimos decis dicen decia dije dijiste dijo dijimos dijeron dire "
    "dira diria diga digas dicho diciendo",
    "venir vengo vienes viene venimos venis vienen venia vine viniste vino vinimos vinieron "
    "vendre vendra vendria venga vengas venido viniendo",
    "ver veo ves ve vemos veis ven veia veias veiamos veian vi viste vio vimos vieron vere "
    "vera veria vea veas visto viendo",
    "dar doy das da damos dais dan daba di diste dio dimos dieron dare dara daria de des dado",
    "saber se sabes sabe sabemos sabeis saben sabia supe supiste supo supimos supieron sabre "
    "sabra sabria sepa sepas sabido",
    "haber he has ha hemos habeis han hay habia habias habiamos habian hubo habra habria haya",
    "salir salgo sales sale salimos salen sali salio salieron saldre saldra saldria salga",
    "poner pongo pones pone ponemos ponen puse pusiste puso pusimos pusieron pondre pondra "
    "ponga puesto",
    "dormir duermo duermes duerme dormimos duermen dormi durmio durmieron duerma",
    "jugar juego juegas juega jugamos juegan jugue jugo jugaron juegue",
    "pensar pienso piensas piensa pensamos piensan pense penso pensaron piense",
    "volver vuelvo vuelves vuelve volvemos vuelven volvi volvio volvieron vuelva vuelto",
    "empezar empiezo empiezas empieza empezamos empiezan empece empezo empezaron empiece",
    "pedir pido pides pide pedimos piden pedi pidio pidieron pida",
    "preferir prefiero prefieres prefiere preferimos prefieren preferi prefirio",
    "entender entiendo entiendes entiende entendemos entienden entendi entendio",
    "conocer conozco conoces conoce conocemos conocen conoci conocio conozca",
    "traer traigo traes trae traemos traen traje trajo trajeron traiga",
    "oir oigo oyes oye oimos oyen oi oyo oyeron",
    "leer leo lees lee leemos leen lei leyo leyeron leido",
    "llover llueve llovio llovia llovera",
    "sentir siento sientes siente sentimos sienten senti sintio",
    "costar cuesta cuestan costo costaba",
    "encontrar encuentro encuentras encuentra encontramos encuentran encontre encontro",
    "cerrar cierro cierras cierra cerramos cierran cerre cerro",
    "perder pierdo pierdes pierde perdemos pierden perdi perdio",
    "recordar recuerdo recuerdas recuerda recordamos recuerdan recorde recordo",
]
_EN_IRREGULAR = [
    "be am is are was were been being",
    "have has had having",
    "do does did done doing",
    "go goes went gone going",
    "eat ate eaten",
    "see saw seen sees",
    "come came",
    "take took taken",
    "get got gotten",
    "make made",
    "say said says",
    "know knew known",
    "think thought",
    "give gave given",
    "find found",
    "tell told",
    "write wrote written",
    "drink drank drunk",
    "buy bought",
    "bring brought",
    "leave left",
    "feel felt",
    "run ran",
    "speak spoke spoken",
    "begin began begun",
    "sleep slept",
    "swim swam swum",
    "sit sat",
    "stand stood",
    "understand understood",
    "meet met",
    "pay paid",
    "sell sold",
    "send sent",
    "spend spent",
    "build built",
    "lose lost",
    "win won",
    "wear wore worn",
    "choose chose chosen",
    "break broke broken",
    "forget forgot forgotten",
    "fly flew flown flies",
    "grow grew grown",
    "draw drew drawn",
    "throw threw thrown",
    "sing sang sung",
    "catch caught",
    "teach taught",
    "fight fought",
    "hold held",
    "keep kept",
    "become became",
    "will would",
    "can could",
    "shall should",
    "fall fell fallen",
    "ride rode ridden",
    "drive drove driven",
    "rise rose risen",
    "hear heard",
    "wake woke woken",
    "cut cuts cutting",
    "put puts putting",
]


def _lemma_index(rows: Iterable[str]) -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for row in rows:
        forms = row.split()
        for form in forms:
            index.setdefault(form, set()).add(forms[0])
    return {form: frozenset(lemmas) for form, lemmas in index.items()}


_ES_LEMMAS = _lemma_index(_ES_IRREGULAR)
_EN_LEMMAS = _lemma_index(_EN_IRREGULAR)


def _en_past_forms(rows: Iterable[str]) -> frozenset[str]:
    """Simple-past spellings from the irregular table (second and third entries of a row)."""
    past: set[str] = set()
    for row in rows:
        forms = row.split()
        if forms[0] in ("be", "have", "do", "will", "can", "shall", "cut", "put"):
            continue
        past.update(f for f in forms[1:3] if not f.endswith(("s", "ing")))
    return frozenset(past) | _words("was were had did")


_EN_PAST = _en_past_forms(_EN_IRREGULAR)

# Regular Spanish verb endings (accent-folded), longest first so the stem is not over-cut.
_ES_ENDINGS = tuple(
    sorted(
        _words(
            "o as a amos ais an es e emos eis en imos is "
            "e aste o asteis aron i iste io isteis ieron "
            "aba abas abamos abais aban ia ias iamos iais ian "
            "are aras ara aremos areis aran ere eras era eremos ereis eran "
            "ire iras ira iremos ireis iran "
            "aria arias ariamos ariais arian eria erias eriamos eriais erian "
            "iria irias iriamos iriais irian "
            "ara aras aramos arais aran iera ieras ieramos ierais ieran "
            "ar er ir ando iendo ado ada ados adas ido ida idos idas"
        ),
        key=len,
        reverse=True,
    )
)
# Endings that only verbs have; one-letter endings like -o/-a/-e are ambiguous with nouns.
_ES_VERB_ONLY = frozenset(e for e in _ES_ENDINGS if len(e) >= 3) | _words("an en ar er ir io")

_ES_TENSE_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("future", ("ré", "rás", "rá", "remos", "réis", "rán")),
    ("conditional", ("ría", "rías", "ríamos", "ríais", "rían")),
    ("past", ("aba", "abas", "ábamos", "abais", "aban", "ía", "ías", "íamos", "íais", "ían")),
    ("past", ("aste", "iste", "asteis", "isteis", "aron", "ieron", "é", "í", "ó", "ió")),
    ("present", ("amos", "emos", "imos", "o", "as", "a", "es", "e", "an", "en")),
)
_ES_PAST_IRREGULAR = _words(
    "fui fuiste fue fuimos fueron era eras eramos eran iba ibas ibamos iban estuve estuvo "
    "tuve tuvo hice hizo pude pudo quise quiso dije dijo vine vino vi vio di dio supe supo "
    "puse puso traje trajo hubo habia durmio pidio"
)

_ES_PRESENT_IRREGULAR = _words("soy eres es somos son estoy voy vas va vamos van doy hay he ha")

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

_WEIGHT = {
    "ok": 1.0,
    "case": 1.0,
    "missing_accent": 0.85,
    "misspelling": 0.7,
    "agreement": 0.7,
    "word_order": 0.8,
    "verb_form": 0.5,
    "wrong_word": 0.0,
}
# Alignment costs: substitution cost must stay below missing (1) + extra (0.5) so that words in
# the same slot pair up; a negation never pairs with a non-negation.
_SUB_COST = {
    "ok": 0.0,
    "missing_accent": 0.15,
    "misspelling": 0.3,
    "agreement": 0.3,
    "verb_form": 0.45,
    "wrong_word": 1.0,
    "negation": 2.0,
}
_MISSING_COST = 1.0
_EXTRA_COST = 0.5
_PRONOUN_COST = 0.2  # dropping/adding a Spanish subject pronoun is (almost) free
_PRONOUN_SWAP_COST = 0.3
_EXTRA_WEIGHT = 0.5  # an extra word costs half of a missing one in the score

_STATUS_OF = {
    "ok": "ok",
    "case": "minor",
    "missing_accent": "minor",
    "misspelling": "minor",
    "agreement": "minor",
    "word_order": "minor",
    "verb_form": "wrong",
    "wrong_word": "wrong",
}
_STATUS_RANK = {"ok": 0, "minor": 1, "extra": 2, "wrong": 3}
_VERDICT_RANK = {"wrong": 0, "almost": 1, "correct": 2}
_COSMETIC = frozenset(("case", "punctuation"))
_DO_SUPPORT = _words("do does did")


# --------------------------------------------------------------------------- tokens


class _Tok:
    """A normalised word; contractions expand into several tokens sharing one `src`."""

    __slots__ = ("alts", "fold", "key", "orig", "slip", "src", "text")

    def __init__(
        self, text: str, orig: str, src: int, alts: tuple[str, ...] = (), slip: str | None = None
    ) -> None:
        self.text = text  # the word as written (or the expanded word of a contraction)
        self.orig = orig  # the whole original token
        self.src = src  # index of the original token
        self.key = text.lower()
        self.fold = _fold(self.key)
        self.alts = frozenset(alts) if alts else frozenset((self.key,))
        self.slip = slip  # correct spelling when the learner dropped a contraction's apostrophe


def _raw_words(text: str) -> tuple[list[str], bool]:
    """Split text into words (punctuation dropped); cap the count. Returns (words, truncated)."""
    truncated = len(text) > _MAX_CHARS
    text = unicodedata.normalize("NFC", text[:_MAX_CHARS]).translate(_APOSTROPHES)
    words: list[str] = []
    for match in _WORD_RE.finditer(text):
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


def _tokens(words: Sequence[str], lang: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for src, word in enumerate(words):
        lower = word.lower()
        slip = None
        expansion = None
        if lang == "en":
            if lower in _EN_NO_APOSTROPHE:
                slip = _EN_NO_APOSTROPHE[lower]
                expansion = _en_expansion(slip)
            else:
                expansion = _en_expansion(lower)
        if expansion is None:
            toks.append(_Tok(word, word, src))
            continue
        for n, alts in enumerate(expansion):
            text = alts[0]
            if n == 0:
                # Keep the learner's capitalisation on the first part ("Don't" -> "Do").
                text = word[: len(text)] if lower.startswith(text) else text
                if word[:1].isupper():
                    text = text[:1].upper() + text[1:]
            toks.append(_Tok(text, word, src, alts, slip))
    return toks


@lru_cache(maxsize=4096)
def _reference(text: str, lang: str) -> tuple[tuple[_Tok, ...], tuple[str, ...]]:
    """Tokenised reference; cached because the same references are graded again and again."""
    words, _ = _raw_words(text)
    return tuple(_tokens(words, lang)), tuple(words)


# --------------------------------------------------------------------------- word relations


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


def _classify(r: _Tok, a: _Tok, lang: str, verb_context: bool) -> str:
    """Kind of difference between reference token r and answer token a."""
    if r.alts & a.alts:
        return "ok"
    if r.fold == a.fold:
        return "missing_accent"
    negations = _NEGATIONS.get(lang, frozenset())
    if (r.fold in negations) != (a.fold in negations):
        return "negation"
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


# --------------------------------------------------------------------------- alignment


class _Context:
    """Per (answer, reference) alignment state with a cache of pair classifications."""

    __slots__ = ("add_ok", "ans", "cache", "drop_ok", "lang", "ref", "verb_ctx")

    def __init__(self, ref: Sequence[_Tok], ans: Sequence[_Tok], lang: str) -> None:
        self.ref = ref
        self.ans = ans
        self.lang = lang
        self.cache: dict[tuple[int, int], str] = {}
        self.drop_ok = _droppable(ref, lang)
        self.add_ok = _droppable(ans, lang)
        self.verb_ctx = [
            lang == "es"
            and (
                i == 0 or ref[i - 1].key in _ES_SUBJECT_PERSON or ref[i - 1].fold in _ES_VERB_BEFORE
            )
            for i in range(len(ref))
        ]

    def kind(self, i: int, j: int) -> str:
        found = self.cache.get((i, j))
        if found is None:
            found = _classify(self.ref[i], self.ans[j], self.lang, self.verb_ctx[i])
            self.cache[(i, j)] = found
        return found

    def sub_cost(self, i: int, j: int) -> float:
        kind = self.kind(i, j)
        if kind == "wrong_word" and self.drop_ok[i] and self.add_ok[j]:
            return _PRONOUN_SWAP_COST
        return _SUB_COST[kind]


def _droppable(toks: Sequence[_Tok], lang: str) -> list[bool]:
    """Spanish subject pronouns that may be left out (not after a preposition, not 'X y yo')."""
    if lang != "es":
        return [False] * len(toks)
    flags = []
    for i, tok in enumerate(toks):
        flags.append(
            tok.key in _ES_SUBJECT_PERSON
            and (i == 0 or toks[i - 1].fold not in _ES_NOT_SUBJECT_BEFORE)
            and (i + 1 >= len(toks) or toks[i + 1].fold not in _ES_CONJ_AFTER)
        )
    return flags


# An alignment step: (ref index or None, answer index or None, kind).
_Op = tuple[int | None, int | None, str]


def _align_region(ctx: _Context, r0: int, r1: int, a0: int, a1: int) -> list[_Op]:
    """Weighted edit-distance alignment of ref[r0:r1] with ans[a0:a1]."""
    n, m = r1 - r0, a1 - a0
    if n == 0 or m == 0 or n * m > _MAX_DP_CELLS:
        return [(i, None, "missing") for i in range(r0, r1)] + [
            (None, j, "extra") for j in range(a0, a1)
        ]
    del_cost = [_PRONOUN_COST if ctx.drop_ok[i] else _MISSING_COST for i in range(r0, r1)]
    ins_cost = [_PRONOUN_COST if ctx.add_ok[j] else _EXTRA_COST for j in range(a0, a1)]
    width = m + 1
    cost = [0.0] * ((n + 1) * width)
    back = bytearray((n + 1) * width)  # 0 diagonal, 1 up (missing), 2 left (extra)
    for j in range(1, width):
        cost[j] = cost[j - 1] + ins_cost[j - 1]
        back[j] = 2
    for i in range(1, n + 1):
        row, prev_row = i * width, (i - 1) * width
        cost[row] = cost[prev_row] + del_cost[i - 1]
        back[row] = 1
        for j in range(1, width):
            best = cost[prev_row + j - 1] + ctx.sub_cost(r0 + i - 1, a0 + j - 1)
            step = 0
            up = cost[prev_row + j] + del_cost[i - 1]
            if up < best:
                best, step = up, 1
            left = cost[row + j - 1] + ins_cost[j - 1]
            if left < best:
                best, step = left, 2
            cost[row + j] = best
            back[row + j] = step
    ops: list[_Op] = []
    i, j = n, m
    while i > 0 or j > 0:
        step = back[i * width + j]
        if step == 0:
            ri, aj = r0 + i - 1, a0 + j - 1
            kind = ctx.kind(ri, aj)
            if kind == "negation":  # unreachable by cost, but never pair them
                ops.append((None, aj, "extra"))
                ops.append((ri, None, "missing"))
            else:
                ops.append((ri, aj, kind))
            i, j = i - 1, j - 1
        elif step == 1:
            ops.append((r0 + i - 1, None, "missing"))
            i -= 1
        else:
            ops.append((None, a0 + j - 1, "extra"))
            j -= 1
    ops.reverse()
    return ops


def _align(ctx: _Context, matcher: SequenceMatcher[str]) -> list[_Op]:
    ops: list[_Op] = []
    for tag, r0, r1, a0, a1 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(r0, r1), range(a0, a1), strict=True):
                ops.append((i, j, ctx.kind(i, j)))
        else:
            ops.extend(_align_region(ctx, r0, r1, a0, a1))
    return ops


# --------------------------------------------------------------------------- evaluation


@dataclass(slots=True)
class _Candidate:
    score: int
    verdict: Verdict
    errors: list[GradeError]
    feedback: str
    reference: str
    marks: list[Mark]
    missing: list[str]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


def _short(word: str) -> str:
    """Keep feedback short even when the learner pasted one enormous 'word'."""
    return word if len(word) <= 40 else word[:37] + "..."


def _join_quoted(words: Sequence[str]) -> str:
    quoted = [f"'{_short(w)}'" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _describe(err: GradeError, same_kind: Sequence[GradeError], lang: str) -> str:
    """One short sentence about an error (or all errors of its kind)."""
    kind, exp, got = err.kind, _short(err.expected or ""), _short(err.got or "")
    if kind == "missing_accent":
        if len(same_kind) > 1:
            pairs = ", ".join(
                f"'{_short(e.expected or '')}' (not '{_short(e.got or '')}')" for e in same_kind[:3]
            )
            return f"Check the accents: {pairs}."
        if "ñ" in exp.lower() and "ñ" not in got.lower():
            return f"Check the ñ: '{exp}', not '{got}'."
        return f"Check the accent: '{exp}', not '{got}'."
    if kind == "misspelling":
        return f"Check the spelling: '{exp}', not '{got}'."
    if kind == "agreement":
        if not exp:
            return f"'{got}' doesn't match the verb."
        return f"Check the agreement: '{exp}', not '{got}'."
    if kind == "verb_form":
        t_got, t_exp = _tense(got.lower(), lang), _tense(exp.lower(), lang)
        if t_got and t_exp and t_got != t_exp:
            article = "" if t_got == "conditional" else " tense"
            return f"'{got}' is {t_got}{article}; the sentence needs '{exp}'."
        return f"'{got}' is the wrong form of the verb; the sentence needs '{exp}'."
    if kind == "wrong_word":
        return f"'{got}' isn't right here; the sentence needs '{exp}'."
    if kind == "missing_word":
        return "Missing: " + _join_quoted([e.expected or "" for e in same_kind[:3]]) + "."
    if kind == "extra_word":
        words = _join_quoted([e.got or "" for e in same_kind[:3]])
        return f"Not needed: {words}."
    if kind == "word_order":
        words = _join_quoted(list(dict.fromkeys(e.got or "" for e in same_kind[:3])))
        return f"Check the word order: {words} is in the wrong place."
    if kind == "case":
        return f"Mind the capital letter: '{exp}'."
    if kind == "punctuation":
        return f"Spanish also puts '{exp}' at the start."
    return ""


_PRIORITY = (
    "negation",
    "verb_form",
    "wrong_word",
    "missing_word",
    "agreement",
    "extra_word",
    "misspelling",
    "missing_accent",
    "word_order",
)


def _feedback(verdict: Verdict, errors: Sequence[GradeError], lang: str, truncated: bool) -> str:
    substantive = [e for e in errors if e.kind not in _COSMETIC]
    notes = [e for e in errors if e.kind in _COSMETIC]
    by_kind: dict[str, list[GradeError]] = {}
    for err in substantive:
        by_kind.setdefault(err.kind, []).append(err)
    ordered = [k for k in _PRIORITY if k in by_kind]
    sentences: list[str] = []
    if truncated:
        sentences.append(f"Your answer is very long, so only the first {MAX_TOKENS} words count.")
    if verdict == "correct":
        head = "Correct!"
        if notes and not truncated:
            head += " " + _describe(notes[0], notes[:1], lang)
        return " ".join([head, *sentences])
    if "negation" in by_kind:
        neg = by_kind["negation"][0]
        if neg.expected:
            word = _short(neg.expected)
            first = f"Not quite: the sentence is negative ('{word}') and your answer isn't."
        else:
            word = _short(neg.got or "")
            first = f"Not quite: your answer is negative ('{word}') and the sentence isn't."
        ordered.remove("negation")
    elif ordered:
        desc = _describe(by_kind[ordered[0]][0], by_kind[ordered[0]], lang)
        if verdict == "almost":
            first = ("Almost — " if desc.startswith("'") else "Almost! ") + desc
        else:
            first = "Not quite — " + _lower_first(desc)
        ordered.pop(0)
    else:
        first = "Not quite."
    sentences.insert(0, first)
    if ordered and not truncated:
        sentences.append(_describe(by_kind[ordered[0]][0], by_kind[ordered[0]], lang))
    return " ".join(sentences)


def _evaluate(
    ans: list[_Tok],
    ans_words: list[str],
    answer_text: str,
    ref_text: str,
    matcher: SequenceMatcher[str],
    lang: str,
    truncated: bool,
) -> _Candidate:
    ref, ref_words = _reference(ref_text, lang)
    ctx = _Context(ref, ans, lang)
    matcher.set_seq1([t.fold for t in ref])
    ops = _align(ctx, matcher)

    # Words present on both sides but in other places: a word-order slip, not missing + extra.
    extras_by_fold: dict[str, list[int]] = {}
    for n, (ri, aj, _kind) in enumerate(ops):
        if ri is None and aj is not None:
            extras_by_fold.setdefault(ans[aj].fold, []).append(n)
    if extras_by_fold:
        for n, (ri, aj, _kind) in enumerate(ops):
            if aj is None and ri is not None and not ctx.drop_ok[ri]:
                slots = extras_by_fold.get(ref[ri].fold)
                if slots:
                    moved = ops[slots.pop(0)][1]
                    ops[n] = (ri, moved, "word_order")
        used = {aj for ri, aj, kind in ops if kind == "word_order"}
        ops = [op for op in ops if not (op[0] is None and op[1] in used)]

    negations = _NEGATIONS.get(lang, frozenset())
    ref_neg = next((t for t in ref if t.fold in negations), None)
    ans_neg = next((t for t in ans if t.fold in negations), None)
    polarity_changed = (ref_neg is None) != (ans_neg is None)

    errors: list[GradeError] = []
    sub_status: dict[int, str] = {}
    missing_idx: list[int] = []
    matched = 0.0
    denominator = 0.0
    content_wrong = 0
    verb_forms = 0
    pending_missing: list[int] = []
    pending_extra: list[int] = []

    def flush() -> None:
        if pending_missing:
            phrase = _ref_phrase(ref, pending_missing)
            # A lost "no"/"don't" is reported once, as the negation error.
            covered = negations | _DO_SUPPORT if polarity_changed else frozenset()
            if not all(ref[i].fold in covered for i in pending_missing):
                errors.append(GradeError("missing_word", phrase, None))
            pending_missing.clear()
        if pending_extra:
            phrase = " ".join(_ans_phrase(ans, pending_extra))
            covered = negations | _DO_SUPPORT if polarity_changed else frozenset()
            if not all(ans[j].fold in covered for j in pending_extra):
                errors.append(GradeError("extra_word", None, phrase))
            pending_extra.clear()

    for ri, aj, kind in ops:
        if aj is None and ri is not None:
            if ctx.drop_ok[ri]:
                continue  # an omitted subject pronoun is fine in Spanish
            denominator += 1
            missing_idx.append(ri)
            if pending_extra:
                flush()
            pending_missing.append(ri)
            continue
        if ri is None and aj is not None:
            if ctx.add_ok[aj]:
                verb = _next_verb(ans, aj)
                person = _ES_SUBJECT_PERSON[ans[aj].key]
                persons = _es_persons(verb.key) if verb is not None else None
                if persons is None or person in persons:
                    sub_status[aj] = "ok"
                    continue
                flush()
                errors.append(GradeError("agreement", None, ans[aj].text))
                denominator += _EXTRA_WEIGHT
                sub_status[aj] = "minor"
                continue
            denominator += _EXTRA_WEIGHT
            sub_status[aj] = "extra"
            if pending_missing:
                flush()
            pending_extra.append(aj)
            continue
        assert ri is not None and aj is not None
        flush()
        r_tok, a_tok = ref[ri], ans[aj]
        denominator += 1
        if (
            polarity_changed
            and kind in ("agreement", "verb_form")
            and aj > 0
            and ans[aj - 1].fold in negations
        ):
            # "doesn't work" for "works": the base form is right after the added negation,
            # which is reported on its own.
            kind = "ok"
        if kind == "ok":
            if _case_slip(r_tok, a_tok, ri, lang):
                kind = "case"
                errors.append(GradeError("case", r_tok.text, a_tok.text))
        else:
            errors.append(GradeError(_error_kind(kind), r_tok.text, a_tok.text))
            if kind == "word_order" and r_tok.key != a_tok.key:
                errors.append(GradeError("missing_accent", r_tok.text, a_tok.text))
        if kind == "wrong_word":
            # "never" for "not" is a nuance, not a new content word.
            function = _FUNCTION.get(lang, frozenset()) | negations
            if r_tok.fold not in function or a_tok.fold not in function:
                content_wrong += 1
        elif kind == "verb_form":
            verb_forms += 1
        matched += _WEIGHT[kind]
        sub_status[aj] = _worse(sub_status.get(aj, "ok"), _STATUS_OF[kind])
    flush()

    # Contractions typed without the apostrophe ("dont").
    seen_slips: set[int] = set()
    for j, tok in enumerate(ans):
        if tok.slip and tok.src not in seen_slips and sub_status.get(j) == "ok":
            seen_slips.add(tok.src)
            errors.append(GradeError("misspelling", tok.slip, tok.orig))
            matched -= 0.3
            sub_status[j] = "minor"

    if polarity_changed:
        if ref_neg is not None:
            errors.insert(0, GradeError("negation", ref_neg.orig, None))
        elif ans_neg is not None:
            errors.insert(0, GradeError("negation", None, ans_neg.orig))

    if lang == "es":
        for mark in ("¿", "¡"):
            if mark in ref_text and mark not in answer_text:
                errors.append(GradeError("punctuation", mark, None))

    score = round(100 * matched / denominator) if denominator else 100
    verdict, score = _verdict(errors, score, content_wrong, verb_forms, len(ref_words))
    marks = _marks(ans, ans_words, sub_status)
    missing = _missing_words(ref, missing_idx)
    return _Candidate(
        score=score,
        verdict=verdict,
        errors=errors,
        feedback=_feedback(verdict, errors, lang, truncated),
        reference=ref_text,
        marks=marks,
        missing=missing,
    )


def _error_kind(kind: str) -> ErrorKind:
    if kind in ("missing_accent", "misspelling", "agreement", "verb_form", "word_order"):
        return kind  # type: ignore[return-value]
    return "wrong_word"


def _worse(a: str, b: str) -> str:
    return a if _STATUS_RANK[a] >= _STATUS_RANK[b] else b


def _case_slip(r: _Tok, a: _Tok, ri: int, lang: str) -> bool:
    """A capital the learner left out (proper nouns, English 'I'); sentence starts don't count."""
    if r.text == a.text or not a.text.islower() or r.text.islower():
        return False
    return ri > 0 or (lang == "en" and r.key == "i")


def _next_verb(ans: Sequence[_Tok], j: int) -> _Tok | None:
    for tok in ans[j + 1 :]:
        if tok.fold not in _ES_CLITICS:
            return tok
    return None


def _ref_phrase(ref: Sequence[_Tok], indices: Sequence[int]) -> str:
    return " ".join(_whole_words(ref, indices))


def _ans_phrase(ans: Sequence[_Tok], indices: Sequence[int]) -> list[str]:
    return _whole_words(ans, indices)


def _whole_words(toks: Sequence[_Tok], indices: Sequence[int]) -> list[str]:
    """Words as written: a contraction counts whole only when all of its parts are involved."""
    chosen = set(indices)
    out: list[str] = []
    done: set[int] = set()
    for i in indices:
        tok = toks[i]
        if tok.src in done:
            continue
        # Parts of one contraction are adjacent: walk out from i.
        lo, hi = i, i
        while lo > 0 and toks[lo - 1].src == tok.src:
            lo -= 1
        while hi + 1 < len(toks) and toks[hi + 1].src == tok.src:
            hi += 1
        if hi > lo and all(k in chosen for k in range(lo, hi + 1)):
            out.append(tok.orig)
            done.add(tok.src)
        else:
            out.append(tok.text)
    return out


def _missing_words(ref: Sequence[_Tok], indices: Sequence[int]) -> list[str]:
    return _whole_words(ref, sorted(indices))


def _marks(ans: Sequence[_Tok], words: Sequence[str], sub_status: dict[int, str]) -> list[Mark]:
    status = ["ok"] * len(words)
    for j, tok in enumerate(ans):
        status[tok.src] = _worse(status[tok.src], sub_status.get(j, "ok"))
    return [Mark(w, s) for w, s in zip(words, status, strict=True)]  # type: ignore[arg-type]


def _verdict(
    errors: Sequence[GradeError], score: int, content_wrong: int, verb_forms: int, ref_len: int
) -> tuple[Verdict, int]:
    substantive = [e for e in errors if e.kind not in _COSMETIC]
    if not substantive:
        return "correct", 100
    kinds = {e.kind for e in substantive}
    verdict: Verdict
    if "negation" in kinds:
        verdict = "wrong"
    elif kinds == {"missing_accent"} or kinds == {"word_order"}:
        verdict = "almost"  # an accent slip or order-only slip is never wrong
    elif len(substantive) == 1 and kinds <= {"misspelling", "agreement"}:
        verdict = "almost"  # a single spelling/agreement slip is never wrong
    elif content_wrong + verb_forms >= 2 or (
        content_wrong == 1 and (len(substantive) > 1 or ref_len < 5)
    ):
        # Several meaning errors, or a changed content word in a short sentence.
        verdict = "wrong"
    else:
        verdict = "almost" if score >= 60 else "wrong"
    # Keep the number consistent with the verdict band the UI shows.
    score = min(max(score, 60), 95) if verdict == "almost" else min(score, 59)
    return verdict, max(score, 0)


# --------------------------------------------------------------------------- entry point


def _plain(score: int, verdict: Verdict, feedback: str, reference: str) -> Grade:
    return Grade(score, verdict, (), feedback, reference, (), ())


def grade(answer: str, references: Sequence[str], lang: Literal["es", "en"]) -> Grade:
    """Grade `answer` (written in `lang`) against the accepted translations `references`."""
    refs = [r for r in references if isinstance(r, str)] if references else []
    if not isinstance(answer, str):
        answer = ""
    first_ref = refs[0] if refs else ""
    try:
        return _grade(answer, refs, lang, first_ref)
    except Exception:  # pragma: no cover - last line of defence against odd input
        return _plain(0, "wrong", "Sorry, this answer couldn't be checked.", first_ref)


def _grade(answer: str, refs: list[str], lang: str, first_ref: str) -> Grade:
    if not answer.strip():
        return _plain(0, "wrong", "Please type your translation first.", first_ref)
    words, truncated = _raw_words(answer)
    if not words:
        return _plain(0, "wrong", "Please type your translation in words.", first_ref)
    usable = [r for r in refs if _reference(r, lang)[0]]
    if not usable:
        marks = tuple(Mark(w, "ok") for w in words)
        return Grade(0, "wrong", (), "There is no translation to compare with.", "", marks, ())
    ans = _tokens(words, lang)
    matcher: SequenceMatcher[str] = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2([t.fold for t in ans])
    best: _Candidate | None = None
    for ref_text in usable:
        cand = _evaluate(ans, words, answer, ref_text, matcher, lang, truncated)
        if best is None or _rank(cand) > _rank(best):
            best = cand
        if best.verdict == "correct" and not best.errors:
            break
    assert best is not None
    return Grade(
        score=best.score,
        verdict=best.verdict,
        errors=tuple(best.errors),
        feedback=best.feedback,
        reference=best.reference,
        marks=tuple(best.marks),
        missing=tuple(best.missing),
    )


def _rank(cand: _Candidate) -> tuple[int, int, int]:
    substantive = sum(1 for e in cand.errors if e.kind not in _COSMETIC)
    return _VERDICT_RANK[cand.verdict], cand.score, -substantive
