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
    "vendre vendra vendria venga vengas vengamos vengan viniera vinieras vinieramos vinieran "
    "venido viniendo",
    "ver veo ves ve vemos veis ven veia veias veiamos veian vi viste vio vimos vieron vere "
    "vera veria vea veas visto viendo",
    "dar doy das da damos dais dan daba di diste dio dimos dieron dare dara daria de des dado",
    "saber se sabes sabe sabemos sabeis saben sabia supe supiste supo supimos supieron sabre "
    "sabra sabria sepa sepas sabido",
    "haber he has ha hemos habeis han hay habia habias habiamos habian hubo habra habria haya "
    "hayas hayamos hayan hubiera hubieras hubieramos hubieran hubiese",
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


# --------------------------------------------------------------------------- meaning


def _pairs(rows: Iterable[str]) -> dict[str, frozenset[str]]:
    """Groups of words that mean the same here (accent-folded): each word -> the others."""
    index: dict[str, set[str]] = {}
    for row in rows:
        group = row.split()
        for word in group:
            index.setdefault(word, set()).update(w for w in group if w != word)
    return {word: frozenset(others) for word, others in index.items()}


# Regional and everyday synonyms a teacher accepts whatever the references list: Spain and
# the Americas, Britain and the USA. Spanish nouns and adjectives in all four forms, and only
# nouns of one gender in a group (so that "las"/"los" still agree: "gafas" is not "lentes").
_ES_SAME = _pairs(
    [
        "coche carro auto automovil",
        "coches carros autos automoviles",
        "ordenador computador",
        "ordenadores computadores",
        "zumo jugo",
        "zumos jugos",
        "movil celular",
        "lentes anteojos",
        "patata papa",
        "patatas papas",
        "piso apartamento departamento",
        "pisos apartamentos departamentos",
        "autobus bus camion colectivo",
        "billete boleto",
        "billetes boletos",
        "enfadado enojado",
        "enfadada enojada",
        "enfadados enojados",
        "enfadadas enojadas",
        "bonito lindo",
        "bonita linda",
        "bonitos lindos",
        "bonitas lindas",
        "pelo cabello",
        "frigorifico refrigerador",
        "nevera heladera",
        "chaqueta campera chamarra",
        "melocoton durazno",
        "cacahuete mani cacahuate",
        "nino chico",
        "nina chica",
        "ninos chicos",
        "ninas chicas",
        "empezar comenzar",
        "empieza comienza",
        "empiezo comienzo",
        "empiezan comienzan",
        "empezo comenzo",
        "terminar acabar",
        "termino acabo",
        "termina acaba",
        "terminamos acabamos",
        "volver regresar",
        "vuelvo regreso",
        "vuelve regresa",
        "volvi regrese",
        "volvio regreso",
        "conducir manejar",
        "conduzco manejo",
        "conduce maneja",
        "coger tomar",
        "cojo tomo",
        "coge toma",
        "cogi tome",
        "cogio tomo",
        "rapido deprisa",
        "tambien ademas",
        "estupendo genial",
        "piscina alberca pileta",
        "piscinas albercas piletas",
        "dormitorio cuarto",
        "dormitorios cuartos",
        "habitacion recamara",
        "habitaciones recamaras",
        "profesor maestro",
        "profesora maestra",
        "profesores maestros",
        "padre papa",
        "madre mama",
        "nunca jamas",
        "boligrafo lapicero",
        "mucho bastante",
    ]
)
_EN_SAME = _pairs(
    [
        "film movie",
        "films movies",
        "autumn fall",
        "holiday holidays vacation",
        "flat apartment",
        "flats apartments",
        "lift elevator",
        "underground subway metro",
        "shop store",
        "shops stores",
        "shopping-centre mall",
        "biscuit cookie",
        "biscuits cookies",
        "chips fries",
        "mobile cellphone",
        "rubbish trash garbage",
        "queue line",
        "petrol gas gasoline",
        "motorway highway freeway",
        "pavement sidewalk",
        "trousers pants",
        "sweets candy",
        "timetable schedule",
        "big large",
        "begin start",
        "begins starts",
        "began started",
        "beginning starting",
        "finish end",
        "finishes ends",
        "finished ended",
        "buy purchase",
        "bought purchased",
        "kids children",
        "kid child",
        "mum mom mother",
        "dad father",
        "maybe perhaps",
        "quick fast",
        "quickly fast",
        "near close",
        "ill sick",
        "glad happy",
        "help assist",
        "reply answer",
        "replied answered",
        "sofa couch",
        "professor teacher",
        "doctor doctors",
    ]
)
_SAME = {"es": _ES_SAME, "en": _EN_SAME}

