"""Text out of a file: plain text, Markdown, HTML, PDF (pypdf), Word (python-docx), EPUB.

Every failure is a DocumentError naming the file and what to do; nothing else escapes, so a bad
file never takes the app down. Sizes are checked before a byte is read.
"""

from __future__ import annotations

import codecs
import logging
import math
import re
import stat
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from .errors import DocumentError

MAX_BYTES = 50 * 1024 * 1024  # larger files are refused before they are read
MAX_WORDS = 500_000  # about 1,500 pages; more would take an hour to embed on a laptop
_COUNT_ABOVE_BYTES = 4 * 1024 * 1024  # smaller text files are read whole at once
PIECE = 1024 * 1024  # how much of a file is read at once
MAX_UNZIPPED = 400 * 1024 * 1024  # a .docx/.epub that unpacks to more is refused (zip bombs)

TYPES = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".epub": "epub",
}
TYPE_NAMES = {
    "txt": "text",
    "md": "Markdown",
    "html": "web page",
    "pdf": "PDF",
    "docx": "Word document",
    "epub": "e-book",
}

Progress = Callable[[float], None]  # 0..1 of the extraction step
Check = Callable[[], None]  # raises Cancelled when the person cancelled


def file_type(path: Path) -> str:
    """The document type from the file name, or a DocumentError listing what is supported."""
    kind = TYPES.get(path.suffix.lower())
    if kind is None:
        shown = path.suffix or "without an extension"
        raise DocumentError(
            f"{path.name}: files {shown} are not supported. Add a .txt, .md, .html, .pdf, "
            ".docx or .epub file."
        )
    return kind


def not_a_file(name: str) -> DocumentError:
    return DocumentError(
        f"{name} is not a regular file (it is a device, a pipe or a folder, or a link to one). "
        "Add a saved document."
    )


def too_large(name: str, size: int | None = None) -> DocumentError:
    what = f"is {megabytes(size)}" if size is not None else "is too large"
    return DocumentError(
        f"{name} {what}; documents can be at most {MAX_BYTES // 1024 // 1024} MB. Split it or "
        "save only the part you want to read."
    )


def megabytes(size: int) -> str:
    """A size as people read it: "200 MB", "50.1 MB" (rounded up: never down to the limit it
    is over)."""
    tenths = math.ceil(size / 1024 / 1024 * 10)
    return f"{tenths // 10:,} MB" if tenths % 10 == 0 else f"{tenths / 10:,.1f} MB"


def too_many_words(name: str, count: int | None = None) -> DocumentError:
    said = f"has {count:,} words" if count is not None else f"has more than {MAX_WORDS:,} words"
    return DocumentError(
        f"{name} {said}; AIdioma reads documents of up to {MAX_WORDS:,} words. Add the "
        "chapters you want to read one by one."
    )


def check_words(path: Path, name: str) -> None:
    """Refuse a plain-text file with far too many words before it is read whole: counted in
    pieces, without decoding it (a 50 MB text file would otherwise take seconds and a
    gigabyte of memory to be refused). Spaces overcount words a little; the exact count is
    checked after extraction."""
    if path.stat().st_size <= _COUNT_ABOVE_BYTES:
        return
    tokens, carry = 0, b""
    with path.open("rb") as handle:
        while piece := handle.read(PIECE):
            parts = (carry + piece).split()
            carry = parts.pop() if parts and not piece[-1:].isspace() else b""
            tokens += len(parts)
            if tokens > MAX_WORDS * 1.2:
                raise too_many_words(name)


def check_size(path: Path) -> int:
    """The file's size in bytes, or a DocumentError when it is too large or not a regular file
    (a link is followed: a link to /dev/zero is refused; nothing is read)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise DocumentError(f"{path.name}: the file cannot be opened ({exc.strerror}).") from exc
    if not stat.S_ISREG(info.st_mode):
        raise not_a_file(path.name)
    size = info.st_size
    if size > MAX_BYTES:
        raise too_large(path.name, size)
    return size


def extract(
    path: Path, kind: str, progress: Progress, check: Check, name: str | None = None
) -> str:
    """The raw text of the file at `path` (already known to be of `kind` and not too large);
    `name` is the file's name for messages (the session copy has another)."""
    name = name or path.name
    if kind in ("txt", "md"):
        check_words(path, name)
    if kind in ("txt", "md", "html"):
        text = decode_text(path.read_bytes(), name)
        if kind == "md":
            text = markdown_to_text(text)
        elif kind == "html":
            text = html_to_text(text)
        progress(1.0)
        return text
    if kind == "pdf":
        return _pdf(path, name, progress, check)
    if kind == "docx":
        return _docx(path, name)
    if kind == "epub":
        return _epub(path, name, progress, check)
    raise DocumentError(f"{name}: this type of document is not supported.")


