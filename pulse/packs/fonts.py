"""The pack's DejaVu faces, read once per process instead of once per document.

fpdf2's ``add_font`` reads a face's tables and walks its whole character map (some 6,000
characters: widths and glyph ids) for every new document: a third of a pack's CPU. That
work depends only on the file, so it is done once here and each document gets a copy with
its own per-document state: the glyphs it used (its subset), the missing characters, and
a fresh fontTools font object, because fpdf2 subsets that object in place when it writes.
The fresh object is parsed lazily from bytes kept in memory, table by table, as the
subsetting asks for them (about half of what add_font read moves there; the walk over
the character map does not).
"""
from __future__ import annotations

import copy
import io
import threading

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from ..distribution import pdf as documents
from ..distribution.pdf import FACES, FAMILY, FONT_DIR

_templates: dict[str, tuple[TTFFont, bytes]] = {}
_lock = threading.Lock()


def _template(style: str, filename: str) -> tuple[TTFFont, bytes]:
    with _lock:
        if style not in _templates:
            path = FONT_DIR / filename
            reader = FPDF()
            reader.add_font(FAMILY, style, str(path))
            face = reader.fonts[f"{FAMILY.lower()}{style}"]
            face.close()
            _templates[style] = (face, path.read_bytes())
        return _templates[style]


def _add_face(pdf: FPDF, style: str, filename: str) -> None:
    template, data = _template(style, filename)
    face = copy.copy(template)
    face.i = len(pdf.fonts) + 1
    face.ttfont = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    face.missing_glyphs = []
    face.biggest_size_pt = 0
    face._hbfont = None
    face.subset = SubsetMap(face)
    pdf.fonts[face.fontkey] = face


def _add_faces(pdf: FPDF) -> None:
    for style, filename in FACES:
        _add_face(pdf, style, filename)


def new_document(*, title: str, language: str) -> FPDF:
    """An empty A4 document as pulse.distribution.pdf makes one, its faces read once."""
    return documents.new_document(title=title, language=language, add_faces=_add_faces)