# Common opposites: swapping one for the other keeps the words and flips the meaning, so it is
# never an "unsure" rewording.
_ANTONYM_ROWS = {
    "es": [
        "grande pequeno",
        "grandes pequenos",
        "bueno malo",
        "buena mala",
        "bien mal",
        "caliente frio",
        "calor frio",
        "alto bajo",
        "alta baja",
        "abrir cerrar",
        "abre cierra",
        "abierto cerrado",
        "abierta cerrada",
        "comprar vender",
        "compro vendo",
        "compra vende",
        "ir venir",
        "antes despues",
        "siempre nunca",
        "temprano tarde",
        "mucho poco",
        "mucha poca",
        "muchos pocos",
        "muchas pocas",
        "mas menos",
        "cerca lejos",
        "facil dificil",
        "barato caro",
        "barata cara",
        "nuevo viejo",
        "nueva vieja",
        "joven viejo",
        "feliz triste",
        "encima debajo",
        "arriba abajo",
        "izquierda derecha",
        "entrar salir",
        "entra sale",
        "llegar salir",
        "llega sale",
        "gusta odia",
        "encanta odia",
        "ayer manana",
        "dia noche",
        "primero ultimo",
        "ganar perder",
        "gano perdio",
        "sube baja",
        "lleno vacio",
        "rapido lento",
        "fuerte debil",
        "rico pobre",
        "duro blando",
        "seco mojado",
        "aprobar suspender",
        "aprobe suspendi",
        "aprobo suspendio",
        "encontrar perder",
        "aceptar rechazar",
        "claro oscuro",
        "ancho estrecho",
        "limpio sucio",
        "facilmente dificilmente",
    ],
    "en": [
        "big small",
        "big little",
        "large small",
        "good bad",
        "well badly",
        "hot cold",
        "warm cold",
        "tall short",
        "high low",
        "open close",
        "opens closes",
        "opened closed",
        "buy sell",
        "bought sold",
        "come go",
        "before after",
        "always never",
        "early late",
        "many few",
        "much little",
        "more less",
        "near far",
        "easy difficult",
        "easy hard",
        "cheap expensive",
        "new old",
        "young old",
        "happy sad",
        "above below",
        "left right",
        "enter leave",
        "arrive leave",
        "arrives leaves",
        "like hate",
        "likes hates",
        "love hate",
        "loves hates",
        "yesterday tomorrow",
        "day night",
        "first last",
        "win lose",
        "won lost",
        "up down",
        "full empty",
        "fast slow",
        "strong weak",
        "loud quiet",
        "heavy light",
        "rich poor",
        "hard soft",
        "wet dry",
        "safe dangerous",
        "cheap dear",
        "found lost",
        "find lose",
        "pass fail",
        "passed failed",
        "accept refuse",
        "accepted refused",
        "light dark",
        "clean dirty",
        "wide narrow",
        "start stop",
        "remember forget",
        "remembered forgot",
        "push pull",
        "give take",
        "true false",
        "right wrong",
        "inside outside",
        "husband wife",
        "brother sister",
        "son daughter",
        "father mother",
        "boy girl",
        "man woman",
        "men women",
        "uncle aunt",
        "grandfather grandmother",
        "morning evening",
        "morning afternoon",
        "summer winter",
        "north south",
        "east west",
    ],
}
_ANTONYMS = {lang: _pairs(rows) for lang, rows in _ANTONYM_ROWS.items()}

