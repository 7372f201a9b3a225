"""Labelled data: checking files, combining sources, fingerprints, the taxonomy."""
from __future__ import annotations

import json

import pytest

from analysis.text.dataset import (
    LabelError, LabelledSet, parse_labelled, public_reports, read_labelled, seed_heldout,
    seed_set, snapshot,
)
from analysis.text.taxonomy import CRIME_TOPICS, default_topics, read_topics, topic_codes


def test_shipped_data_uses_only_taxonomy_topics_and_covers_the_crime_topics():
    codes = set(topic_codes())
    reports, seed, heldout = public_reports(), seed_set(), seed_heldout()
    assert len(reports) == 9530
    assert set(reports.topics) <= codes
    counts = seed.counts()
    assert all(counts[topic] >= 80 for topic in CRIME_TOPICS)
    assert set(heldout.topics) == codes
    # The held-out comments were written apart: none repeats a seed comment.
    assert not {t.lower() for t in seed.texts} & {t.lower() for t in heldout.texts}


def test_a_labels_file_is_read_and_bad_rows_are_named(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("text,topic,extra\n dealing on the corner ,drugs,x\nspeeding,road_safety,y\n")
    data = read_labelled(good)
    assert data.texts == ["dealing on the corner", "speeding"]
    assert data.topics == ["drugs", "road_safety"]

    bad = tmp_path / "bad.csv"
    bad.write_text("text,topic\nfine,drugs\n,drugs\nsomething,burglary\n")
    with pytest.raises(LabelError) as error:
        read_labelled(bad)
    assert "row 3: empty text" in str(error.value)
    assert "row 4: unknown topic 'burglary'" in str(error.value)
    assert "theft_burglary" in str(error.value)  # the message lists the valid topics


def test_unusable_files_get_clear_messages(tmp_path):
    with pytest.raises(LabelError, match="no such file"):
        read_labelled(tmp_path / "absent.csv")
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("dealing,drugs\n")
    with pytest.raises(LabelError, match="missing column"):
        read_labelled(headerless)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00text")
    with pytest.raises(LabelError, match="UTF-8"):
        read_labelled(binary)


def test_many_bad_rows_are_summarised():
    rows = [{"text": "", "topic": "drugs"}] * 8
    with pytest.raises(LabelError, match="and 3 more"):
        parse_labelled(rows)


def test_snapshot_fingerprints_content_and_counts():
    one = LabelledSet(["a", "b"], ["drugs", "other"])
    same = LabelledSet(["a", "b"], ["drugs", "other"])
    relabelled = LabelledSet(["a", "b"], ["drugs", "drugs"])
    assert snapshot(one) == snapshot(same)
    assert snapshot(one)["sha256"] != snapshot(relabelled)["sha256"]
    assert snapshot(one)["per_topic"] == {"drugs": 1, "other": 1}
    assert snapshot(one + relabelled)["rows"] == 4


def test_default_taxonomy_has_descriptions_and_severities():
    topics = default_topics()
    assert [t.code for t in topics][-1] == "other"
    assert len(topics) == 10
    assert all(t.description and 0 <= t.severity <= 1 for t in topics)
    assert max(topics, key=lambda t: t.severity).code == "violence_weapons"


def test_taxonomy_file_is_checked(tmp_path):
    path = tmp_path / "topics.json"
    topic = {"code": "x", "label": "X", "description": "d", "severity": 0.5}
    path.write_text(json.dumps({"topics": [topic, topic]}))
    with pytest.raises(ValueError, match="unique"):
        read_topics(path)
    path.write_text(json.dumps({"topics": [dict(topic, severity=2)]}))
    with pytest.raises(ValueError, match="between 0 and 1"):
        read_topics(path)
