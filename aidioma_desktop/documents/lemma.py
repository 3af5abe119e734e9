"""A small Spanish lemmatiser and word-frequency ranks: honest rules, not a dictionary.

`lemma("casas")` is "casa", `lemma("cantábamos")` is "cantar", `lemma("fui")` is "ir". Rules strip
plural, feminine and verb endings; a candidate is preferred when the shipped word list knows it,
and irregular forms of the most common verbs come from a table. It will be wrong sometimes (it
cannot tell "como" the verb from "como" the adverb), and says how it got each answer.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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


class Lemmatiser:
    def __init__(self, known: set[str]) -> None:
        self.known = known

    @lru_cache(maxsize=20_000)  # noqa: B019 - one lemmatiser lives as long as the app
    def lemma(self, word: str) -> Lemma:
        w = unicodedata.normalize("NFC", word).casefold().strip("-'’")
        if w in IRREGULAR:
            head = IRREGULAR[w]
            return Lemma(word, head.split("/")[0] if "/" in head else head, "irregular")
        if w in self.known:  # a listed form is its own headword ("como", "cuenta", "tarde")
            return Lemma(word, w, "known")
        for candidate in self._candidates(w):
            if candidate in self.known:
                return Lemma(word, candidate, "known")
        # Unknown word: only the safest rule (a plural) is applied.
        for candidate in self._plurals(w):
            return Lemma(word, candidate, "rule")
        return Lemma(word, w, "as is")

    def _plurals(self, w: str) -> list[str]:
        out = []
        if w.endswith("ces") and len(w) > 4:
            out.append(w[:-3] + "z")  # luces -> luz
        if w.endswith(("iones",)):
            out.append(w[:-5] + "ión")  # canciones -> canción
        if w.endswith("es") and len(w) > 4 and w[-3] not in "aeiou":
            out.append(w[:-2])  # ciudades -> ciudad
        if w.endswith("s") and len(w) > 3 and w[-2] in "aeiouáéó":
            out.append(w[:-1])  # casas -> casa
        return out

    def _candidates(self, w: str) -> list[str]:
        out: list[str] = []
        singular = self._plurals(w) or [w]
        for s in singular:
            out.append(s)
            if s.endswith("a"):
                out.append(s[:-1] + "o")  # bonita -> bonito
            if s.endswith("ísimo") or s.endswith("ísima"):
                out.append(s[:-5] + "o")
        # Future and conditional: the infinitive plus an ending (hablaré -> hablar).
        for ending in sorted(_FUTURE, key=len, reverse=True):
            stem = w[: -len(ending)]
            if w.endswith(ending) and stem.endswith(("ar", "er", "ir")):
                out.append(stem)
        for ending, infinitives in _VERB_ENDINGS:
            if w.endswith(ending) and len(w) - len(ending) >= 2:
                stem = w[: -len(ending)]
                for inf in infinitives:
                    out.append(stem + inf)
                    out.append(_strip_accents(stem) + inf)
        # Reflexive infinitives and enclitics: "levantarse", "dímelo" are left to the list.
        for suffix in ("se", "lo", "la", "le", "me", "te", "nos"):
            if w.endswith(suffix) and w[: -len(suffix)].endswith(("ar", "er", "ir")):
                out.append(_strip_accents(w[: -len(suffix)]))
        return out


class Frequency:
    """Ranks of common words (1 = most common) from resources/frequency/es.txt."""

    def __init__(self, ranked: list[str]) -> None:
        self.ranks: dict[str, int] = {}
        for word in ranked:
            self.ranks.setdefault(word.casefold(), len(self.ranks) + 1)
        self.size = len(self.ranks)
        self.lemmatiser = Lemmatiser(set(self.ranks))

    @classmethod
    def load(cls, path: Path) -> Frequency:
        words = []
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.append(line)
        return cls(words)

    def rank(self, word: str) -> int | None:
        """The rank of the word, or of its lemma; None when it is not in the list."""
        w = word.casefold()
        if w in self.ranks:
            return self.ranks[w]
        return self.ranks.get(self.lemmatiser.lemma(w).lemma)

    def difficulty(self, sentence_words: list[str]) -> float:
        """0 (every word very common) .. 1 (no word in the list), with a little for length."""
        if not sentence_words:
            return 0.0
        scores = []
        for word in sentence_words:
            rank = self.rank(word)
            scores.append(1.0 if rank is None else min(rank / self.size, 1.0) * 0.8)
        length = min(len(sentence_words) / 40, 1.0)
        return round(0.85 * sum(scores) / len(scores) + 0.15 * length, 4)


def band(rank: int | None, size: int) -> str:
    """How common, in words (the UI translates these keys)."""
    if rank is None:
        return "rare"
    if rank <= 100:
        return "top100"
    if rank <= 500:
        return "top500"
    return "listed"