# False friends: (a word of the source, accent-folded prefix) -> answer words (prefixes) that
# look like it and mean something else, and what the source word means.
_FALSE_FRIENDS: dict[str, tuple[tuple[str, tuple[str, ...], str], ...]] = {
    # Spanish source, English answer.
    "en": (
        ("embarazad", ("embarrass",), "pregnant"),
        ("libreri", ("librar",), "bookshop"),
        ("actual", ("actual",), "current, currently"),
        ("realiz", ("realis", "realiz"), "carry out, do"),
        ("exito", ("exit",), "success"),
        ("carpeta", ("carpet",), "folder"),
        ("constipad", ("constipat",), "having a cold"),
        ("sensible", ("sensible",), "sensitive"),
        ("asist", ("assist",), "attend"),
        ("molest", ("molest",), "bother, annoy"),
        ("ropa", ("rope",), "clothes"),
        ("sopa", ("soap",), "soup"),
        ("fabrica", ("fabric",), "factory"),
        ("largo", ("large",), "long"),
        ("larga", ("large",), "long"),
        ("recordar", ("record",), "remember"),
        ("recuerd", ("record",), "remember"),
        ("discut", ("discuss",), "argue"),
        ("suceso", ("success",), "event"),
        ("lectura", ("lecture",), "reading"),
        ("pretend", ("pretend",), "intend, try"),
        ("advert", ("advertis", "advertiz"), "warn, notice"),
        ("decepcion", ("decepti",), "disappointment"),
        ("colegio", ("college",), "school"),
        ("once", ("once",), "eleven"),
        ("atender", ("attend",), "look after, serve"),
        ("introduc", ("introduc",), "put in, insert"),
        ("compromis", ("compromis",), "commitment"),
        ("casualidad", ("casualt",), "coincidence"),
        ("eventual", ("eventual",), "possible, temporary"),
        ("contestar", ("contest",), "answer"),
        ("aviso", ("advice",), "warning, notice"),
        ("dormitorio", ("dormitor",), "bedroom"),
        ("bizarr", ("bizarre",), "brave"),
    ),
    # English source, Spanish answer.
    "es": (
        ("embarrass", ("embarazad",), "avergonzado/a"),
        ("library", ("libreri",), "biblioteca"),
        ("actually", ("actualmente",), "en realidad"),
        ("realize", ("realiz",), "darse cuenta"),
        ("realise", ("realiz",), "darse cuenta"),
        ("exit", ("exito",), "salida"),
        ("carpet", ("carpeta",), "alfombra, moqueta"),
        ("constipat", ("constipad",), "estreñido/a"),
        ("sensible", ("sensible",), "sensato/a"),
        ("attend", ("atiend", "atender"), "asistir"),
        ("rope", ("ropa",), "cuerda"),
        ("soap", ("sopa",), "jabón"),
        ("fabric", ("fabrica",), "tela"),
        ("large", ("largo", "larga"), "grande"),
        ("record", ("recuerd", "record"), "grabar, registrar"),
        ("success", ("suceso",), "éxito"),
        ("lecture", ("lectura",), "conferencia, clase"),
        ("pretend", ("pretend",), "fingir"),
        ("advertis", ("advierte", "advertir"), "anunciar"),
        ("college", ("colegio",), "universidad, facultad"),
        ("excited", ("excitad",), "ilusionado/a, emocionado/a"),
        ("assist", ("asist",), "ayudar"),
        ("argument", ("argumento",), "discusión"),
        ("parents", ("parientes",), "padres"),
        ("career", ("carrera",), "profesión, trayectoria"),
        ("molest", ("molest",), "acosar"),
        ("casualt", ("casualidad",), "víctima, herido"),
        ("deception", ("decepcion",), "engaño"),
        ("dormitor", ("dormitorio",), "residencia de estudiantes"),
    ),
}

