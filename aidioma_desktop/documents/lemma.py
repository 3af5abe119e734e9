"""Lemmas and frequency ranks of Spanish and English words, for the reading aid.

`lemma("casas")` is "casa", `lemma("diciéndomelo")` is "decir", `lemma("went")` is "go". Three
layers, first answer wins:
1. Irregular forms of the most common words, from a table (Spanish).
2. Rules of our own for what the library below gets wrong: Spanish enclitic pronouns and
   reflexives ("dámelo", "levantarse", "vistiéndose"), diminutives ("gatita", "cafecito") and
   superlatives ("riquísimo").
3. simplemma (MIT licence; Barbaresi & Diaz), a dictionary lemmatiser for 50 languages.
Whatever a layer answers must be a word: common enough in wordfreq's lists (resources/words/,
built at install time) or the form itself; "condujimo" is never an answer. Ranks count from
the same lists (1 = most common). The `how` of each answer says how sure it is.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

# Irregular forms of common verbs (and a few other words) -> headword.
_IRREGULAR_TABLE = {
    "ser": "soy eres es somos sois son era eras éramos erais eran sido siendo sea seas seamos "
    "seáis sean será serán sería serían",
    "ir": "voy vas va vamos vais van iba ibas íbamos ibais iban ido yendo vaya vayas vayamos "
    "vayan ve id",
    "ser/ir": "fui fuiste fue fuimos fuisteis fueron fuera fueras fuéramos fueran fuese",
    "estar": "estoy estás está estamos estáis están estuve estuviste estuvo estuvimos "
    "estuvieron esté estés estén",
    "haber": "he has ha hemos habéis han hay había habías habíamos habían hube hubo hubieron "
    "haya hayas hayamos hayan habrá habrán habría habrían hubiera",
    "tener": "tengo tienes tiene tenemos tenéis tienen tuve tuviste tuvo tuvimos tuvieron "
    "tenga tengas tengan tendré tendrá tendrán tendría ten",
    "hacer": "hago haces hace hacemos hacéis hacen hice hiciste hizo hicimos hicieron haga "
    "hagas hagan haré hará harán haría hecho haz",
    "decir": "digo dices dice decimos decís dicen dije dijiste dijo dijimos dijeron diga "
    "digas digan diré dirá dirán diría dicho diciendo di",
    "poder": "puedo puedes puede podemos podéis pueden pude pudiste pudo pudimos pudieron "
    "pueda puedas puedan podré podrá podrán podría podrían pudiendo",
    "querer": "quiero quieres quiere queremos queréis quieren quise quisiste quiso quisimos "
    "quisieron quiera quieras quieran querré querrá querría",
    "saber": "sé sabes sabe sabemos sabéis saben supe supiste supo supimos supieron sepa "
    "sepas sepan sabré sabrá sabría",
    "venir": "vengo vienes viene venimos venís vienen vine viniste vino vinimos vinieron "
    "venga vengas vengan vendré vendrá vendría viniendo ven",
    "poner": "pongo pones pone ponemos ponéis ponen puse pusiste puso pusimos pusieron ponga "
    "pongas pongan pondré pondrá pondría puesto pon",
    "salir": "salgo sales sale salimos salís salen salga salgas salgan saldré saldrá saldría sal",
    "dar": "doy das da damos dais dan di diste dio dimos disteis dieron dé des den daré dará",
    "ver": "veo ves ve vemos veis ven vi viste vio vimos visteis vieron vea veas vean veía "
    "veías veíamos veían visto viendo",
    "oír": "oigo oyes oye oímos oís oyen oí oyó oyeron oiga oigan oyendo",
    "traer": "traigo traes trae traemos traen traje trajiste trajo trajimos trajeron traiga "
    "traigan trayendo",
    "conocer": "conozco conozca conozcas conozcan",
    "dormir": "duermo duermes duerme duermen durmió durmieron duerma durmiendo",
    "morir": "muero mueres muere mueren murió murieron muera muerto muriendo",
    "pedir": "pido pides pide piden pidió pidieron pida pidiendo",
    "sentir": "siento sientes siente sienten sintió sintieron sienta sintiendo",
    "seguir": "sigo sigues sigue siguen siguió siguieron siga siguiendo",
    "volver": "vuelvo vuelves vuelve volvemos vuelven vuelva vuelto",
    "pensar": "pienso piensas piensa piensan piense",
    "empezar": "empiezo empiezas empieza empiezan empiece empecé",
    "encontrar": "encuentro encuentras encuentra encuentran encuentre",
    "contar": "cuento cuentas cuenta cuentan cuente",
    "jugar": "juego juegas juega juegan juegue jugué",
    "costar": "cuesta cuestan",
    "doler": "duele duelen",
    "escribir": "escrito",
    "abrir": "abierto",
    "romper": "roto",
    "el": "la los las",
    "uno": "un una unos unas",
    "yo": "me mí conmigo",
    "tú": "te ti contigo",
    "él": "lo le se",
    "ella": "",
    "nosotros": "nos nosotras",
    "vosotros": "os vosotras",
    "ellos": "les",
    "este": "esta estos estas",
    "ese": "esa esos esas",
    "aquel": "aquella aquellos aquellas",
    "mi": "mis",
    "mío": "mía míos mías",
    "tuyo": "tuya tuyos tuyas",
    "suyo": "suya suyos suyas",
    "vuestro": "vuestra vuestros vuestras",
    "tu": "tus",
    "su": "sus",
    "nuestro": "nuestra nuestros nuestras",
    "grande": "gran",
    "bueno": "buen",
    "malo": "mal",
    "primero": "primer",
    "tercero": "tercer",
    "alguno": "algún",
    "ninguno": "ningún",
}
IRREGULAR = {
    form: headword for headword, forms in _IRREGULAR_TABLE.items() for form in forms.split()
}
# Words that are their own headword, though a dictionary folds them into another.
_OWN_HEADWORDS = frozenset(["esto", "eso", "aquello", "ello", "muy", "sí", "más", "menos"])

# English verbs whose past or participle is not the base plus -ed (the common ones).
_ENGLISH_IRREGULAR_TABLE = (
    "arise arose arisen|awake awoke awoken|be was were been am is are|bear bore borne born|"
    "beat beaten|become became|begin began begun|bend bent|bet|bind bound|bite bit bitten|"
    "bleed bled|blow blew blown|break broke broken|breed bred|bring brought|build built|"
    "burn burnt|burst|buy bought|catch caught|choose chose chosen|cling clung|come came|"
    "cost|creep crept|cut|deal dealt|dig dug|do did done does|draw drew drawn|dream dreamt|"
    "drink drank drunk|drive drove driven|eat ate eaten|fall fell fallen|feed fed|feel felt|"
    "fight fought|find found|flee fled|fling flung|fly flew flown flies|forbid forbade "
    "forbidden|forget forgot forgotten|forgive forgave forgiven|freeze froze frozen|"
    "get got gotten|give gave given|go went gone goes|grind ground|grow grew grown|"
    "hang hung|have had has|hear heard|hide hid hidden|hit|hold held|hurt|keep kept|"
    "kneel knelt|know knew known|lay laid|lead led|lean leant|leap leapt|learn learnt|"
    "leave left|lend lent|let|lie lay lain|light lit|lose lost|make made|mean meant|"
    "meet met|pay paid|prove proven|put|quit|read|ride rode ridden|ring rang rung|"
    "rise rose risen|run ran|say said says|see saw seen|seek sought|sell sold|send sent|"
    "set|sew sewn|shake shook shaken|shine shone|shoot shot|show shown|shrink shrank shrunk|"
    "shut|sing sang sung|sink sank sunk|sit sat|sleep slept|slide slid|sling slung|"
    "smell smelt|speak spoke spoken|speed sped|spell spelt|spend spent|spill spilt|"
    "spin spun|spit spat|split|spread|spring sprang sprung|stand stood|steal stole stolen|"
    "stick stuck|sting stung|stink stank stunk|stride strode|strike struck|strive strove "
    "striven|swear swore sworn|sweep swept|swell swollen|swim swam swum|swing swung|"
    "take took taken|teach taught|tear tore torn|tell told|think thought|throw threw thrown|"
    "tread trod trodden|understand understood|wake woke woken|wear wore worn|weave wove "
    "woven|weep wept|win won|wind wound|withdraw withdrew withdrawn|write wrote written|"
    "good better best|bad worse worst|far farther farthest further furthest|"
    "child children|man men|woman women|person people|foot feet|tooth teeth|goose geese|"
    "mouse mice|louse lice|ox oxen|die dice"
)
ENGLISH_IRREGULAR = {
    form: entry.split()[0]
    for entry in _ENGLISH_IRREGULAR_TABLE.split("|")
    for form in entry.split()[1:]
}

# Verb endings -> the infinitive ending, longest first (so "-ábamos" wins over "-amos").
_VERB_ENDINGS: list[tuple[str, tuple[str, ...]]] = sorted(
    [
        ("ando", ("ar",)), ("iendo", ("er", "ir")), ("yendo", ("er", "ir")),
        ("ado", ("ar",)), ("ada", ("ar",)), ("ados", ("ar",)), ("adas", ("ar",)),
        ("ido", ("er", "ir")), ("ida", ("er", "ir")), ("idos", ("er", "ir")),
        ("aba", ("ar",)), ("abas", ("ar",)), ("ábamos", ("ar",)), ("abais", ("ar",)),
        ("aban", ("ar",)),
        ("ía", ("er", "ir")), ("ías", ("er", "ir")), ("íamos", ("er", "ir")),
        ("íais", ("er", "ir")), ("ían", ("er", "ir")),
        ("é", ("ar",)), ("aste", ("ar",)), ("ó", ("ar",)), ("asteis", ("ar",)),
        ("aron", ("ar",)),
        ("í", ("er", "ir")), ("iste", ("er", "ir")), ("ió", ("er", "ir")),
        ("isteis", ("er", "ir")), ("ieron", ("er", "ir")),
        ("o", ("ar", "er", "ir")), ("as", ("ar",)), ("a", ("ar",)), ("amos", ("ar",)),
        ("áis", ("ar",)), ("an", ("ar",)),
        ("es", ("er", "ir")), ("e", ("er", "ir", "ar")), ("emos", ("er",)), ("éis", ("er",)),
        ("en", ("er", "ir", "ar")), ("imos", ("ir",)), ("ís", ("ir",)),
        ("ara", ("ar",)), ("aran", ("ar",)), ("iera", ("er", "ir")), ("ieran", ("er", "ir")),
    ],
    key=lambda pair: -len(pair[0]),
)  # fmt: skip
_FUTURE = ("é", "ás", "á", "emos", "éis", "án", "ía", "ías", "íamos", "íais", "ían")
_ACCENTS = str.maketrans("áéíóú", "aeiou")


def _strip_accents(word: str) -> str:
    return word.translate(_ACCENTS)


@dataclass(frozen=True, slots=True)
class Lemma:
    word: str
    lemma: str
    how: str  # "irregular", "known", "rule", "as is"


WORD_ZIPF = 2.8  # a lemma must be at least this common (rarer entries hold many misspellings)
# Enclitic pronouns, longest cluster first: "dámelo" is da + me + lo.
_CLITICS = ("nos", "os", "me", "te", "se", "lo", "la", "le", "los", "las", "les")
# Imperatives of one syllable that take a pronoun with no written accent: "dame", "hazlo".
_SHORT_IMPERATIVES = {
    "da": "dar", "di": "decir", "haz": "hacer", "pon": "poner", "ten": "tener", "ve": "ir",
    "sal": "salir", "ven": "venir", "sé": "ser", "dad": "dar", "id": "ir",
}  # fmt: skip
_DIMINUTIVES = ("ecito", "ecita", "cito", "cita", "ito", "ita", "illo", "illa", "ico", "ica")
_SUPERLATIVES = ("ísimo", "ísima")


class Lemmatiser:
    """Lemmas of one language; `known` is its word list (word → zipf), `library` simplemma's
    lemmatize for the language (injected: the documents layer loads nothing itself)."""

    def __init__(
        self, lang: str, known: Mapping[str, float], library: Callable[[str], str]
    ) -> None:
        self.lang = lang
        self.known = known
        self.library = library

    def is_word(self, word: str, at_least: float = WORD_ZIPF) -> bool:
        return self.known.get(word, 0.0) >= at_least

    def zipf(self, word: str) -> float:
        return self.known.get(word, 0.0)

    @lru_cache(maxsize=20_000)  # noqa: B019 - one lemmatiser lives as long as the app
    def lemma(self, word: str) -> Lemma:
        w = unicodedata.normalize("NFC", word).casefold().strip("-'’")
        if self.lang == "es":
            if w in _OWN_HEADWORDS:
                return Lemma(word, w, "known")
            if w in IRREGULAR:
                return Lemma(word, IRREGULAR[w].split("/")[0], "irregular")
            found = self._spanish_rules(w)
            if found is not None:
                return Lemma(word, found, "rule")
            return self._best(word, w, self._spanish_candidates(w))
        if w in ENGLISH_IRREGULAR:
            return Lemma(word, ENGLISH_IRREGULAR[w], "irregular")
        return self._best(word, w, self._english_candidates(w))

    def _best(self, word: str, w: str, guesses: list[str]) -> Lemma:
        """simplemma's answer, unless a lemma made by rule from the form's ending is a more
        common word ("hablas": hablar over the noun habla); the form itself when it is a word
        and nothing else is; never a word that is not one."""
        head = self._library(w)
        best = head
        if self.lang == "en" and head is not None:
            guesses = []  # English endings mislead ("thing", "letter"): only where it failed
        for guess in guesses:
            if guess == w or not self.is_word(guess):
                continue
            if best is not None and _strip_accents(guess) == _strip_accents(best):
                continue  # "cortes" for "cortés": the accent is the word's
            if best is None or self.zipf(guess) > self.zipf(best) + 0.3:
                best = guess
        if best is not None:
            best = IRREGULAR.get(best, best).split("/")[0] if self.lang == "es" else best
            return Lemma(word, best, "known" if best == head else "rule")
        return Lemma(word, w, "as is")

    def _library(self, w: str) -> str | None:
        """simplemma's answer, if it is a word (or the form itself, which it knows)."""
        try:
            head = self.library(w).casefold()
        except ValueError:  # a form it cannot take (empty after cleaning)
            return None
        if self.lang == "es" and head.endswith("rse") and self.is_word(head[:-2]):
            head = head[:-2]  # "vestirse": the verb is vestir
        if head == w:
            return w if self.is_word(w) else None
        return head if self.is_word(head) else None

    # ---- Spanish ------------------------------------------------------------------------

    def _spanish_rules(self, w: str) -> str | None:
        return self._clitics(w) or self._diminutive(w) or self._superlative(w)

    def _spanish_candidates(self, w: str) -> list[str]:
        """Lemmas the form's ending allows: infinitives (with the stem and spelling changes
        undone) and, for an adjective's feminine or plural, its masculine singular."""
        out = []
        for ending, infinitives in _VERB_ENDINGS:
            if w.endswith(ending) and len(w) - len(ending) >= 2:
                stem = w[: -len(ending)]
                for inf in infinitives:
                    for changed in _stems(stem, ending):
                        out.append(changed + inf)
        for ending in _FUTURE:
            stem = w[: -len(ending)]
            if w.endswith(ending) and stem.endswith(("ar", "er", "ir")):
                out.append(stem)
        for ending, masculine in (("as", "o"), ("a", "o"), ("os", "o"), ("es", "")):
            if w.endswith(ending) and len(w) > len(ending) + 2:
                out += _accented(w[: -len(ending)] + masculine)  # ratones: ratón
        return out

    def _clitics(self, w: str) -> str | None:
        """A verb with pronouns attached: the verb's lemma. Only where the pronouns leave a
        verb behind: an infinitive or gerund ("levantarse", "vistiéndose"), a vosotros
        imperative ("sentaos"), an imperative that carries the written accent the pronouns put
        there ("dámelo", "acuéstate"), or a short imperative ("dame", "hazlo")."""
        for base, last in _without_clitics(w):
            plain = _strip_accents(base) if _has_accent(w) else base
            if plain in ("oir", "reir", "freir"):
                plain = plain[:-2] + "ír"
            if plain.endswith(("ar", "er", "ir", "ír")) and (
                self.is_word(plain) or plain in IRREGULAR.values()
            ):
                return plain
            if plain.endswith(("ando", "iendo", "yendo")):
                head = self._gerund(plain)
                if head:
                    return head
            if last == "os":  # only on a vosotros form, its d dropped: "sentaos", "vestíos"
                if (
                    plain.endswith(("a", "e", "i"))
                    and len(plain) > 3
                    and self.is_word(plain + "r", 3.5)
                    and not self.is_word(w, 3.5)  # "caos", "dios"
                ):
                    return plain + "r"
                continue
            if plain in _SHORT_IMPERATIVES:
                return _SHORT_IMPERATIVES[plain]
            if _has_accent(w) and not _has_accent(plain) and plain.endswith(("a", "e")):
                head = self._imperative(plain)
                if head:
                    return head
        return None

    def _gerund(self, form: str) -> str | None:
        """ "duchando" → duchar, "eligiendo" → elegir, "durmiendo" → dormir."""
        if form in IRREGULAR:
            return IRREGULAR[form].split("/")[0]
        ending = next(e for e in ("ando", "iendo", "yendo") if form.endswith(e))
        stem = form[: -len(ending)]
        endings = ("ar",) if ending == "ando" else ("er", "ir")
        guesses = [s + e for s in _stems(stem, "e") for e in endings]
        return max(guesses, key=self.zipf) if any(self.is_word(g, 1.5) for g in guesses) else None

    def _imperative(self, form: str) -> str | None:
        """The infinitive of a tú or usted imperative ("compra", "prueba", "siente")."""
        if form in IRREGULAR:
            return IRREGULAR[form].split("/")[0]
        guesses = []
        for stem in _stems(form[:-1], "a"):
            guesses += [stem + "ar", stem + "er", stem + "ir"]
        best = max(guesses, key=self.zipf, default="")
        return best if self.is_word(best) else None

    def _diminutive(self, w: str) -> str | None:
        """ "gatita" → gato, "cafecito" → café, "poquito" → poco (the base's own lemma). A word
        in its own right stays ("bonito", "bolsillo"): the base must be clearly more common."""
        singular = w[:-1] if w.endswith("s") else w
        for ending in _DIMINUTIVES:
            if not singular.endswith(ending) or len(singular) - len(ending) < 2:
                continue
            if ending.startswith("ill") and self.is_word(w, 3.0):
                return None  # "-illo" words are mostly words of their own (pasillo, tortilla)
            stem = singular[: -len(ending)]
            vowel = "a" if ending.endswith("a") else "o"
            found = [b for b in _bases(stem, vowel) if self.zipf(b) >= self.zipf(w) + 0.5]
            if found and self.is_word(best := max(found, key=self.zipf)):
                return self._library(best) or best
        return None

    def _superlative(self, w: str) -> str | None:
        """ "altísima" → alto, "riquísimo" → rico, "felicísimo" → feliz, "amabilísimo" →
        amable, "facilísimo" → fácil."""
        singular = w[:-1] if w.endswith("s") else w
        for ending in _SUPERLATIVES:
            if not singular.endswith(ending):
                continue
            stem = singular[: -len(ending)]
            candidates = [*_bases(stem, "o"), stem + "e"]
            if stem.endswith("bil"):
                candidates.append(stem[:-3] + "ble")
            if self.is_word(stem + "o", 3.5):
                return stem + "o"  # the masculine adjective: "carísimo" is caro, not cara
            found = [b for b in candidates if self.is_word(b)]
            if found:
                return max(found, key=self.zipf)  # the adjective itself, not a verb it looks like
        return None

    # ---- English ------------------------------------------------------------------------

    def _english_candidates(self, w: str) -> list[str]:
        """Bases the ending allows: -ing, -ed, -s/-es, -er/-est, with a doubled consonant,
        a dropped e or a y changed to i undone."""
        out = []
        for ending in ("ing", "ed", "est", "er", "es", "s"):
            if not w.endswith(ending) or len(w) - len(ending) < 2:
                continue
            stem = w[: -len(ending)]
            out += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
                out.append(stem[:-1])  # stopped, bigger
            if stem.endswith("i"):
                out.append(stem[:-1] + "y")  # studies, happier
            if ending == "es" and stem.endswith("v"):
                out += [stem[:-1] + "f", stem[:-1] + "fe"]  # wolves, knives
        if w.endswith("ses") and len(w) > 5:
            out.append(w[:-3] + "sis")  # analyses, crises
        return out