# ---- plain text -----------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, name: str) -> str:
    """Bytes to text: a BOM's encoding, else UTF-8, else Windows-1252 (a superset of Latin-1 for
    what Spanish needs). Binary data (a picture renamed .txt) is refused rather than shown as
    garbage."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DocumentError(
                    f"{name} says it is {encoding.upper()} text but is not. Save it again as "
                    "UTF-8 text."
                ) from exc
    if b"\x00" in data[:65536]:
        raise _binary(name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Windows-1252 leaves five bytes undefined; Latin-1 decodes every byte.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    controls += sum(1 for ch in sample if 0x7F <= ord(ch) <= 0x9F)
    if sample and controls / len(sample) > 0.01:
        raise _binary(name)
    return text


def _binary(name: str) -> DocumentError:
    return DocumentError(
        f"{name} is not text (it looks like a program, a picture or another binary file with a "
        "text file's name). Open it in the program that made it and save it as text."
    )


_MD_RULES = [
    (re.compile(r"^```.*?^```[^\n]*$", re.M | re.S), ""),  # code blocks are not prose
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: their alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links: their text
    (re.compile(r"<[^>\n]+>"), ""),  # inline HTML tags
    (
        re.compile(r"^[ \t]{0,3}(#{1,6}|>+|[-*+]|\d+[.)])[ \t]+", re.M),
        "",
    ),  # headings, quotes, lists
    (re.compile(r"^[ \t]{0,3}([-*_][ \t]*){3,}$", re.M), ""),  # horizontal rules
    (re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # emphasis and code spans
]


def markdown_to_text(text: str) -> str:
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    return text


# ---- HTML -----------------------------------------------------------------------------------

_SKIP = {"script", "style", "head", "noscript", "template", "svg", "math", "nav", "iframe"}
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "blockquote", "pre", "dd", "dt", "dl", "figcaption", "header",
    "footer", "aside", "main", "hr", "td", "th", "title",
}  # fmt: skip


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            # Inside a block, line breaks of the source are just spaces.
            self.parts.append(data.replace("\n", " "))


def html_to_text(markup: str) -> str:
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


# ---- PDF ------------------------------------------------------------------------------------


def _pdf(path: Path, name: str, progress: Progress, check: Check) -> str:
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    with path.open("rb") as handle:
        if not handle.read(1024).lstrip().startswith(b"%PDF"):
            raise _damaged(name, "PDF")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not the user's
    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # many PDFs are locked only against editing
            except (DependencyError, NotImplementedError) as exc:
                raise DocumentError(
                    f"{name} is encrypted in a way AIdioma cannot open. Save an unprotected copy."
                ) from exc
            if not opened:
                raise DocumentError(
                    f"{name} is protected by a password. Open it with the password, save an "
                    "unprotected copy (or print it to PDF) and add that instead."
                )
        pages = reader.pages
        total = len(pages)
        texts = []
        for number, page in enumerate(pages, 1):
            check()
            texts.append(_pdf_paragraphs(page.extract_text() or ""))
            progress(number / max(total, 1))
    except DocumentError:
        raise
    except FileNotDecryptedError as exc:
        raise DocumentError(f"{name} is protected by a password; add an unprotected copy.") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise _damaged(name, "PDF") from exc
    return "\n\n".join(texts)


def _pdf_paragraphs(page: str) -> str:
    """PDF text has a line break per printed line and none between paragraphs: a short line that
    ends a sentence is taken as a paragraph's end, the other breaks as wrapped lines."""
    lines = [line.rstrip() for line in page.splitlines()]
    widths = sorted(len(line) for line in lines if line)
    if not widths:
        return ""
    typical = widths[len(widths) * 3 // 4]
    out = []
    for line in lines:
        out.append(line)
        ends = line.endswith((".", "?", "!", ":", "…", "»", '"', "”"))
        out.append("\n\n" if not line or (ends and len(line) < 0.8 * typical) else "\n")
    return "".join(out)


def _damaged(name: str, what: str) -> DocumentError:
    return DocumentError(
        f"{name} is damaged or is not really a {what} file, so its text cannot be read. "
        "Open it in the program that made it and save it again."
    )


# ---- Word and EPUB (both zip files) ----------------------------------------------------------


def _open_zip(path: Path, name: str, what: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _damaged(name, what) from exc
    if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
        archive.close()
        raise DocumentError(f"{name} unpacks to far more than a document should; not opened.")
    return archive


def _docx(path: Path, name: str) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _open_zip(path, name, "Word").close()
    try:
        document = docx.Document(str(path))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append(" · ".join(cell.text for cell in row.cells))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _damaged(name, "Word (.docx)") from exc
    except ElementTree.ParseError as exc:
        raise _damaged(name, "Word (.docx)") from exc
    except Exception as exc:  # lxml's errors: python-docx gives no common base class
        if type(exc).__module__.startswith("lxml"):
            raise _damaged(name, "Word (.docx)") from exc
        raise
    return "\n\n".join(parts)


_OPF = "{http://www.idpf.org/2007/opf}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"


def _epub(path: Path, name: str, progress: Progress, check: Check) -> str:
    with _open_zip(path, name, "EPUB") as archive:
        try:
            container = ElementTree.fromstring(archive.read("META-INF/container.xml"))
            rootfile = container.find(f".//{_CONTAINER}rootfile")
            if rootfile is None:
                raise KeyError("rootfile")
            opf_path = rootfile.attrib["full-path"]
            opf = ElementTree.fromstring(archive.read(opf_path))
            base = PurePosixPath(opf_path).parent
            manifest = {
                item.attrib["id"]: item.attrib["href"]
                for item in opf.iter(f"{_OPF}item")
                if "html" in item.attrib.get("media-type", "")
            }
            spine = [i.attrib["idref"] for i in opf.iter(f"{_OPF}itemref")]
            chapters = [manifest[i] for i in spine if i in manifest]
            texts = []
            for number, href in enumerate(chapters, 1):
                check()
                data = archive.read(str(base / href) if str(base) != "." else href)
                texts.append(html_to_text(decode_text(data, name)))
                progress(number / max(len(chapters), 1))
        except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, UnicodeError) as exc:
            raise _damaged(name, "EPUB") from exc
    return "\n\n".join(texts)