# Word-for-word idioms: an answer with one of these, where no accepted translation has it, took
# an idiom literally. (pattern over the folded, lower-case answer; what to say instead)
_LITERAL_ROWS = {
    "en": (
        (
            r"\b(?:have|has|had) (?:hunger|thirst|sleep|fear|reason|heat)\b",
            "be hungry (thirsty...)",
        ),
        (r"\b(?:have|has|had) (?:\w+ )?(?:cold|hot)\b", "be cold / be hot"),
        (r"\b(?:have|has|had) (?:\w+ )?years\b", "be ... years old"),
        (
            r"\bmakes? (?:a lot of |much |a )?(?:cold|heat|hot|sun|wind|good weather)\b",
            "it is cold (hot, sunny...)",
        ),
        (r"\b(?:does|did|will) it make\b", "what's the weather like"),
        (r"\bhow many years\b.*\b(?:have|has)\b", "how old is ..."),
        (r"\bcarry (?:\w+ )?(?:years|months|weeks|days|hours)\b", "have been ... for"),
        (
            r"\b(?:call|calls) (?:myself|yourself|himself|herself|itself|ourselves|themselves)\b",
            "my name is",
        ),
        (r"\bmakes (?:\w+ )?(?:years|days|weeks|months|hours|minutes)\b", "... ago"),
        (r"\b(?:me|to me) (?:likes?|pleases?)\b", "I like"),
    ),
    "es": (
        (
            r"\b(?:soy|eres|es|somos|son|estoy|estas|esta|estamos|estan) (?:\w+ )?anos\b",
            "tener ... años",
        ),
        (r"\b(?:estoy|estas|esta|estamos|estan|soy|es|son) (?:muy )?caliente\b", "tener calor"),
        (
            r"\b(?:estoy|estas|esta|estamos|estan) (?:muy )?(?:hambrient|sedient)[oa]s?\b",
            "tener hambre",
        ),
        (
            r"\b(?:tener|tengo|tienes|tiene|tenemos|tienen|tuve|tuvimos) un (?:buen|gran) tiempo\b",
            "pasarlo bien",
        ),
        (r"\bhace sentido\b", "tener sentido"),
        (
            r"\b(?:llamar|llamo|llama|llamas|llamamos|llaman) (?:de )?(?:vuelta|atras)\b",
            "devolver la llamada",
        ),
        (r"\b(?:aplicar|aplico|aplica|aplique) (?:a|para|por) (?:el|la|un|una)\b", "solicitar"),
        (r"\bes (?:frio|calor|caliente|soleado|ventoso)\b", "hace frío"),
    ),
}
_LITERAL_IDIOMS = {
    lang: tuple((re.compile(pattern), instead) for pattern, instead in rows)
    for lang, rows in _LITERAL_ROWS.items()
}

# Words that an accent tells apart from another word: the accent is no slip on them.
# (Not esta/está: the two are so often typed alike that a teacher counts it as a slip.)
_ES_DIACRITIC = _words(
    "el tu mi si se te de mas aun que como donde cuando quien quienes cual cuales cuanto cuanta "
    "cuantos cuantas papa mama"
)


# Things of one kind: one for another changes what is said ("niece" for "nephew"), so it is
# never an unsure rewording. Accent-folded; plurals are matched by the classifier.
_FIELD_ROWS = {
    "en": [
        "mother father mom dad mum brother sister son daughter uncle aunt nephew niece cousin "
        "grandmother grandfather grandma grandpa grandson granddaughter husband wife boyfriend "
        "girlfriend parents children",
        "dog cat bird fish horse cow pig sheep mouse rabbit",
        "red blue green yellow black white orange pink purple brown grey gray",
        "monday tuesday wednesday thursday friday saturday sunday",
        "january february march april may june july august september october november december",
        "spring summer autumn winter",
        "morning afternoon evening night midnight noon",
        "breakfast lunch dinner",
        "head arm leg hand foot back stomach throat ear eye nose tooth knee shoulder",
        "apple orange banana pear grape lemon strawberry",
        "water coffee tea milk juice beer wine",
        "car bus train plane bike bicycle boat taxi",
        "bank school hospital church library museum station airport pharmacy market",
        "shirt trousers skirt dress shoes jacket coat hat",
        "sunny rainy cloudy windy snowy foggy",
        "cold heat wind sun rain snow fog",
        "kitchen bedroom bathroom garden",
        "house flat cottage",
        "doctor teacher nurse waiter lawyer engineer",
        "left right",
        "yesterday today tomorrow",
    ],
    "es": [
        "madre padre mama papa hermano hermana hijo hija tio tia sobrino sobrina primo prima "
        "abuela abuelo nieto nieta marido esposo esposa mujer novio novia padres hijos",
        "perro gato pajaro pez caballo vaca cerdo oveja raton conejo",
        "rojo azul verde amarillo negro blanco naranja rosa morado marron gris",
        "lunes martes miercoles jueves viernes sabado domingo",
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
        "primavera verano otono invierno",
        "manana tarde noche mediodia medianoche",
        "desayuno almuerzo comida cena",
        "cabeza brazo pierna mano pie espalda estomago garganta oreja ojo nariz diente rodilla",
        "manzana naranja platano pera uva limon fresa",
        "agua cafe te leche zumo jugo cerveza vino",
        "coche autobus tren avion bicicleta barco taxi",
        "banco escuela hospital iglesia biblioteca museo estacion aeropuerto farmacia",
        "banco colegio hospital iglesia biblioteca museo estacion aeropuerto farmacia",
        "camisa pantalones falda vestido zapatos chaqueta abrigo sombrero",
        "cocina dormitorio bano jardin",
        "medico profesor profesora enfermero enfermera camarero abogado",
        "izquierda derecha",
        "ayer hoy",
        "frio calor viento sol lluvia nieve niebla",
    ],
}
_FIELDS = {
    lang: {word: n for n, row in enumerate(rows) for word in row.split()}
    for lang, rows in _FIELD_ROWS.items()
}

