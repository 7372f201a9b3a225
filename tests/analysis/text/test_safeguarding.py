"""Safeguarding flags: disclosures flag with their reasons, general wishes do not."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis.text.safeguarding import (
    POSSIBLE_RISK,
    REASONS,
    assess,
    assess_many,
    precision_recall,
    read_examples,
)
from analysis.text.safeguarding_rules import CATEGORIES, is_general_wish, matched_categories

HELDOUT = Path(__file__).resolve().parents[3] / "data" / "text" / "safeguarding_heldout.csv"


@pytest.mark.parametrize(
    "text, category",
    [
        ("My husband hits me when he's been drinking", "domestic_abuse"),
        ("I can hear the woman next door screaming for help most nights", "domestic_abuse"),
        ("older lads are grooming the year 8s at the bus stop", "child_at_risk"),
        ("the toddler next door is left alone for hours", "child_at_risk"),
        ("honestly i dont want to be here anymore", "self_harm"),
        ("I've thought about killing myself", "self_harm"),
        ("I was mugged outside the station in broad daylight", "violence"),
        ("A lad got stabbed near the chicken shop last month", "violence"),
        ("boys carrying knives on the 136 bus", "weapons"),
        ("heard gunshots near the estate on Saturday night", "weapons"),
        ("A man followed me home from the station last night", "threats"),
        ("the dealer told me he'd cut me if I called the police", "threats"),
        ("I'm being racially abused by my neighbours", "abuse"),
        ("a man exposed himself to my daughter in the park", "abuse"),
    ],
)
def test_disclosures_flag_with_their_reason(text, category):
    result = assess(text)
    assert result.flagged
    assert category in result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "More police patrols in the evening",
        "less knife crime please",
        "Stop knife crime in Lewisham",
        "More police to tackle violence on the high street",
        "better street lighting on the way to the station",
        "police need to fight crime not sit in cars",
        "Knife arches at the station like they had last year",
        "Nothing, I feel safe here",
    ],
)
def test_general_wishes_do_not_flag(text):
    result = assess(text)
    assert not result.flagged, result.reasons
    assert result.reasons == ()


def test_rules_read_wishes_about_where_to_live_as_wishes():
    assert matched_categories("I don't want to live next to a building site forever") == ()
    assert matched_categories("I don't want to live any more") == ("self_harm",)


def test_rule_reasons_come_in_category_order_and_cover_several_kinds():
    reasons = matched_categories("my ex keeps turning up and says he will kill me")
    assert reasons == tuple(c for c in CATEGORIES if c in reasons)
    assert "threats" in reasons


def test_learned_screen_flags_what_the_rules_miss_and_says_so():
    text = "the fella next door drags his girlfriend up the stairs by her hair"
    assert matched_categories(text) == ()
    result = assess(text)
    assert result.flagged and result.reasons == (POSSIBLE_RISK,)
    assert POSSIBLE_RISK in REASONS


def test_batch_and_single_assessment_agree():
    texts = ["I was punched on the high street", "fix the potholes", ""]
    batch = assess_many(texts)
    assert [r.flagged for r in batch] == [assess(t).flagged for t in texts] == [True, False, False]
    assert assess_many([]) == []


def test_recall_on_the_held_apart_set_stays_high():
    with HELDOUT.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    results = assess_many([row["text"] for row in rows])
    truth = [row["flagged"] == "1" for row in rows]
    precision, recall = precision_recall(truth, [r.flagged for r in results])
    # The floor guards against a rule or data change that quietly loses disclosures.
    assert recall >= 0.9
    assert precision >= 0.7


def test_examples_ship_with_both_classes():
    texts, labels = read_examples()
    assert len(texts) == len(labels) > 400
    assert set(labels) == {0, 1}


def test_precision_recall_edge_cases():
    assert precision_recall([], []) == (1.0, 1.0)
    assert precision_recall([True, False], [True, True]) == (0.5, 1.0)


@pytest.mark.parametrize(
    "text, wish",
    [
        ("Stop the racist abuse in the area", True),
        ("Less assaults at night", True),
        ("Stop the racist abuse, I was spat at last week", False),   # a person and an event
        ("Stop people selling drugs to kids outside the school", False),  # children
        ("My husband hits me", False),
    ],
)
def test_general_wishes_are_told_apart_from_disclosures(text, wish):
    assert is_general_wish(text) is wish
