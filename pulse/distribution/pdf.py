"""PDF documents with the project's embedded font, shared by leaflets and briefing packs.

fpdf2 is pure Python (with Pillow and fontTools from PyPI), embeds subsets of TrueType fonts,
lays out tables, and tags images with alternative text in the PDF structure tree. DejaVu Sans
(pulse/fonts, with its licence) covers Welsh: ŵ and ŷ print as letters, not boxes.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVu"
CREATOR = "Neighbourhood Pulse"


#: (style, file) of each face a document carries.
FACES = (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"))


def _read_faces(pdf: FPDF) -> None:
    for style, filename in FACES:
        pdf.add_font(FAMILY, style, str(FONT_DIR / filename))


def new_document(*, title: str, language: str, page_format: str | tuple = "A4",
                 add_faces: Callable[[FPDF], None] = _read_faces) -> FPDF:
    """An empty document in ``language`` with the embedded font loaded and no auto page breaks.

    ``add_faces`` puts :data:`FACES` into the document; briefing packs pass one that reuses
    faces already read in this process (pulse.packs.fonts).
    """
    pdf = FPDF(unit="mm", format=page_format)
    add_faces(pdf)
    pdf.set_font(FAMILY, size=12)
    pdf.set_title(title)
    pdf.set_lang(language)
    pdf.set_creator(CREATOR)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    return pdf


def to_bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


@contextmanager
def open_fonts(pdf: FPDF) -> Iterator[FPDF]:
    """Close the document's font files however drawing ends.

    fpdf2 closes them when it writes the file; a layout that fails first would otherwise
    leave them open until garbage collection.
    """
    try:
        yield pdf
    finally:
        for font in pdf.fonts.values():
            close = getattr(font, "close", None)
            if close is not None:
                close()
