"""The compiled safeguarding screen scores as the fitted pipeline does; stale files are refused."""
from __future__ import annotations

import pytest

from analysis.text.fast_screen import FastScreen
from analysis.text.safeguarding import (default_screen, fast_default_screen, read_examples,
                                        screen_key)

ODD_TEXTS = [
    "", "   ", "a", "Better lighting on the path by the station",
    "CCTV!!! on   the\tcorner\n\nof Rushey Green", "café naïve ÉCOLE", "1234 5678",
    "knife knife knife knife", "my neighbour hits his kids", "x" * 500,
    "Ćwiczenie łódź żółw", "emoji 🚓 police 🚓🚓", "don't won't can't", "a b c d e f",
]


@pytest.fixture(scope="module")
def pipeline():
    return default_screen()


def test_scores_match_the_pipeline(pipeline):
    texts, _ = read_examples()
    texts = texts + ODD_TEXTS
    fast = FastScreen.from_pipeline(pipeline, "test")
    expected = pipeline.predict_proba(texts)[:, 1]
    got = [row[1] for row in fast.predict_proba(texts)]
    worst = max(abs(a - b) for a, b in zip(expected, got))
    assert worst < 1e-9, worst


def test_saved_screen_loads_only_with_its_key(pipeline, tmp_path):
    fast = FastScreen.from_pipeline(pipeline, "key-1")
    path = tmp_path / "screen.json"
    fast.save(path)
    loaded = FastScreen.load(path, "key-1")
    assert loaded is not None
    assert loaded.predict_proba(ODD_TEXTS) == fast.predict_proba(ODD_TEXTS)
    assert FastScreen.load(path, "key-2") is None
    assert FastScreen.load(tmp_path / "missing.json", "key-1") is None
    path.write_text("{not json")
    assert FastScreen.load(path, "key-1") is None


def test_default_fast_screen_is_the_current_one():
    screen = fast_default_screen()
    assert screen.key == screen_key()
    assert 0.0 <= screen.score("someone is following me home every night") <= 1.0


def test_settings_it_cannot_reproduce_are_refused(pipeline):
    from sklearn.base import clone

    texts, labels = read_examples()
    changed = clone(pipeline).set_params(features__words__binary=True).fit(texts, labels)
    with pytest.raises(ValueError, match="binary"):
        FastScreen.from_pipeline(changed, "x")
