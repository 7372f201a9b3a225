"""Social-post text for an area, per language: short (X) and long (Facebook, Nextdoor)."""
from __future__ import annotations

from dataclasses import dataclass

from .printed import Material, closing_line
from .wording import text

#: X counts every link as 23 characters, whatever its length.
X_LIMIT = 280
X_LINK_LENGTH = 23


@dataclass(frozen=True)
class Post:
    language: str
    kind: str      # "short" (X, up to 280 characters) or "long" (Facebook, Nextdoor)
    text: str


def x_length(post_text: str, link: str) -> int:
    return len(post_text) - len(link) + X_LINK_LENGTH


def posts(material: Material, link: str) -> list[Post]:
    """Both posts for one language; ``link`` is the plain web link (channel: link)."""
    t = text(material.language)
    closing = closing_line(material)
    out = []
    for kind in ("short", "long"):
        body = t[f"post_{kind}"].format(area=material.area_name, link=link)
        if kind == "short" and x_length(body, link) > X_LIMIT:
            # A very long area name: drop the name rather than cut the link.
            body = t["post_short"].format(area="", link=link).lstrip(": ")
            body = body[0].upper() + body[1:]
        if closing:
            dated = f"{body} {closing}."
            if kind == "long" or x_length(dated, link) <= X_LIMIT:
                body = dated
        out.append(Post(material.language, kind, body))
    return out
