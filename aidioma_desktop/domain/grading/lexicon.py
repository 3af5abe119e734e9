"""What the grader knows of Spanish and English words: classes, negations, agreement groups,
irregular verbs, tense endings, time phrases; and accent folding. Data and tiny lookups only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence


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
