"""Labelled comments for training and evaluation: reading, checking, combining, fingerprinting.

Raw data files are never changed; a training run reads them, adds any labels given, and records
a fingerprint (snapshot) of exactly what it trained on.
"""
from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from analysis.text.taxonomy import topic_codes

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "text"
PUBLIC_REPORTS = DATA_DIR / "fms_lewisham_labelled.csv"
SEED_SET = DATA_DIR / "seed_comments.csv"
SEED_HELDOUT = DATA_DIR / "seed_heldout.csv"


class LabelError(ValueError):
    """A labelled file or row that cannot be used, with a message fit for an operator."""


@dataclass
class LabelledSet:
    """Comments and their topics, in step."""

    texts: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def __add__(self, other: "LabelledSet") -> "LabelledSet":
        return LabelledSet(self.texts + other.texts, self.topics + other.topics)

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.topics).items()))


def parse_labelled(rows: Iterable[dict[str, str]], allowed: Sequence[str] | None = None,
                   source: str = "labels") -> LabelledSet:
    """Check rows with `text` and `topic` and return them; any bad row rejects the whole file."""
    allowed = tuple(allowed or topic_codes())
    result = LabelledSet()
    problems: list[str] = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        text = (row.get("text") or "").strip()
        topic = (row.get("topic") or "").strip()
        if not text:
            problems.append(f"row {number}: empty text")
        elif topic not in allowed:
            problems.append(f"row {number}: unknown topic {topic!r}")
        else:
            result.texts.append(text)
            result.topics.append(topic)
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise LabelError(f"{source}: {shown}. Topics are: {', '.join(allowed)}")
    return result


def read_labelled(path: Path | str, allowed: Sequence[str] | None = None) -> LabelledSet:
    """Read a CSV with columns text,topic (others ignored)."""
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LabelError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise LabelError(f"{path}: not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(content))
    missing = {"text", "topic"} - set(reader.fieldnames or ())
    if missing:
        raise LabelError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}; "
                         "expected a header row with text,topic")
    return parse_labelled(reader, allowed, source=path.name)


def public_reports() -> LabelledSet:
    """Real FixMyStreet reports from Lewisham (OGL v3), mapped onto our topics."""
    return read_labelled(PUBLIC_REPORTS)


def seed_set() -> LabelledSet:
    """The project's own written examples, mostly for the crime topics the public data lacks."""
    return read_labelled(SEED_SET)


def seed_heldout() -> LabelledSet:
    """Examples written apart from the seed set, to test how the seed set generalises."""
    return read_labelled(SEED_HELDOUT)


def training_set(extra: LabelledSet | None = None) -> LabelledSet:
    """Everything a model trains on: public reports, the seed set and any labels given."""
    combined = public_reports() + seed_set()
    return combined + extra if extra is not None else combined


def snapshot(data: LabelledSet) -> dict:
    """Fingerprint a training set: a hash of its rows in order, row count and rows per topic."""
    digest = hashlib.sha256()
    for text, topic in zip(data.texts, data.topics):
        digest.update(topic.encode() + b"\x1f" + text.encode() + b"\x1e")
    return {"sha256": digest.hexdigest(), "rows": len(data), "per_topic": data.counts()}