# Who is who: personal pronouns, as written (accents kept: "él" is not "el"). Another set of
# them in an answer that is otherwise close says that someone else did it ("I am proud of my
# parents" for "My parents are proud of me"). Not lo/la/los/las, which are articles too, nor
# possessives ("el cargador" says "mi cargador").
_PERSON_WORDS = _words(
    "i you he she we they me him us them mine yours ours theirs "
    "yo tú él ella usted nosotros nosotras ellos ellas ustedes me te nos os le les mí ti"
)


# Where an English source leaves it open, a Spanish answer may say "you" as tú or as usted:
# tú's words -> usted's (accent-folded). Verbs change by rule (see classify._formality).
_TU_USTED = {
    "te": frozenset(("le", "lo", "la")),
    "tu": frozenset(("su", "usted")),
    "tus": frozenset(("sus",)),
    "ti": frozenset(("usted",)),
    "contigo": frozenset(("usted",)),
    "tuyo": frozenset(("suyo",)),
    "tuya": frozenset(("suya",)),
}
# Verbs after which an adjective describes the speaker (1) or the person addressed (2): its
# gender is the speaker's or the listener's, which an English source leaves open.
_ES_SELF_VERBS = {
    "1": _words("estoy soy siento estaba era sentia quede puse estuve fui estare sere"),
    "2": _words("estas eres sientes estabas eras sentias quedaste pusiste estuviste fuiste"),
    "1p": _words("estamos somos sentimos estabamos eramos quedamos estuvimos fuimos"),
}
_ES_DEGREE = _words("muy un poco tan bastante algo demasiado mas menos super")

# Words an English command starts with: its "you" is unsaid, so tú and usted both translate it.
_EN_COMMANDS = _words(
    "please don't excuse open close shut take give tell call wait come go look turn let bring "
    "put help sit listen remember forget try be keep stop pass show write read buy send ask "
    "make leave pay check use eat drink follow cross walk stay hurry enjoy have"
)

# More forms of the irregular verbs above (the subjunctive a learner must choose): joined to
# their rows in _ES_LEMMAS.
_ES_IRREGULAR_MORE = [
    "ser fuera fueras fueramos fueran fuese seais",
    "ir fuera fueras fueramos fueran vayais",
    "estar estuviera estuvieras estuvieramos estuvieran este estes estemos esten",
    "tener tuviera tuvieras tuvieramos tuvieran tengamos tengan",
    "hacer hiciera hicieras hicieramos hicieran hagamos hagan",
    "poder pudiera pudieras pudieramos pudieran podamos puedan",
    "querer quisiera quisieras quisieramos quisieran queramos quieran",
    "decir dijera dijeras dijeramos dijeran digamos digan",
    "saber supiera supieras supieramos supieran sepamos sepan",
    "poner pusiera pusieras pusieramos pusieran pongas pongamos pongan",
    "traer trajera trajeras trajeramos trajeran traigas traigamos traigan",
    "salir saliera salieras salieran salgas salgamos salgan",
    "dar diera dieras dieramos dieran demos den",
    "ver viera vieras vieramos vieran veamos vean",
    "acostar acuesto acuestas acuesta acostamos acuestan acoste acosto acostaron acueste",
    "sentar siento sientas sienta sentamos sientan sente sento sentaron siente",
    "llegar llego llegas llega llegamos llegan llegue llego llegaste llegaron llegues lleguemos "
    "lleguen",
]
_ES_LEMMAS = _lemma_index(_ES_IRREGULAR + _ES_IRREGULAR_MORE)
# Verbs whose swap is a choice the grader can judge (ser/estar, tener años, hay/está).
_ES_JUDGED_VERBS = _words("ser estar tener haber hacer")
