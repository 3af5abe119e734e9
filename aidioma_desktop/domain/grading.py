"""Offline translation grader: compare a learner's answer with the accepted translations.

Pure standard library, no I/O. The grader tokenises both sides (contractions expanded, numbers
read as values), aligns the words (difflib for the long identical runs, a small weighted
edit-distance DP inside the differing stretches), classifies each difference (accent, spelling,
agreement, verb form, negation, word order, ...) and turns the result into a score, a verdict,
per-token marks and one or two sentences of feedback.

Equivalent forms cost nothing: optional words (Spanish subject pronouns, English "that" after
verbs of saying/thinking, "got" in "have got (to)"), numbers as digits or words, a time phrase
moved to another place in the clause. The accepted translations are also aligned with each
other: their differing blocks are alternatives, so a bounded, cached set of mixed references
(and, in Spanish, "nunca + verb" <-> "no + verb + nunca") lets an answer that combines two
accepted translations be correct.

Scores follow the severity: each difference costs penalty points, score = 100 * exp(-points/100)
(capped by how much of the sentence was matched), then kept inside the verdict's band
(correct 90-100, almost 60-89, wrong 0-59). The feedback never repeats the verdict.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import combinations
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
_EN_NT_HOSTS = _words("do does did is are was were have has had could would should must need")
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def _fold(text: str) -> str:
    return text.translate(_FOLD)


_NEGATIONS = {
    "es": _words(
        "no nunca nada nadie ni jamas tampoco ningun ninguno ninguna ningunos ningunas sin"
    ),
    "en": _words("not never no nothing nobody none neither nor nowhere without"),
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

# Auxiliaries: an extra or missing one weighs like a function word.
_AUXILIARIES = {
    "es": _words("es son esta estan estoy estas soy eres he ha han has hemos hay fue era"),
    "en": _words("am is are was were be been being have has had do does did"),
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

# English "that" after these may be left out ("I'm sure (that) it works").
_EN_THAT_AFTER = _words(
    "say says said saying think thinks thought thinking know knows knew believe believes "
    "believed hope hopes hoped hoping sure certain convinced glad happy sorry afraid surprised "
    "shocked worried proud aware realise realises realised realize realizes realized feel feels "
    "felt suppose supposed guess guessed mean means meant notice noticed remember remembers "
    "remembered forget forgot promise promised decide decided agree agreed admit admitted wish "
    "bet expect expected imagine imagined hear heard learn learned learnt see saw understand "
    "understood explain explained show showed seems seemed doubt"
)
_EN_THAT_TELL = _words(
    "tell tells told telling promise promised show showed remind reminded warn warned assure "
    "assured convince convinced teach taught"
)
_EN_OBJECTS = _words("me you him her us them")
_EN_CLAUSE_START = _words(
    "i you he she it we they there this these those my your his her our their the a an "
    "everything everyone everybody nothing nobody no someone somebody something things people"
)
_HAVE = frozenset(("have", "has"))

_DETERMINER_SWAPS = {
    "en": (_words("the"), _words("my your his her our their its")),
    "es": (
        _words("el la los las"),
        _words(
            "mi mis tu tus su sus nuestro nuestra nuestros nuestras vuestro vuestra vuestros "
            "vuestras"
        ),
    ),
}

# Spanish negative words that can stand before the verb ("nunca como") or after it with "no"
# ("no como nunca").
_ES_NWORDS = _words("nunca jamas nadie nada tampoco")
_ES_NWORDS_MOVABLE = _words("nunca jamas tampoco")
_ES_NWORD_BLOCKERS = _words("casi de para por sin a con ni")
_ES_HABER = _words(
    "he has ha hemos habeis han habia habias habiamos habiais habian habria habrias habriamos "
    "habrian hube hubiera hubieras hubieramos hubieran hubiese haya hayas hayamos hayan habre "
    "habras habra habremos habran"
)
_ES_OBJECT_CLITICS = _words("me te se lo la le los las les nos os")

# Time and frequency phrases that may move around a clause (accent-folded, lower case).
_DAYS_ES = "lunes|martes|miercoles|jueves|viernes|sabados?|domingos?"
_PARTS_ES = "manana|tarde|noche|semana|mes|ano|verano|invierno|otono|primavera|dia"
_DAYS_EN = "mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?"
_PARTS_EN = (
    "morning|afternoon|evening|night|week|weekend|month|year|summer|winter|spring|autumn|fall"
)
_ADVERBIAL = {
    "es": re.compile(
        r"(?:hoy|ayer|anoche|anteayer|manana|ahora|luego|entonces|siempre|pronto|temprano|"
        r"a veces|a menudo|normalmente|de nuevo|otra vez|"
        rf"(?:todos los|todas las|cada) (?:{_DAYS_ES}|{_PARTS_ES}|dias|mananas|tardes|noches|"
        r"semanas|meses|anos|fines de semana|fin de semana)|"
        rf"(?:el|los|este|esta|el proximo|la proxima|el pasado|la pasada) (?:{_DAYS_ES}|"
        rf"{_PARTS_ES}|fin de semana|fines de semana)(?: pasad[oa]| que viene)?|"
        r"por la (?:manana|tarde|noche)|en (?:verano|invierno|otono|primavera|vacaciones)|"
        r"de (?:pequeno|pequena|nino|nina|joven)|a las? \w+(?: y \w+| en punto)?|"
        r"(?:antes|despues) de \w+(?: \w+)?|hace \w+ \w+)"
    ),
    "en": re.compile(
        r"(?:today|yesterday|tomorrow|tonight|now|then|later|recently|lately|sometimes|usually|"
        r"normally|often|again|soon|at night|at the weekend|on the weekend|on weekends|"
        r"at weekends|"
        rf"every (?:day|{_PARTS_EN}|{_DAYS_EN})|(?:this|last|next) (?:{_PARTS_EN}|{_DAYS_EN})|"
        rf"(?:yesterday|tomorrow) (?:{_PARTS_EN})|on (?:{_DAYS_EN})|in the (?:{_PARTS_EN})|"
        r"in (?:summer|winter|spring|autumn)|(?:before|after) \w+(?: \w+)?|"
        r"at \w+(?: o'clock)?|when i was (?:a child|a kid|little|young))"
    ),
}

# How much each difference costs, in "penalty points" (score = 100 * exp(-points / 100)).
_PENALTY = {
    "missing_accent": 12.0,  # the first one; each further accent costs _MORE_ACCENTS
    "misspelling": 13.0,
    "determiner": 13.0,
    "agreement": 16.0,
    "word_order": 16.0,  # the first moved group; each further group costs _MORE_ORDER
    "verb_form": 36.0,
    "wrong_function": 15.0,
    "wrong_content": 29.0,  # times the length factor
    "missing_function": 14.0,  # per word, times the length factor
    "missing_content": 28.0,
    "extra_function": 10.0,
    "extra_content": 16.0,  # times the length factor
    "negation": 92.0,
}
_MORE_ACCENTS = 4.0
_MORE_ORDER = 5.0

# Similarity weights: how much of a reference word the answer got right (for the coverage).
_WEIGHT = {
    "ok": 1.0,
    "case": 1.0,
    "missing_accent": 0.85,
    "misspelling": 0.7,
    "agreement": 0.7,
    "determiner": 0.8,
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
    "determiner": 0.3,
    "verb_form": 0.45,
    "wrong_word": 1.0,
    "negation": 2.0,
}
_MISSING_COST = 1.0
_EXTRA_COST = 0.5
_OPTIONAL_COST = 0.2  # dropping/adding an optional word (Spanish subject pronoun, "that")
_PRONOUN_SWAP_COST = 0.3
_EXTRA_WEIGHT = 0.5  # an extra word costs half of a missing one in the coverage

_STATUS_OF = {
    "ok": "ok",
    "case": "minor",
    "missing_accent": "minor",
    "misspelling": "minor",
    "agreement": "minor",
    "determiner": "minor",
    "word_order": "minor",
    "verb_form": "wrong",
    "wrong_word": "wrong",
}
_STATUS_RANK = {"ok": 0, "minor": 1, "extra": 2, "wrong": 3}
_VERDICT_RANK = {"wrong": 0, "almost": 1, "correct": 2}
_COSMETIC = frozenset(("case", "punctuation"))
_DO_SUPPORT = _words("do does did")
_WITHOUT = _words("sin without")
# Kinds that never make an answer wrong on their own.
_MINOR = frozenset(("missing_accent", "misspelling", "agreement", "determiner", "word_order"))

_MAX_VARIANTS = 16  # mixed references built from several accepted translations
_VARIANTS_TRIED = 3  # of those, how many (the closest to the answer) are graded in full
_NO_MATCH = (
    "This doesn't match the sentence. Compare your answer with the accepted translation below."
)


# --------------------------------------------------------------------------- tokens


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


def _determiner_swap(r: str, a: str, lang: str) -> bool:
    """'the' for 'my' (or the other way round): a nuance, not a change of meaning."""
    sets = _DETERMINER_SWAPS.get(lang)
    if sets is None:
        return False
    articles, possessives = sets
    return (r in articles and a in possessives) or (r in possessives and a in articles)


def _classify(r: _Tok, a: _Tok, lang: str, verb_context: bool) -> str:
    """Kind of difference between reference token r and answer token a."""
    if r.alts & a.alts:
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


# --------------------------------------------------------------------------- alignment


class _Context:
    """Per (answer, reference) alignment state with a cache of pair classifications."""

    __slots__ = ("add_ok", "ans", "cache", "drop_ok", "lang", "ref", "verb_ctx")

    def __init__(self, ref: Sequence[_Tok], ans: Sequence[_Tok], lang: str) -> None:
        self.ref = ref
        self.ans = ans
        self.lang = lang
        self.cache: dict[tuple[int, int], str] = {}
        self.drop_ok = _optional(ref, lang)
        self.add_ok = _optional(ans, lang)
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
        if (
            kind == "wrong_word"
            and self.drop_ok[i]
            and self.add_ok[j]
            and self.ref[i].key in _ES_SUBJECT_PERSON
            and self.ans[j].key in _ES_SUBJECT_PERSON
        ):
            return _PRONOUN_SWAP_COST
        return _SUB_COST[kind]


def _optional(toks: Sequence[_Tok], lang: str) -> list[bool]:
    """Words that may be left out or added freely.

    Spanish subject pronouns (not after a preposition, not in 'X y yo'); English "that" after a
    verb or adjective of saying/thinking/feeling; "got" in "have got (to)".
    """
    if lang == "es":
        return [
            tok.key in _ES_SUBJECT_PERSON
            and (i == 0 or toks[i - 1].fold not in _ES_NOT_SUBJECT_BEFORE)
            and (i + 1 >= len(toks) or toks[i + 1].fold not in _ES_CONJ_AFTER)
            for i, tok in enumerate(toks)
        ]
    flags = [False] * len(toks)
    if lang != "en":
        return flags
    for i, tok in enumerate(toks):
        if i == 0:
            continue
        prev = toks[i - 1]
        if tok.key == "that" and i + 1 < len(toks):
            nxt = toks[i + 1]
            starts_clause = (
                nxt.key in _EN_CLAUSE_START or nxt.num is not None or nxt.text[:1].isupper()
            )
            after_verb = prev.key in _EN_THAT_AFTER or (
                prev.key in _EN_OBJECTS and i >= 2 and toks[i - 2].key in _EN_THAT_TELL
            )
            flags[i] = starts_clause and after_verb
        elif tok.key == "got":
            have = prev if prev.key != "not" or i < 2 else toks[i - 2]
            flags[i] = bool(have.alts & _HAVE) and have.key != "had"
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
    del_cost = [_OPTIONAL_COST if ctx.drop_ok[i] else _MISSING_COST for i in range(r0, r1)]
    ins_cost = [_OPTIONAL_COST if ctx.add_ok[j] else _EXTRA_COST for j in range(a0, a1)]
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


def _pair_moves(ops: list[_Op], ctx: _Context) -> list[_Op]:
    """Words present on both sides but in other places: a word-order slip, not missing + extra."""
    extras_by_fold: dict[str, list[int]] = {}
    for n, (ri, aj, _kind) in enumerate(ops):
        if ri is None and aj is not None:
            extras_by_fold.setdefault(ctx.ans[aj].fold, []).append(n)
    if not extras_by_fold:
        return ops
    for n, (ri, aj, _kind) in enumerate(ops):
        if aj is None and ri is not None and not ctx.drop_ok[ri]:
            slots = extras_by_fold.get(ctx.ref[ri].fold)
            if slots:
                moved = ops[slots.pop(0)][1]
                ops[n] = (ri, moved, "word_order")
    used = {aj for ri, aj, kind in ops if kind == "word_order"}
    return [op for op in ops if not (op[0] is None and op[1] in used)]


@dataclass(slots=True)
class _Cluster:
    """Words whose order differs: the reference span and the answer span they cover."""

    members: list[int]  # indices into ops
    ref_lo: int
    ref_hi: int
    ans_lo: int
    ans_hi: int


def _order_clusters(ops: list[_Op], ctx: _Context) -> list[_Cluster]:
    """Group moved words with the words they jumped over; free moves of time phrases are ok.

    Turns the ops of a free move back into ordinary matches (in place).
    """
    pairs: dict[int, tuple[int, int]] = {
        n: (ri, aj) for n, (ri, aj, _k) in enumerate(ops) if ri is not None and aj is not None
    }
    moved = [n for n in pairs if ops[n][2] == "word_order"]
    if not moved:
        return []
    parent = {n: n for n in pairs}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in moved:
        rm, am = pairs[m]
        for n, (rn, an) in pairs.items():
            if (rn - rm) * (an - am) < 0:
                parent[find(n)] = find(m)
    groups: dict[int, list[int]] = {}
    for n in pairs:
        groups.setdefault(find(n), []).append(n)
    clusters: list[_Cluster] = []
    for members in groups.values():
        if not any(ops[n][2] == "word_order" for n in members):
            continue
        ris = [pairs[n][0] for n in members]
        ajs = [pairs[n][1] for n in members]
        cluster = _Cluster(members, min(ris), max(ris), min(ajs), max(ajs))
        if _free_move(pairs, cluster, ctx):
            for n in members:
                if ops[n][2] == "word_order":
                    ri, aj = pairs[n]
                    ops[n] = (ri, aj, ctx.kind(ri, aj))
            continue
        clusters.append(cluster)
    clusters.sort(key=lambda c: c.ref_lo)
    return clusters


def _free_move(pairs: dict[int, tuple[int, int]], cluster: _Cluster, ctx: _Context) -> bool:
    """Two swapped phrases, one of them a time/frequency phrase ("los sábados", "yesterday").

    The other phrase has at least two words and doesn't end in a small word ("el mercado", not
    "estoy muy"), so that no phrase is split ("esta mañana", "muy contento"); the time phrase
    isn't part of a bigger one ("el partido de anoche"). English puts it at the start or the
    end only.
    """
    by_ref = dict(pairs[n] for n in cluster.members)
    lo, hi = cluster.ref_lo, cluster.ref_hi
    if len(by_ref) != hi - lo + 1 or cluster.ans_hi - cluster.ans_lo != hi - lo:
        return False
    pattern = _ADVERBIAL.get(ctx.lang)
    if pattern is None:
        return False
    positions = [by_ref[i] for i in range(lo, hi + 1)]
    function = _FUNCTION.get(ctx.lang, frozenset())
    for k in range(1, len(positions)):
        first, second = positions[:k], positions[k:]
        if max(second) > min(first):
            continue
        if first != sorted(first) or second != sorted(second):
            return False
        for r0, r1, other, at_edge in (
            (lo, lo + k - 1, ctx.ref[lo + k : hi + 1], first[-1] == len(ctx.ans) - 1),
            (lo + k, hi, ctx.ref[lo : lo + k], second[0] == 0),
        ):
            phrase = " ".join(t.fold for t in ctx.ref[r0 : r1 + 1])
            if len(other) < 2 or other[-1].fold in function or not pattern.fullmatch(phrase):
                continue  # "estoy muy | hoy | contento": the other phrase would be split
            if r0 > 0 and ctx.ref[r0 - 1].fold in function:
                continue  # "de anoche", "esta mañana": part of a bigger phrase
            if ctx.lang == "es" or at_edge:
                return True
        return False
    return False


# --------------------------------------------------------------------------- variants


def _word_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    text = _normalise(text)
    spans: list[tuple[int, int]] = []
    for match in _WORD_RE.finditer(text):
        if len(spans) >= MAX_TOKENS:
            break
        spans.append(match.span())
    return text, spans


def _fold_key(text: str, lang: str) -> tuple[str, ...]:
    return tuple(t.fold for t in _reference(text, lang)[0])


def _es_negation_variants(text: str) -> list[str]:
    """'Nunca había visto' <-> 'No había visto nunca' (also nadie, nada, tampoco, jamás)."""
    t, spans = _word_spans(text)
    keys = [_fold(t[s:e].lower()) for s, e in spans]
    n = len(keys)
    out: list[str] = []
    if "no" not in keys:
        for i, key in enumerate(keys):
            if key not in _ES_NWORDS or i + 1 >= n:
                continue
            if i > 0 and keys[i - 1] in _ES_NWORD_BLOCKERS:
                continue
            j = i + 1
            while j < n and keys[j] in _ES_OBJECT_CLITICS:
                j += 1
            if j >= n or keys[j] in _PREPOSITIONS or keys[j] in _ARTICLES:
                break  # not followed by its verb ("nunca en mi vida he ...")
            if keys[j] in _ES_HABER and j + 1 < n:
                j += 1  # "no había visto nunca"
            word = t[spans[i][0] : spans[i][1]]
            no = "No" if word[:1].isupper() else "no"
            head = t[: spans[i][0]] + no + t[spans[i][1] : spans[j][1]]
            out.append(head + " " + word.lower() + t[spans[j][1] :])
            if 0 < n - j - 1 <= 3:  # "no he estado allí nunca"; not after a long tail
                rest = t[spans[j][1] : spans[-1][1]]
                out.append(head + rest + " " + word.lower() + t[spans[-1][1] :])
            break
        return out
    i = keys.index("no")
    if any(k in _ES_NWORDS for k in keys[:i]):
        return out
    for k in range(i + 1, n):
        if keys[k] in _ES_NWORDS_MOVABLE:
            word = t[spans[k][0] : spans[k][1]].lower()
            if t[spans[i][0]].isupper():
                word = word[:1].upper() + word[1:]
            start = spans[k][0]
            while start > 0 and t[start - 1] == " ":
                start -= 1
            out.append(t[: spans[i][0]] + word + t[spans[i][1] : start] + t[spans[k][1] :])
            break
    return out


_Block = tuple[int, int, int, int]  # a0, a1, b0, b1: words a[a0:a1] become b[b0:b1]


def _keeps_capital(word: str, proper: frozenset[str]) -> bool:
    return word == "I" or word.startswith("I'") or word in proper


def _splice(
    a: tuple[str, list[tuple[int, int]]],
    b: tuple[str, list[tuple[int, int]]],
    blocks: Sequence[_Block],
    proper: frozenset[str],
) -> str:
    """Reference `a` with some of its differing blocks taken from reference `b`."""
    a_text, a_spans = a
    b_text, b_spans = b
    n = len(a_spans)
    first_word = a_text[a_spans[0][0] : a_spans[0][1]]
    capital = first_word[:1].isupper()
    chars = list(a_text)
    for a0, a1, b0, b1 in blocks:
        if a0 == 0 and a1 == 0 and not _keeps_capital(first_word, proper):
            chars[a_spans[0][0]] = chars[a_spans[0][0]].lower()  # no longer the first word
        if a0 == 0 and b0 == b1 and a1 < n and capital:
            chars[a_spans[a1][0]] = chars[a_spans[a1][0]].upper()  # now the first word
    text = "".join(chars)
    pieces: list[str] = []
    cursor = 0
    for a0, a1, b0, b1 in sorted(blocks):
        new = b_text[b_spans[b0][0] : b_spans[b1 - 1][1]] if b1 > b0 else ""
        if new:
            word = b_text[b_spans[b0][0] : b_spans[b0][1]]
            if a0 > 0 and b0 == 0 and not _keeps_capital(word, proper):
                new = new[:1].lower() + new[1:]
            elif a0 == 0 and capital:
                new = new[:1].upper() + new[1:]
        if a1 > a0 and new:
            cut0, cut1 = a_spans[a0][0], a_spans[a1 - 1][1]
        elif a1 > a0 and a1 < n:
            cut0, cut1 = a_spans[a0][0], a_spans[a1][0]
        elif a1 > a0:
            cut0, cut1 = a_spans[a0 - 1][1], a_spans[a1 - 1][1]
        elif a0 == 0:
            cut0 = cut1 = a_spans[0][0]
            new += " "
        else:  # right after the word before, so that its punctuation follows the insertion
            cut0 = cut1 = a_spans[a0 - 1][1]
            new = " " + new
        if cut0 < cursor:
            return ""  # overlapping edits: give this mixture up
        pieces.append(text[cursor:cut0])
        pieces.append(new)
        cursor = cut1
    pieces.append(text[cursor:])
    return "".join(pieces)


def _dependent_block(a_words: Sequence[str], b_words: Sequence[str], lang: str) -> bool:
    """'las'/'los', 'eat'/'eating', 'que voy'/'yendo': another form of a word on the other side.

    Such a difference follows some other change, so the block never mixes on its own.
    """
    a_toks = _tokens(a_words, lang)
    b_toks = _tokens(b_words, lang)
    if len(a_toks) * len(b_toks) > 36:
        return False
    for x in a_toks:
        for y in b_toks:
            if _classify(x, y, lang, False) in ("agreement", "verb_form"):
                return True
    return False


_MODALS = _words("can could will would shall should may might must")
_ARTICLES = _words("a an the el la los las un una unos unas")
_PREPOSITIONS = _words(
    "to at in on for of from with by about into onto over under up down out off away back "
    "along through around across "
    "a al en de del con por para sobre desde hasta"
)


def _content_word(word: str, lang: str) -> bool:
    """Words that carry meaning (negations included): a variant may not drop or add them."""
    if word in _NEGATIONS.get(lang, frozenset()) or word.endswith("n't"):
        return True
    return word not in _FUNCTION.get(lang, frozenset()) and word not in _AUXILIARIES.get(
        lang, frozenset()
    )


_INTENSIFIERS = _words(
    "very really so quite pretty extremely rather bit little muy bastante tan realmente super"
)
_DETERMINERS = _ARTICLES | _words(
    "my your his her its our their this that these those mi mis tu tus su sus nuestro nuestra "
    "nuestros nuestras este esta estos estas ese esa esos esas"
)
_PRONOUNS = _words(
    "i you he she it we they me him us them yo tu el ella usted nosotros nosotras ellos ellas "
    "ustedes te se nos os le les"
)


def _word_class(word: str, lang: str) -> str:
    if word in _INTENSIFIERS:
        return "intensifier"
    if word in _PREPOSITIONS:
        return "preposition"
    if word in _DETERMINERS:
        return "determiner"
    if word in _PRONOUNS:
        return "pronoun"
    if word in _AUXILIARIES.get(lang, frozenset()) or word in _MODALS:
        return "auxiliary"
    return "content" if _content_word(word, lang) else "other"


def _content_count(words: Sequence[str], lang: str) -> int:
    return sum(1 for w in words if _word_class(_fold(w.lower()), lang) == "content")


def _diff_blocks(a_keys: Sequence[str], b_keys: Sequence[str], lang: str) -> list[_Block]:
    blocks: list[_Block] = []
    matcher = SequenceMatcher(None, a_keys, b_keys, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        size = a1 - a0
        if (
            tag == "replace"
            and size == b1 - b0 > 1
            and _splittable(a_keys[a0:a1], b_keys[b0:b1], lang)
        ):
            # "along very" / "on really": word by word, but a preposition stays with the word
            # before it ("get to" / "arrive at").
            start = 0
            for k in range(1, size + 1):
                if k == size or (
                    a_keys[a0 + k] not in _PREPOSITIONS and b_keys[b0 + k] not in _PREPOSITIONS
                ):
                    blocks.append((a0 + start, a0 + k, b0 + start, b0 + k))
                    start = k
        else:
            blocks.append((a0, a1, b0, b1))
    return blocks


def _splittable(a_words: Sequence[str], b_words: Sequence[str], lang: str) -> bool:
    """Word-for-word substitutions of the same kind ("city center" / "town centre"), not a
    reworded phrase ("otra vez" / "de nuevo", "very much" / "a lot", "I'd like" / "I want")."""
    for x, y in zip(a_words, b_words, strict=True):
        if "'" in x or "'" in y:
            return False
        kind = _word_class(x, lang)
        if kind == "other" or kind != _word_class(y, lang):
            return False
    return True


def _block_groups(
    blocks: Sequence[_Block],
    a_words: Sequence[str],
    b_words: Sequence[str],
    a_keys: Sequence[str],
    b_keys: Sequence[str],
    lang: str,
) -> list[list[int]]:
    """Blocks that must change together.

    Moved words (a word, or another form of it, leaves one block and turns up in another);
    agreement, verb-form and auxiliary differences (they follow some other change); one-sided
    blocks with meaning ("in a hurry" for "rush": linked with each other, or with everything
    when alone); a lone article or small word (it goes with the change next to it).
    """
    parent = list(range(len(blocks)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: int, y: int) -> None:
        parent[find(x)] = find(y)

    def gap(x: int, y: int) -> int:
        (x0, x1, _, _), (y0, y1, _, _) = blocks[x], blocks[y]
        return max(y0 - x1, x0 - y1, 0)

    auxiliaries = _AUXILIARIES.get(lang, frozenset()) | _MODALS
    a_toks = [_tokens(a_words[a0:a1], lang) for a0, a1, _b0, _b1 in blocks]
    b_toks = [_tokens(b_words[b0:b1], lang) for _a0, _a1, b0, b1 in blocks]
    content = [
        [_word_class(w, lang) == "content" for w in (*a_keys[a0:a1], *b_keys[b0:b1])]
        for a0, a1, b0, b1 in blocks
    ]
    one_sided: list[int] = []
    for x, (a0, a1, b0, b1) in enumerate(blocks):
        for y in range(len(blocks)):
            if x != y and _related(a_toks[x], b_toks[y], lang):
                union(x, y)
        a_side, b_side = a_keys[a0:a1], b_keys[b0:b1]
        dependent = (
            _dependent_block(a_words[a0:a1], b_words[b0:b1], lang)
            or (a_side and b_side and all(w in auxiliaries for w in (*a_side, *b_side)))
            or (a_side and b_side and all(w in _PRONOUNS for w in (*a_side, *b_side)))
        )
        if dependent:  # "is that OK" / "does that work", "they refund" / "you get"
            for y in range(len(blocks)):
                union(y, x)
        if a_side and b_side:
            if all(w in _PREPOSITIONS for w in (*a_side, *b_side)):
                # "¿A qué te dedicas?" / "¿En qué trabajas?": the preposition goes with the
                # word that governs it.
                near = [
                    y for y in range(len(blocks)) if y != x and gap(x, y) <= 2 and any(content[y])
                ]
                for y in near:
                    union(x, y)
            continue
        side = a_side or b_side
        if any(_content_word(w, lang) for w in side):
            one_sided.append(x)
        elif len(blocks) > 1:
            nearest = min((y for y in range(len(blocks)) if y != x), key=lambda y: gap(x, y))
            if gap(x, nearest) <= 2 or all(w in _ARTICLES for w in side):
                union(x, nearest)
    if len(one_sided) == 1:
        for y in range(len(blocks)):
            union(y, one_sided[0])
    for x in one_sided[1:]:
        union(x, one_sided[0])
    groups: dict[int, list[int]] = {}
    for x in range(len(blocks)):
        groups.setdefault(find(x), []).append(x)
    return sorted(groups.values())


def _related(a_toks: Sequence[_Tok], b_toks: Sequence[_Tok], lang: str) -> bool:
    """A word of one block turns up, maybe in another form, in another block."""
    for x in a_toks:
        for y in b_toks:
            if x.fold.split("'")[0] == y.fold.split("'")[0]:  # "night" / "night's"
                return True
            if len(x.fold) >= 3 and _classify(x, y, lang, False) in (
                "missing_accent",
                "agreement",
                "verb_form",
                "misspelling",
            ):
                return True
    return False


def _mixtures(
    a: tuple[str, list[tuple[int, int]]],
    b: tuple[str, list[tuple[int, int]]],
    lang: str,
    limit: int,
) -> list[tuple[int, str]]:
    """Mixtures of two accepted translations: (number of swapped groups, text)."""
    a_text, a_spans = a
    b_text, b_spans = b
    if not a_spans or not b_spans:
        return []
    a_words = [a_text[s:e] for s, e in a_spans]
    b_words = [b_text[s:e] for s, e in b_spans]
    a_keys = [_fold(w.lower()) for w in a_words]
    b_keys = [_fold(w.lower()) for w in b_words]
    blocks = _diff_blocks(a_keys, b_keys, lang)
    if len(blocks) < 2:
        return []
    ordered = _block_groups(blocks, a_words, b_words, a_keys, b_keys, lang)
    k = len(ordered)
    if k < 2:
        return []
    proper = frozenset(w for words in (a_words, b_words) for w in words[1:] if w[:1].isupper())
    shortest, longest = sorted((len(a_words), len(b_words)))
    least_content = min(_content_count(a_words, lang), _content_count(b_words, lang))
    out: list[tuple[int, str]] = []
    for size in range(1, k // 2 + 1):
        for chosen in combinations(range(k), size):
            rest = [g for g in range(k) if g not in chosen]
            for picked in (chosen, rest):
                swapped = [blocks[x] for g in picked for x in ordered[g]]
                text = _splice(a, b, swapped, proper)
                # A mixture much longer or shorter than both translations, or with fewer words
                # that carry meaning, lost or doubled something ("When I was afraid of the
                # dark", "Did you see last night?").
                words = _reference(text, lang)[1] if text else ()
                if (
                    words
                    and shortest - 1 <= len(words) <= longest + 1
                    and _content_count(words, lang) >= least_content
                ):
                    out.append((size, text))
            if len(out) >= limit:
                return out
    return out


@lru_cache(maxsize=1024)
def _variants(refs: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """Extra references: mixtures of the accepted translations and equivalent word orders.

    Bounded (at most _MAX_VARIANTS) and deterministic; cached per references tuple.
    """
    seen = {_fold_key(r, lang) for r in refs}
    found: list[str] = []

    def add(text: str) -> None:
        key = _fold_key(text, lang)
        if key and key not in seen and len(found) < _MAX_VARIANTS:
            seen.add(key)
            found.append(text)

    if lang == "es":
        for ref in refs:
            for text in _es_negation_variants(ref):
                add(text)
    parsed = [_word_spans(r) for r in refs]
    mixed: list[tuple[int, int, int, str]] = []
    pair = 0
    for i in range(len(refs)):
        for j in range(i + 1, len(refs)):
            for order, (size, text) in enumerate(
                _mixtures(parsed[i], parsed[j], lang, 2 * _MAX_VARIANTS)
            ):
                mixed.append((size, order, pair, text))
            pair += 1
    for _size, _order, _pair, text in sorted(mixed, key=lambda m: m[:3]):
        add(text)
    return tuple(found)


# --------------------------------------------------------------------------- evaluation


@dataclass(slots=True)
class _Candidate:
    score: int
    verdict: Verdict
    errors: list[GradeError]
    kinds: list[str]  # internal kind of each error ("determiner" is reported as wrong_word)
    feedback: str
    reference: str
    marks: list[Mark]
    missing: list[str]


def _short(word: str) -> str:
    """Keep feedback short even when the learner pasted one enormous 'word'."""
    return word if len(word) <= 40 else word[:37] + "..."


def _join_quoted(words: Sequence[str]) -> str:
    quoted = [f"'{_short(w)}'" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _describe(err: GradeError, same_kind: Sequence[GradeError], kind: str, lang: str) -> str:
    """One short sentence about an error (or all errors of its kind)."""
    exp, got = _short(err.expected or ""), _short(err.got or "")
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
    if kind == "determiner":
        return f"Small difference: the sentence says '{exp}', not '{got}'."
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
        return "Not needed: " + _join_quoted([e.got or "" for e in same_kind[:3]]) + "."
    if kind == "word_order":
        if len(exp.split()) <= 6:
            return f"Check the word order: '{exp}', not '{got}'."
        return f"Check the word order: the sentence has '{' '.join(exp.split()[:4])} ...'."
    if kind == "case":
        return f"Mind the capital letter: '{exp}'."
    if kind == "punctuation":
        return f"Spanish also puts '{exp}' at the start."
    return ""


_PRIORITY = (
    "verb_form",
    "wrong_word",
    "missing_word",
    "agreement",
    "extra_word",
    "determiner",
    "misspelling",
    "missing_accent",
    "word_order",
)


def _words_of(text: str | None) -> set[str]:
    return {_fold(w.lower()) for w in (text or "").split()}


def _feedback(
    verdict: Verdict,
    errors: Sequence[GradeError],
    kinds: Sequence[str],
    lang: str,
    truncated: bool,
    unrelated: bool,
) -> str:
    """Feedback without the verdict (the app shows it): the specific point(s), short and kind."""
    tail = [f"Your answer is very long, so only the first {MAX_TOKENS} words count."]
    if not truncated:
        tail = []
    notes = [e for e in errors if e.kind in _COSMETIC]
    substantive = [(e, k) for e, k in zip(errors, kinds, strict=True) if e.kind not in _COSMETIC]
    if verdict == "correct" or not substantive:
        if notes and not truncated:
            return _describe(notes[0], notes[:1], notes[0].kind, lang)
        return " ".join(tail)
    if unrelated and verdict == "wrong":
        return " ".join([_NO_MATCH, *tail])
    by_kind: dict[str, list[GradeError]] = {}
    for err, kind in substantive:
        by_kind.setdefault(kind, []).append(err)
    sentences: list[str] = []
    needs: set[str] = set()
    rejects: set[str] = set()
    if "negation" in by_kind:
        neg = by_kind["negation"][0]
        if neg.expected and _fold(neg.expected.lower()) in ("sin", "without"):
            word = _short(neg.expected).lower()
            sentences.append(f"The sentence says '{word}' and your answer doesn't.")
        elif neg.expected:
            word = _short(neg.expected).lower()
            sentences.append(f"The sentence is negative ('{word}') and your answer isn't.")
        else:
            word = _short(neg.got or "").lower()
            sentences.append(f"Your answer is negative ('{word}') and the sentence isn't.")
        needs |= _words_of(neg.expected)
        rejects |= _words_of(neg.got)
    for kind in _PRIORITY:
        if kind not in by_kind or len(sentences) >= (1 if truncated else 2):
            continue
        group = by_kind[kind]
        if kind == "word_order":
            group_needs: set[str] = set()
            group_rejects: set[str] = set()
        else:
            group_needs = set().union(*(_words_of(e.expected) for e in group[:3]))
            group_rejects = set().union(*(_words_of(e.got) for e in group[:3]))
        if group_needs & rejects or group_rejects & needs:
            continue  # would contradict what was already said
        sentences.append(_describe(group[0], group, kind, lang))
        needs |= group_needs
        rejects |= group_rejects
    if not sentences:
        sentences.append(_NO_MATCH)
    return " ".join([*sentences, *tail])


def _length_factor(n: int) -> float:
    """Missing or changed words weigh more in short sentences."""
    return min(1.4, max(0.75, (8 / max(n, 1)) ** 0.5))


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
    ops = _pair_moves(_align(ctx, matcher), ctx)
    clusters = _order_clusters(ops, ctx)
    cluster_of: dict[int, int] = {}
    for c, cluster in enumerate(clusters):
        for n in cluster.members:
            if ops[n][2] == "word_order":
                cluster_of[n] = c

    negations = _NEGATIONS.get(lang, frozenset())
    function = _FUNCTION.get(lang, frozenset()) | negations | _AUXILIARIES.get(lang, frozenset())
    # Polarity: "no/not/never..." and, separately, "sin/without" (so that "without" can't
    # stand in for a lost "don't").
    ref_neg = ans_neg = None
    for kinds_of_negation in (negations - _WITHOUT, _WITHOUT):
        ref_neg = _negation_in(ref, kinds_of_negation)
        ans_neg = _negation_in(ans, kinds_of_negation)
        if ref_neg is not None and ans_neg is None:
            ans_neg = next((t for t in ans if _negation_typo(ref_neg.fold, t.fold)), None)
        if (ref_neg is None) != (ans_neg is None):
            break
    polarity_changed = (ref_neg is None) != (ans_neg is None)
    # A lost "no"/"don't" (or an added one) is reported once, as the negation error: the
    # parts of the negation are not also missing or extra words.
    ref_covered = _negation_parts(ref, negations) if polarity_changed else set()
    ans_covered = _negation_parts(ans, negations) if polarity_changed else set()
    size = _length_factor(sum(1 for ok in ctx.drop_ok if not ok))

    errors: list[GradeError] = []
    kinds: list[str] = []
    sub_status: dict[int, str] = {}
    missing_idx: list[int] = []
    matched = 0.0
    denominator = 0.0
    penalty = 0.0
    accents = 0
    content_wrong = 0
    verb_forms = 0
    reported: set[int] = set()
    pending_missing: list[int] = []
    pending_extra: list[int] = []

    def add(err: GradeError, kind: str) -> None:
        if err.expected is not None and err.expected == err.got:
            return  # never tell the learner "expected 'x', got 'x'"
        errors.append(err)
        kinds.append(kind)

    def flush() -> None:
        nonlocal penalty
        if pending_missing:
            words = [i for i in pending_missing if i not in ref_covered]
            if words:
                add(
                    GradeError("missing_word", " ".join(_whole_words(ref, pending_missing)), None),
                    "missing_word",
                )
            for i in words:
                key = "missing_function" if ref[i].fold in function else "missing_content"
                penalty += _PENALTY[key] * size
            pending_missing.clear()
        if pending_extra:
            words = [j for j in pending_extra if j not in ans_covered]
            if words:
                phrase = " ".join(_whole_words(ans, pending_extra))
                add(GradeError("extra_word", None, phrase), "extra_word")
            for j in words:
                if ans[j].fold in function:
                    penalty += _PENALTY["extra_function"]
                else:
                    penalty += _PENALTY["extra_content"] * size
            pending_extra.clear()

    # "never" for "don't": the "do" goes with "not" and is not missing.
    paired_with = {ri: aj for ri, aj, _k in ops if ri is not None and aj is not None}
    for n, (ri, aj, kind) in enumerate(ops):
        if aj is None and ri is not None:
            if ctx.drop_ok[ri] or _do_support_of_negation(ref, ans, ri, paired_with, negations):
                continue  # an omitted Spanish subject pronoun, "that", "got"
            denominator += 1
            missing_idx.append(ri)
            if pending_extra:
                flush()
            pending_missing.append(ri)
            continue
        if ri is None and aj is not None:
            if ctx.add_ok[aj]:
                person = _ES_SUBJECT_PERSON.get(ans[aj].key) if lang == "es" else None
                verb = _next_verb(ans, aj) if person else None
                persons = _es_persons(verb.key) if verb is not None else None
                if persons is None or person in persons:
                    sub_status[aj] = "ok"
                    continue
                flush()
                add(GradeError("agreement", None, ans[aj].text), "agreement")
                penalty += _PENALTY["agreement"]
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
            and (
                (aj > 0 and ans[aj - 1].fold in negations)
                or (ri > 0 and ref[ri - 1].fold in negations)
            )
        ):
            # "doesn't work" for "works" (or the other way round): the base form goes with the
            # negation, which is reported on its own.
            kind = "ok"
        if kind == "ok":
            if _case_slip(r_tok, a_tok, ri, lang):
                kind = "case"
                add(GradeError("case", r_tok.text, a_tok.text), "case")
        elif kind == "word_order":
            c = cluster_of[n]
            if c not in reported:
                cluster = clusters[c]
                expected = " ".join(_whole_words(ref, range(cluster.ref_lo, cluster.ref_hi + 1)))
                got = " ".join(_whole_words(ans, range(cluster.ans_lo, cluster.ans_hi + 1)))
                add(GradeError("word_order", expected, got), "word_order")
                penalty += _PENALTY["word_order"] if not reported else _MORE_ORDER
                reported.add(c)
            if r_tok.key != a_tok.key:
                add(GradeError("missing_accent", r_tok.text, a_tok.text), "missing_accent")
                accents += 1
        else:
            add(GradeError(_error_kind(kind), r_tok.text, a_tok.text), kind)
            if kind == "missing_accent":
                accents += 1
            elif kind == "wrong_word":
                # "never" for "not" is a nuance, not a new content word.
                if r_tok.fold not in function or a_tok.fold not in function:
                    content_wrong += 1
                    penalty += _PENALTY["wrong_content"] * size
                else:
                    penalty += _PENALTY["wrong_function"]
            else:
                if kind == "verb_form":
                    verb_forms += 1
                penalty += _PENALTY[kind]
        matched += _WEIGHT[kind]
        sub_status[aj] = _worse(sub_status.get(aj, "ok"), _STATUS_OF[kind])
    flush()

    # Contractions typed without the apostrophe ("dont").
    seen_slips: set[int] = set()
    for j, tok in enumerate(ans):
        if tok.slip and tok.src not in seen_slips and sub_status.get(j) == "ok":
            seen_slips.add(tok.src)
            add(GradeError("misspelling", tok.slip, tok.orig), "misspelling")
            penalty += _PENALTY["misspelling"]
            matched -= 0.3
            sub_status[j] = "minor"

    if accents:
        penalty += _PENALTY["missing_accent"] + _MORE_ACCENTS * (accents - 1)
    if polarity_changed:
        penalty += _PENALTY["negation"]
        if ref_neg is not None:
            errors.insert(0, GradeError("negation", ref_neg.orig, None))
        elif ans_neg is not None:
            errors.insert(0, GradeError("negation", None, ans_neg.orig))
        kinds.insert(0, "negation")

    if lang == "es":
        for mark in ("¿", "¡"):
            if mark in ref_text and mark not in answer_text:
                add(GradeError("punctuation", mark, None), "punctuation")

    coverage = max(0.0, matched) / denominator if denominator else 1.0
    score = round(min(100 * math.exp(-penalty / 100), 100 * coverage))
    verdict, score = _verdict(kinds, score, content_wrong, verb_forms, len(ref_words))
    unmatched = sum(1 for j in range(len(ans)) if sub_status.get(j) in ("wrong", "extra"))
    # Nothing word by word when the answer is about something else: a low score with most of
    # the sentence unmatched, or most of the answer's words matching nothing.
    unrelated = (score < 30 and coverage < 0.6) or (2 * unmatched > len(ans) and coverage < 0.5)
    return _Candidate(
        score=score,
        verdict=verdict,
        errors=errors,
        kinds=kinds,
        feedback=_feedback(verdict, errors, kinds, lang, truncated, unrelated),
        reference=ref_text,
        marks=_marks(ans, ans_words, sub_status),
        missing=_whole_words(ref, sorted(missing_idx)),
    )


def _negation_in(toks: Sequence[_Tok], negations: frozenset[str]) -> _Tok | None:
    for i, tok in enumerate(toks):
        if tok.fold in negations and not (
            tok.fold == "sin" and i + 1 < len(toks) and toks[i + 1].fold == "embargo"
        ):
            return tok
    return None


def _negation_typo(negation: str, word: str) -> bool:
    """'nuca' for 'nunca', 'nothng' for 'nothing': a slip, not a lost negation."""
    return len(negation) >= 4 and len(word) >= 3 and _damerau(negation, word, 1) <= 1


def _negation_parts(toks: Sequence[_Tok], negations: frozenset[str]) -> set[int]:
    """Negation words, 'do' support and the other parts of a contraction ("is" of "isn't")."""
    srcs = {t.src for t in toks if t.fold in negations}
    return {
        i
        for i, t in enumerate(toks)
        if t.fold in negations
        or t.src in srcs
        or (t.fold in _DO_SUPPORT and i + 1 < len(toks) and toks[i + 1].fold in negations)
    }


def _do_support_of_negation(
    ref: Sequence[_Tok],
    ans: Sequence[_Tok],
    ri: int,
    paired_with: dict[int, int],
    negations: frozenset[str],
) -> bool:
    """The 'do' of "don't" when the answer says "never" instead of "not"."""
    if ref[ri].fold not in _DO_SUPPORT or ri + 1 >= len(ref) or ref[ri + 1].fold != "not":
        return False
    aj = paired_with.get(ri + 1)
    return aj is not None and ans[aj].fold in negations and ans[aj].fold != "not"


def _error_kind(kind: str) -> ErrorKind:
    if kind in ("missing_accent", "misspelling", "agreement", "verb_form", "word_order"):
        return kind  # type: ignore[return-value]
    return "wrong_word"


def _worse(a: str, b: str) -> str:
    return a if _STATUS_RANK[a] >= _STATUS_RANK[b] else b


def _case_slip(r: _Tok, a: _Tok, ri: int, lang: str) -> bool:
    """A capital the learner left out (proper nouns, English 'I'); sentence starts don't count."""
    if r.text == a.text or not a.text.islower() or r.text == r.key:
        return False
    return ri > 0 or (lang == "en" and r.key == "i")


