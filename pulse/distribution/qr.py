"""QR codes, made locally (segno, pure Python): no link ever leaves the server to be encoded."""
from __future__ import annotations

import io
from functools import lru_cache

import segno

# Medium error correction survives a fold, a smudge or a drawing pin through a poster.
ERROR_LEVEL = "m"
# Pixels per module: crisp once the PDF scales the image, and still a small file.
SCALE = 8
QUIET_ZONE = 4


@lru_cache(maxsize=32)
def qr_png(url: str) -> bytes:
    """A 1-bit PNG of the QR code for ``url``, with the standard four-module quiet zone.

    Cached: a run of coded leaflets prints the same link thousands of times.
    """
    buf = io.BytesIO()
    segno.make(url, error=ERROR_LEVEL, micro=False).save(
        buf, kind="png", scale=SCALE, border=QUIET_ZONE)
    return buf.getvalue()


def qr_matrix(url: str) -> list[list[bool]]:
    """The modules of the QR code for ``url`` (dark = True), without the quiet zone."""
    code = segno.make(url, error=ERROR_LEVEL, micro=False)
    return [[bool(m) for m in row] for row in code.matrix]
