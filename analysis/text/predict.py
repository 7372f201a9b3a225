"""Classify comments with a fitted pipeline: primary topic, secondary topics, confidence, review.

"Needs review" marks a comment an analyst should label: the model's best guess is weak, or two
topics are nearly tied. review_order() puts the least confident first (active learning: the
labels that teach the model most come first).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

# A secondary topic needs a calibrated probability of at least this much.
SECONDARY_THRESHOLD = 0.25
# Below this confidence, or when the best two topics are closer than the margin, ask a person.
REVIEW_THRESHOLD = 0.5
REVIEW_MARGIN = 0.15


@dataclass(frozen=True)
class Prediction:
    """What the model says about one comment."""

    topic: str
    confidence: float
    secondary_topics: tuple[str, ...]
    needs_review: bool
    margin: float


def classify(pipeline, texts: Sequence[str], secondary_threshold: float = SECONDARY_THRESHOLD,
             review_threshold: float = REVIEW_THRESHOLD, review_margin: float = REVIEW_MARGIN
             ) -> list[Prediction]:
    """Return one Prediction per text, in order."""
    if len(texts) == 0:
        return []
    probabilities = pipeline.predict_proba(np.asarray([t or "" for t in texts], dtype=object))
    classes = np.asarray(pipeline.classes_)
    # Columns ordered best first for each row.
    order = np.argsort(-probabilities, axis=1)
    results = []
    for row, ranking in zip(probabilities, order):
        best = float(row[ranking[0]])
        runner_up = float(row[ranking[1]]) if len(ranking) > 1 else 0.0
        secondary = tuple(str(classes[i]) for i in ranking[1:] if row[i] >= secondary_threshold)
        margin = best - runner_up
        results.append(Prediction(
            topic=str(classes[ranking[0]]),
            confidence=round(best, 4),
            secondary_topics=secondary,
            needs_review=best < review_threshold or margin < review_margin,
            margin=round(margin, 4),
        ))
    return results


def review_order(predictions: Sequence[Prediction]) -> list[int]:
    """Return indices of predictions, least confident first (ties: smaller margin first)."""
    return sorted(range(len(predictions)),
                  key=lambda i: (predictions[i].confidence, predictions[i].margin, i))
