"""The topic taxonomy: codes, labels, descriptions and severity weights, read from data."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TOPICS_FILE = Path(__file__).with_name("data") / "topics.json"


@dataclass(frozen=True)
class Topic:
    """One topic residents write about; severity (0-1) weights it when priorities are set."""

    code: str
    label: str
    description: str
    severity: float


def read_topics(path: Path = TOPICS_FILE) -> tuple[Topic, ...]:
    """Read and check a taxonomy file: unique codes, severities within 0-1."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    topics = tuple(Topic(t["code"], t["label"], t["description"], float(t["severity"]))
                   for t in raw["topics"])
    codes = [t.code for t in topics]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{path.name}: topic codes must be unique")
    for topic in topics:
        if not 0.0 <= topic.severity <= 1.0:
            raise ValueError(f"{path.name}: severity of {topic.code} must be between 0 and 1")
    return topics


@lru_cache(maxsize=1)
def default_topics() -> tuple[Topic, ...]:
    """Return the shipped default taxonomy."""
    return read_topics()


def topic_codes() -> tuple[str, ...]:
    """Return the default topic codes in taxonomy order."""
    return tuple(t.code for t in default_topics())


CRIME_TOPICS = (
    "antisocial_behaviour", "drugs", "theft_burglary", "violence_weapons", "harassment_hate",
    "police_presence",
)