def _has_accent(word: str) -> bool:
    return any(ch in "áéíóú" for ch in word)


def _without_clitics(w: str) -> list[tuple[str, str]]:
    """What is left of `w` without one or two enclitic pronouns, and the last pronoun; the
    longest rest first ("cállate": calla before cal)."""
    out = set()
    for last in _CLITICS:
        if w.endswith(last) and len(w) > len(last) + 1:
            rest = w[: -len(last)]
            out.add((rest, last))
            for first in _CLITICS:
                if rest.endswith(first) and len(rest) > len(first) + 1 and first != "os":
                    out.add((rest[: -len(first)], last))
    return sorted(out, key=lambda pair: (-len(pair[0]), pair))


def _stems(stem: str, ending: str) -> list[str]:
    """A verb stem as written, and as it is in the infinitive: the stem change undone (cierr →
    cerr, duerm → dorm, pid → ped, jueg → jug), and the spelling change before the ending
    (abrac → abraz, busqu → busc, llegu → lleg, elij → elig, conozc → conoc, distingo →
    distingu)."""
    out = [stem]
    for now, was in (("ie", "e"), ("ue", "o"), ("i", "e"), ("u", "o"), ("ue", "u"), ("í", "e")):
        at = stem.rfind(now)
        if at >= 0:
            out.append(stem[:at] + was + stem[at + len(now) :])
    spelled = []
    for candidate in out:
        for now, was in (
            ("c", "z"),
            ("qu", "c"),
            ("gu", "g"),
            ("j", "g"),
            ("zc", "c"),
            ("g", "gu"),
        ):
            if candidate.endswith(now):
                spelled.append(candidate[: -len(now)] + was)
    return out + spelled


