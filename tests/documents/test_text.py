"""Sentences and chunks with Spanish rules; offsets always point back into the text."""

from __future__ import annotations

import pytest

from aidioma_desktop.documents.text import chunks, normalise, paragraphs, sentences, words


def split(raw: str) -> list[str]:
    return [s.text for s in sentences(normalise(raw))]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("¡Hola! ¿Qué tal? Muy bien.", ["¡Hola!", "¿Qué tal?", "Muy bien."]),
        ("El Sr. García llegó. La Dra. Ruiz no.", ["El Sr. García llegó.", "La Dra. Ruiz no."]),
        ("Viven en EE. UU. desde 2010. Les gusta.", ["Viven en EE. UU. desde 2010.", "Les gusta."]),
        ("Frutas, p. ej. manzanas. Y peras.", ["Frutas, p. ej. manzanas.", "Y peras."]),
        (
            "Cuesta 3.5 euros o 1.000 pesos. Es caro.",
            ["Cuesta 3.5 euros o 1.000 pesos.", "Es caro."],
        ),
        ("Y luego… nada. Pues... Otra vez.", ["Y luego… nada.", "Pues...", "Otra vez."]),
        ("¿Vienes? —preguntó ella. —Sí.", ["¿Vienes? —preguntó ella.", "—Sí."]),
        ("Dijo «ya voy.» Luego salió.", ["Dijo «ya voy.»", "Luego salió."]),
        ("Compré pan, etc. Luego salí.", ["Compré pan, etc.", "Luego salí."]),
        ("Dije que no. Mar adentro.", ["Dije que no.", "Mar adentro."]),
        ("Lo escribió J. R. Jiménez. Es bonito.", ["Lo escribió J. R. Jiménez.", "Es bonito."]),
        ("Un título sin punto\n\nY un párrafo.", ["Un título sin punto", "Y un párrafo."]),
    ],
)
def test_spanish_sentence_rules(raw: str, expected: list[str]) -> None:
    assert split(raw) == expected


def test_normalise_joins_wrapped_lines_and_hyphenated_words() -> None:
    text = normalise("Primera línea\nsigue aquí con una pala-\nbra.\r\n\r\n\n  Otro   párrafo.\x07")
    assert text == "Primera línea sigue aquí con una palabra.\n\nOtro párrafo."
    assert [p.text for p in paragraphs(text)] == [
        "Primera línea sigue aquí con una palabra.",
        "Otro párrafo.",
    ]


def test_offsets_and_chunks_cover_the_text() -> None:
    text = normalise(" ".join(f"Esta es la frase número {n} del texto." for n in range(60)))
    for s in sentences(text):
        assert text[s.start : s.end] == s.text
    pieces = chunks(text, max_words=30)
    assert len(pieces) > 5
    assert all(c.words <= 30 for c in pieces)
    assert [c.index for c in pieces] == list(range(len(pieces)))
    for c in pieces:
        assert text[c.start : c.end] == c.text
    assert sum(c.words for c in pieces) == len(words(text))


def test_a_sentence_longer_than_a_chunk_is_cut_at_the_budget() -> None:
    text = normalise(" ".join(["palabra"] * 250) + ".")
    pieces = chunks(text, max_words=100)
    assert [c.words for c in pieces] == [100, 100, 50]
    assert pieces[-1].text.endswith("palabra.")


def test_chinese_and_japanese_sentences_end_at_their_full_stops() -> None:
    text = normalise("你好。我很好！你呢？\n\n「今日は雨です。」明日は晴れ。")
    assert [s.text for s in sentences(text)] == [
        "你好。",
        "我很好！",
        "你呢？",
        "「今日は雨です。」",
        "明日は晴れ。",
    ]
