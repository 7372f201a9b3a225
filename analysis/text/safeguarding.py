"""Flag comments that disclose an immediate risk or a crime, for officer attention.

A survey is not a reporting channel, so a flagged resident is shown how to report (999 in an
emergency, 101 otherwise) and an officer sees the comment first. Missing a disclosure costs far
more than an officer reading a comment that turns out to be general, so the screen favours
recall: a comment flags when a phrase rule matches (which also names the reason categories) OR
when a small learned model, trained on the project's labelled examples, gives it at least
THRESHOLD. General wishes ("less knife crime", "more police to tackle violence") describe a
concern, not a disclosure: the rules stand aside for them and the learned screen, which has
seen such wishes as negatives, decides alone.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Iterable, Sequence

from analysis.text.safeguarding_rules import CATEGORIES, is_general_wish, matched_categories

EXAMPLES_FILE = Path(__file__).with_name("data") / "safeguarding_examples.csv"
# The compiled screen (analysis/text/fast_screen.py), written by `make install` or on first use.
FAST_SCREEN_FILE = Path(__file__).with_name("data") / "build" / "safeguarding_screen.json"
# Bump when build_screen() changes, so that a screen compiled from the old one is rebuilt.
SCREEN_VERSION = 1
# Chosen for recall: on the held-apart set the learned screen keeps recall near 1 down to
# here while precision stays above 0.8 (docs/TEXT-MODELS.md has the curve).
THRESHOLD = 0.4
# The reason given when only the learned screen flags: an officer should read the comment.
POSSIBLE_RISK = "possible_risk"
REASONS = CATEGORIES + (POSSIBLE_RISK,)


@dataclass(frozen=True)
class SafeguardingResult:
    """Whether a comment needs an officer's attention, why, and the learned screen's score."""

    flagged: bool
    reasons: tuple[str, ...]
    score: float = 0.0


def read_examples(path: Path = EXAMPLES_FILE) -> tuple[list[str], list[int]]:
    """Read labelled examples (columns text, flagged) for the learned screen."""
    texts, labels = [], []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            texts.append(row["text"])
            labels.append(int(row["flagged"]))
    return texts, labels


def build_screen():
    """Return an unfitted pipeline: word and character n-grams into a balanced logistic model."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)),
    ])
    model = LogisticRegression(C=10.0, class_weight="balanced", solver="liblinear")
    return Pipeline([("features", features), ("model", model)])


@lru_cache(maxsize=1)
def default_screen():
    """Fit the learned screen on the shipped examples once per process (under a second)."""
    texts, labels = read_examples()
    return build_screen().fit(texts, labels)


def screen_key(path: Path = EXAMPLES_FILE) -> str:
    """What the default screen is fitted from: the examples, the recipe, scikit-learn's version."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return f"examples={digest};recipe={SCREEN_VERSION};sklearn={package_version('scikit-learn')}"


@lru_cache(maxsize=1)
def fast_default_screen():
    """The default screen compiled to plain weights: loaded if built, else fitted and saved.

    Loading takes a fraction of a second and imports no scikit-learn; call it when a worker
    starts (gunicorn.conf.py does) so that no resident's submit pays for it.
    """
    from analysis.text.fast_screen import FastScreen

    key = screen_key()
    screen = FastScreen.load(FAST_SCREEN_FILE, key)
    if screen is None:
        screen = FastScreen.from_pipeline(default_screen(), key)
        try:
            screen.save(FAST_SCREEN_FILE)
        except OSError:
            pass  # a read-only install still works: this process keeps it in memory
    return screen


def assess_many(texts: Sequence[str], screen=None, threshold: float = THRESHOLD
                ) -> list[SafeguardingResult]:
    """Assess a batch of comments; ``screen`` defaults to the compiled default screen."""
    texts = [t or "" for t in texts]
    if not texts:
        return []
    screen = screen if screen is not None else fast_default_screen()
    scores = [row[1] for row in screen.predict_proba(texts)]
    results = []
    for text, score in zip(texts, scores):
        reasons = () if is_general_wish(text) else matched_categories(text)
        if not reasons and score >= threshold:
            reasons = (POSSIBLE_RISK,)
        results.append(SafeguardingResult(bool(reasons), reasons, round(float(score), 4)))
    return results


def assess(text: str) -> SafeguardingResult:
    """Return the flag and the reason categories for one comment."""
    return assess_many([text])[0]


def precision_recall(truth: Iterable[bool], predicted: Iterable[bool]) -> tuple[float, float]:
    """Return (precision, recall) of flags against labels; 1.0 where nothing was flagged/true."""
    pairs = list(zip(truth, predicted))
    tp = sum(1 for t, p in pairs if t and p)
    flagged = sum(1 for _, p in pairs if p)
    positives = sum(1 for t, _ in pairs if t)
    return (tp / flagged if flagged else 1.0, tp / positives if positives else 1.0)