def _bases(stem: str, vowel: str) -> list[str]:
    """What a diminutive's stem may have been: "gat" → gata/gato, "poqu" → poco, "cafe" →
    café, "luc" → luz."""
    out = [stem + vowel, stem + ("o" if vowel == "a" else "a"), stem, stem + "e"]
    if stem.endswith("qu"):
        out.append(stem[:-2] + "c" + vowel)
    if stem.endswith("gu"):
        out.append(stem[:-2] + "g" + vowel)
    if stem.endswith("c"):
        out += [stem[:-1] + "z", stem[:-1] + "z" + vowel]
    return [variant for base in out for variant in _accented(base)]


def _accented(word: str) -> list[str]:
    """The word, and the word with a written accent on one of its vowels (a diminutive or a
    plural loses it: "cafecito", "camioncito", "ratones")."""
    out = [word]
    if not _has_accent(word):
        for at, ch in enumerate(word):
            if ch in "aeiou":
                out.append(word[:at] + "áéíóú"["aeiou".index(ch)] + word[at + 1 :])
    return out


LISTED = 20_000  # "fairly common": among the 20,000 most used words


class Frequency:
    """Ranks of a language's words (1 = most common) from wordfreq's list, and its
    lemmatiser."""

    def __init__(self, lang: str, known: Mapping[str, float], library: Callable[[str], str]):
        ordered = sorted(known.items(), key=lambda item: -item[1])
        self.ranks: dict[str, int] = {word: n for n, (word, _z) in enumerate(ordered, 1)}
        self.size = LISTED
        self.lemmatiser = Lemmatiser(lang, known, library)

    def rank(self, word: str) -> int | None:
        """The rank of the word's lemma (or of the word, when its lemma has none); None when
        neither is in the list."""
        w = word.casefold()
        head = self.lemmatiser.lemma(w).lemma
        return self.ranks.get(head) or self.ranks.get(w)

    def difficulty(self, sentence_words: Iterable[str]) -> float:
        """0 (every word very common) .. 1 (no word among the common ones), a little for
        length."""
        words = list(sentence_words)
        if not words:
            return 0.0
        scores = []
        for word in words:
            rank = self.rank(word)
            scores.append(1.0 if rank is None else min(rank / self.size, 1.0) * 0.8)
        length = min(len(words) / 40, 1.0)
        return round(0.85 * sum(scores) / len(scores) + 0.15 * length, 4)


def band(rank: int | None, size: int) -> str:
    """How common, in words (the UI translates these keys)."""
    if rank is None or rank > size:
        return "rare"
    if rank <= 100:
        return "top100"
    if rank <= 500:
        return "top500"
    return "listed"