def _next_verb(ans: Sequence[_Tok], j: int) -> _Tok | None:
    for tok in ans[j + 1 :]:
        if tok.fold not in _ES_CLITICS:
            return tok
    return None


def _whole_words(toks: Sequence[_Tok], indices: Iterable[int]) -> list[str]:
    """Words as written: a contraction counts whole only when all of its parts are involved."""
    indices = list(indices)
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


def _marks(ans: Sequence[_Tok], words: Sequence[str], sub_status: dict[int, str]) -> list[Mark]:
    status = ["ok"] * len(words)
    for j, tok in enumerate(ans):
        for src in range(tok.src, tok.last + 1):
            status[src] = _worse(status[src], sub_status.get(j, "ok"))
    return [Mark(w, s) for w, s in zip(words, status, strict=True)]  # type: ignore[arg-type]


def _verdict(
    kinds: Sequence[str], score: int, content_wrong: int, verb_forms: int, ref_len: int
) -> tuple[Verdict, int]:
    substantive = [k for k in kinds if k not in _COSMETIC]
    if not substantive:
        return "correct", 100
    present = set(substantive)
    # Accent and determiner slips don't make a changed content word worse.
    others = [k for k in substantive if k not in ("missing_accent", "determiner")]
    verdict: Verdict
    if "negation" in present:
        verdict = "wrong"
    elif present <= {"missing_accent", "word_order", "determiner"}:
        verdict = "almost"  # accents, word order and 'the'/'my' never make an answer wrong
    elif len(substantive) == 1 and present <= _MINOR:
        verdict = "almost"  # a single spelling/agreement slip is never wrong
    elif content_wrong + verb_forms >= 2 or (
        content_wrong == 1 and (len(others) > 1 or ref_len < 5)
    ):
        # Several meaning errors, or a changed content word in a short sentence.
        verdict = "wrong"
    else:
        verdict = "almost" if score >= 60 else "wrong"
    # Keep the number inside the verdict band the UI shows.
    score = min(max(score, 60), 89) if verdict == "almost" else min(score, 59)
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
    usable = list(dict.fromkeys(r for r in refs if _reference(r, lang)[0]))
    if not usable:
        marks = tuple(Mark(w, "ok") for w in words)
        return Grade(0, "wrong", (), "There is no translation to compare with.", "", marks, ())
    ans = _tokens(words, lang)
    matcher: SequenceMatcher[str] = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2([t.fold for t in ans])
    originals: list[_Candidate] = []
    for ref_text in usable:
        originals.append(_evaluate(ans, words, answer, ref_text, matcher, lang, truncated))
        if _perfect(originals[-1]):
            break
    best = max(originals, key=_rank)  # the first of equals: the order of the references
    if not _perfect(best):
        mixed = _best_variant(ans, words, answer, usable, matcher, lang, truncated, best)
        if mixed is not None:
            if any(e.kind not in _COSMETIC for e in mixed.errors):
                # Show an accepted translation, not a made-up mixture.
                mixed.reference = _closest_original(mixed, originals, lang)
            best = mixed
    return Grade(
        score=best.score,
        verdict=best.verdict,
        errors=tuple(best.errors),
        feedback=best.feedback,
        reference=best.reference,
        marks=tuple(best.marks),
        missing=tuple(best.missing),
    )


