"""Choosing the topic model by cross-validation, and checking that choice without leakage.

The rule (fixed before the figures it decides): among the candidates, take the best mean
cross-validated macro-F1; every candidate within one standard deviation of the folds of that
best is as good as the data can tell, so take the most regularised of them (first in
`order`). Candidates are (feature set, classifier) pairs; the feature set and the topic
weights are those of the best mean (they are not a matter of more or less regularisation),
and the rule picks C among the LinearSVCs that share them (`choose`). Nested cross-validation
applies the same procedure inside each outer training fold, so the outer folds score the whole
procedure, choice included, on comments it never saw.
"""
from __future__ import annotations

from typing import Callable, Hashable, Sequence

import numpy as np
from sklearn.base import clone
from sklearn.metrics import f1_score, log_loss
from sklearn.model_selection import StratifiedKFold

from analysis.text.dataset import LabelledSet
from analysis.text.train import (CANDIDATES, FEATURE_SETS, SVC_C, WEIGHT_POWERS, build_pipeline,
                                 fit_pipeline, metrics, shared_feature_folds, svc_name,
                                 weight_power)

# Most regularised first: the order the one-standard-error rule breaks ties in (balanced
# weights; the same C order holds for every topic-weight power).
SVC_ORDER = tuple(svc_name(c) for c in SVC_C)
# Every (feature set, LinearSVC) pair the choice runs over.
GRID = tuple((features, svc_name(c, power)) for features in FEATURE_SETS
             for power in WEIGHT_POWERS for c in SVC_C)


def one_standard_error_choice(scores: dict[Hashable, Sequence[float]],
                              order: Sequence[Hashable]) -> Hashable:
    """Return the first candidate in order whose mean is within one sd of the best mean."""
    means = {name: float(np.mean(values)) for name, values in scores.items()}
    best = max(means, key=means.get)
    floor = means[best] - float(np.std(scores[best]))
    return next(name for name in order if name in means and means[name] >= floor)


def choose(scores: dict[tuple[str, str], Sequence[float]]) -> tuple[str, str]:
    """Feature set and topic weights of the best mean; C among those by the one-SE rule."""
    best = max(scores, key=lambda key: float(np.mean(scores[key])))
    features, name = best
    power = weight_power(name)
    family = [(features, svc_name(c, power)) for c in SVC_C]
    if best not in family:  # not a LinearSVC: nothing to regularise further
        return best
    return one_standard_error_choice({key: scores[key] for key in family if key in scores},
                                     family)


def inner_scores(texts, topics, grid: Sequence[tuple[str, str]], folds: int = 3,
                 seed: int = 1) -> dict[tuple[str, str], list[float]]:
    """Macro-F1 per inner fold for each (feature set, candidate), classifiers uncalibrated.

    Temperature scaling does not change which topic scores highest, so the uncalibrated
    classifier predicts the same topics as the calibrated one at a quarter of the cost.
    Features are fitted on each inner training fold only, once per feature set.
    """
    scores: dict[tuple[str, str], list[float]] = {key: [] for key in grid}
    for features in dict.fromkeys(f for f, _ in grid):
        names = [name for f, name in grid if f == features]
        for train_index, test_index, train_matrix, test_matrix, weights in shared_feature_folds(
                texts, topics, folds, seed, features):
            for name in names:
                model = CANDIDATES[name]().fit(train_matrix, topics[train_index],
                                               sample_weight=weights ** weight_power(name))
                scores[(features, name)].append(float(f1_score(
                    topics[test_index], model.predict(test_matrix), average="macro",
                    zero_division=0)))
    return scores


def nested_cross_validate(data: LabelledSet, grid: Sequence[tuple[str, str]] = GRID,
                          outer: int = 5, inner: int = 3, seed: int = 0,
                          report: Callable[[int, tuple[str, str], float], None] | None = None
                          ) -> dict:
    """Outer stratified k-fold; in each, choose by the inner procedure (`choose`), then fit the
    calibrated pipeline of the choice on the outer training fold and score it on the outer
    test fold."""
    texts = np.asarray(data.texts, dtype=object)
    topics = np.asarray(data.topics)
    labels = sorted(set(data.topics))
    predicted = np.empty(len(topics), dtype=topics.dtype)
    fold_f1, chosen = [], []
    splitter = StratifiedKFold(n_splits=outer, shuffle=True, random_state=seed)
    for number, (train_index, test_index) in enumerate(splitter.split(texts, topics)):
        scores = inner_scores(texts[train_index], topics[train_index], grid, inner)
        features, name = choose(scores)
        model = fit_pipeline(build_pipeline(name, features=features), texts[train_index],
                             topics[train_index], weight_power(name))
        predicted[test_index] = model.predict(texts[test_index])
        fold_f1.append(float(f1_score(topics[test_index], predicted[test_index], labels=labels,
                                      average="macro", zero_division=0)))
        chosen.append((features, name))
        if report is not None:
            report(number, (features, name), fold_f1[-1])
    result = metrics(topics, predicted, labels)
    result.update(macro_f1=float(np.mean(fold_f1)), macro_f1_sd=float(np.std(fold_f1)),
                  macro_f1_folds=fold_f1, chosen=chosen)
    return result


def calibration_figures(truth, probabilities, classes, weights=None, bins: int = 10) -> dict:
    """Log loss and expected calibration error of the top topic's probability.

    With balanced weights these measure calibration for equal topic priors, which is what
    the model's probabilities are fitted to.
    """
    truth = np.asarray(truth)
    weights = np.ones(len(truth)) if weights is None else np.asarray(weights, dtype=float)
    confidence = probabilities.max(axis=1)
    correct = np.asarray(classes)[probabilities.argmax(axis=1)] == truth
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            w = weights[inside]
            gap = abs(np.average(correct[inside], weights=w)
                      - np.average(confidence[inside], weights=w))
            error += gap * w.sum() / weights.sum()
    return {"log_loss": float(log_loss(truth, probabilities, labels=list(classes),
                                       sample_weight=weights)),
            "ece": float(error), "accuracy": float(np.average(correct, weights=weights))}


def out_of_fold_probabilities(pipeline, data: LabelledSet, folds: int = 5, seed: int = 0,
                              power: float | None = None):
    """Pooled out-of-fold probabilities of a pipeline (refitted per fold) and its classes;
    `power` as in fit_pipeline."""
    texts = np.asarray(data.texts, dtype=object)
    topics = np.asarray(data.topics)
    classes = sorted(set(data.topics))
    out = np.zeros((len(topics), len(classes)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_index, test_index in splitter.split(texts, topics):
        model = fit_pipeline(clone(pipeline), texts[train_index], topics[train_index], power)
        columns = [classes.index(c) for c in model.classes_]
        out[np.ix_(test_index, columns)] = model.predict_proba(texts[test_index])
    return out, classes
