"""A document's language, told from its script and its common words: Spanish and English get
word help and practice; another language is named; a text too short to tell is not named."""

from __future__ import annotations

import pytest

from aidioma_desktop.documents.language import detect

TEXTS = {
    "es": "Mañana vamos a la playa con los niños porque hace mucho calor y no hay clase.",
    "en": "Tomorrow we are going to the beach with the children because it is hot and there "
    "is no school.",
    "fr": "Demain nous allons à la plage avec les enfants parce qu'il fait chaud et il n'y a "
    "pas d'école.",
    "de": "Morgen fahren wir mit den Kindern an den Strand, weil es heiß ist und die Schule "
    "nicht stattfindet.",
    "it": "Domani andiamo al mare con i bambini perché fa caldo e non c'è la scuola, come "
    "anche la settimana scorsa.",
    "pt": "Amanhã vamos à praia com as crianças porque está calor e não há aula, como "
    "aconteceu na semana passada.",
    "ru": "Завтра мы поедем на пляж с детьми, потому что жарко и нет школы.",
    "zh": "明天我们和孩子们去海滩,因为天气很热,也没有课。",
    "ja": "明日は暑いので、子どもたちと海に行きます。学校はありません。",
    "el": "Αύριο θα πάμε στην παραλία με τα παιδιά γιατί κάνει ζέστη.",
}


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_the_language_of_a_paragraph_is_told(language: str) -> None:
    assert detect(TEXTS[language]) == language


def test_a_text_too_short_or_without_words_is_not_named() -> None:
    assert detect("Hola.") == ""
    assert detect("12 34 56 78 90 — 3.5 kg") == ""
    assert detect("") == ""
