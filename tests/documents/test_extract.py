"""Text out of real files of every type, and a clear error for every kind of bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from aidioma_desktop.documents import extract as extract_module
from aidioma_desktop.documents.errors import DocumentError
from aidioma_desktop.documents.extract import (
    MAX_BYTES,
    check_size,
    decode_text,
    extract,
    file_type,
)
from aidioma_desktop.documents.text import normalise

from .files import make_docx, make_encrypted_pdf, make_epub, make_pdf


def text_of(path: Path) -> str:
    return normalise(extract(path, file_type(path), lambda _f: None, lambda: None))


def test_plain_text_in_utf8_cp1252_and_utf16(tmp_path: Path) -> None:
    sentence = "¿Dónde está la señora Muñoz? ¡Aquí!"
    for encoding, name in (("utf-8", "a.txt"), ("cp1252", "b.txt"), ("utf-16", "c.txt")):
        path = tmp_path / name
        path.write_bytes(sentence.encode(encoding))
        assert text_of(path) == sentence, encoding


def test_markdown_and_html_lose_their_markup(tmp_path: Path) -> None:
    md = tmp_path / "receta.md"
    md.write_text(
        "# La receta\n\nBate **tres** huevos con [sal](http://x.es).\n\n```\ncode()\n```\n\n"
        "- Añade las patatas.\n",
        encoding="utf-8",
    )
    assert text_of(md) == "La receta\n\nBate tres huevos con sal.\n\nAñade las patatas."
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>T</title><style>p{}</style></head><body><script>var x;</script>"
        "<h1>Noticias</h1><p>El tren&nbsp;sale a las <b>ocho</b>.</p><p>Llega&#46; Fin.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    assert text_of(page) == "Noticias\n\nEl tren sale a las ocho.\n\nLlega. Fin."


def test_pdf_docx_and_epub(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "doc.pdf", [["La niña come una manzana.", "Tiene hambre."],
                                          ["Segunda página: ¿qué pasa?"]])  # fmt: skip
    # the short line ending a sentence ends a paragraph; the full-width one above it wraps
    assert text_of(pdf) == "La niña come una manzana. Tiene hambre.\n\nSegunda página: ¿qué pasa?"
    docx = make_docx(tmp_path / "doc.docx", ["Hola, ¿qué tal?", "", "Muy bien."], [["uno", "dos"]])
    assert text_of(docx) == "Hola, ¿qué tal?\n\nMuy bien.\n\nuno · dos"
    epub = make_epub(tmp_path / "libro.epub", ["Capítulo uno.", "Capítulo dos &amp; tres."])
    # the spine lists the chapters in reverse: its order wins over the file names
    assert text_of(epub) == "Capítulo dos & tres.\n\nCapítulo uno."


def test_unsupported_type(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"\.exe are not supported"):
        file_type(tmp_path / "program.exe")
    with pytest.raises(DocumentError, match="without an extension"):
        file_type(tmp_path / "README")


def test_a_200_mb_file_is_refused_by_size_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "enorme.txt"
    with big.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    with pytest.raises(DocumentError, match="200 MB") as error:
        check_size(big)
    assert f"at most {MAX_BYTES // 1024 // 1024} MB" in str(error.value)


def test_a_file_just_over_the_limit_says_its_real_size(tmp_path: Path) -> None:
    over = tmp_path / "grande.txt"
    with over.open("wb") as handle:
        handle.truncate(MAX_BYTES + 100 * 1024)
    with pytest.raises(DocumentError, match=r"grande\.txt is 50\.1 MB; documents can be at most"):
        check_size(over)


def test_a_huge_text_file_is_refused_before_it_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "todo.txt"  # just under the size limit: ten times the words allowed
    line = "palabra otra más y siempre la misma " * 100 + "\n"
    with huge.open("w", encoding="utf-8") as handle:
        while handle.tell() < MAX_BYTES - len(line) - 1:
            handle.write(line)
    decoded: list[int] = []
    real_decode = extract_module.decode_text

    def decode(data: bytes, name: str) -> str:
        decoded.append(len(data))
        return real_decode(data, name)

    monkeypatch.setattr(extract_module, "decode_text", decode)
    with pytest.raises(DocumentError, match=r"todo\.txt has more than 500,000 words"):
        text_of(huge)
    assert decoded == []  # refused on a count of its pieces: never decoded as a whole
    fine = tmp_path / "corto.txt"  # a text file over the counting size but within the words
    fine.write_text("palabra\n" + " " * (5 * 1024 * 1024) + "fin.", encoding="utf-8")
    assert text_of(fine).split() == ["palabra", "fin."]


def test_encrypted_and_corrupt_pdfs(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "plain.pdf", [["Secreto."]])
    locked = make_encrypted_pdf(tmp_path / "locked.pdf", plain)
    with pytest.raises(DocumentError, match="protected by a password"):
        text_of(locked)
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R\n garbage \x00\xff")
    with pytest.raises(DocumentError, match="damaged"):
        text_of(corrupt)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(plain.read_bytes()[:200])
    with pytest.raises(DocumentError, match="damaged"):
        text_of(truncated)
    not_pdf = tmp_path / "photo.pdf"
    not_pdf.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(DocumentError, match="not really a PDF"):
        text_of(not_pdf)


def test_corrupt_docx_and_epub(tmp_path: Path) -> None:
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DocumentError, match="damaged"):
        text_of(fake)
    empty_zip = tmp_path / "empty.epub"
    import zipfile

    with zipfile.ZipFile(empty_zip, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
    with pytest.raises(DocumentError, match="damaged"):
        text_of(empty_zip)


def test_binary_renamed_txt_is_refused(tmp_path: Path) -> None:
    png = tmp_path / "foto.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20)
    with pytest.raises(DocumentError, match="not text"):
        text_of(png)
    noise = bytes((i * 7919 + 13) % 256 for i in range(4096)).replace(b"\x00", b"\x01")
    with pytest.raises(DocumentError, match="not text"):
        decode_text(noise, "noise.txt")