def _best_variant(
    ans: list[_Tok],
    words: list[str],
    answer: str,
    usable: list[str],
    matcher: SequenceMatcher[str],
    lang: str,
    truncated: bool,
    best: _Candidate,
) -> _Candidate | None:
    """Grade the mixed references closest to the answer; the winner if it beats `best`."""
    variants = _variants(tuple(usable), lang)
    if not variants:
        return None
    ans_bag = Counter(t.fold for t in ans)

    def distance(text: str) -> int:
        bag, size = _bag(text, lang)
        return size + len(ans) - 2 * sum((bag & ans_bag).values())

    limit = min(distance(r) for r in usable)
    ranked = sorted((d, n) for n, v in enumerate(variants) if (d := distance(v)) <= limit)
    winner: _Candidate | None = None
    for _d, n in ranked[:_VARIANTS_TRIED]:
        cand = _evaluate(ans, words, answer, variants[n], matcher, lang, truncated)
        if _rank(cand) > _rank(winner or best):
            winner = cand
            if _perfect(cand):
                break
    return winner


def _closest_original(cand: _Candidate, originals: Sequence[_Candidate], lang: str) -> str:
    """The accepted translation that has the most of the words the feedback asks for."""
    needed: set[str] = set()
    for err in cand.errors:
        if err.kind not in _COSMETIC:
            needed |= _words_of(err.expected)
    best_text, best_key = originals[0].reference, None
    for orig in originals:
        folds = {t.fold for t in _reference(orig.reference, lang)[0]}
        key = (len(needed & folds), _rank(orig))
        if best_key is None or key > best_key:
            best_text, best_key = orig.reference, key
    return best_text


def _perfect(cand: _Candidate) -> bool:
    return cand.verdict == "correct" and not cand.errors


def _rank(cand: _Candidate) -> tuple[int, int, int]:
    substantive = sum(1 for e in cand.errors if e.kind not in _COSMETIC)
    return _VERDICT_RANK[cand.verdict], cand.score, -substantive
