"""Train the topic classifier: candidates, leak-free cross-validation, the final fit.

Every candidate is one scikit-learn Pipeline (TF-IDF features, then a topic-weighted linear
model wrapped in temperature-scaling calibration), so cross-validation clones and refits the
whole thing on each training fold. The candidate (feature set, classifier, topic-weight power)
is chosen by cross-validated macro-F1 with a fixed rule (selection.choose); docs/TEXT-MODELS.md
records the comparison and why DEFAULT_FEATURES and DEFAULT_CANDIDATE won.
"""
from __future__ import annotations

import platform
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Callable, Iterator

import numpy as np
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils.class_weight import compute_sample_weight

from analysis.text.dataset import LabelledSet, snapshot
from analysis.text.features import build_features, drop_introspection
from analysis.text.predict import REVIEW_MARGIN, REVIEW_THRESHOLD, SECONDARY_THRESHOLD

MODEL_FORMAT = 1

# Topic weights come from sample weights given at fit time (fit_pipeline), so the calibration
# is fitted on the same weighted loss. A candidate's weights are the "balanced" ones (each topic
# weighs the same in total) raised to a power: 1 is fully balanced; 0.5 leans half-way back
# towards the topic mix of the data (the 70% "environment" of the public reports), so the small
# topics still weigh more per comment but are no longer over-predicted as much.
SVC_C = (0.1, 0.3, 1.0)
WEIGHT_POWERS = (1.0, 0.75, 0.5)


def svc_name(c: float, power: float = 1.0) -> str:
    return f"linearsvc_c{c:g}" + ("" if power == 1.0 else f"_w{power:g}")


CANDIDATES: dict[str, Callable[[], object]] = {
    svc_name(c, power): (lambda c=c: LinearSVC(C=c)) for power in WEIGHT_POWERS for c in SVC_C
}
CANDIDATES.update({
    # Kept for the record: with balanced sample weights SGD fits the public reports well but
    # scored 0.18-0.40 macro-F1 on the held-apart crime comments (LinearSVC: 0.73-0.78).
    "modified_huber_sgd_a1e-4": lambda: SGDClassifier(loss="modified_huber", alpha=1e-4,
                                                      max_iter=200, tol=1e-4, random_state=0),
    "complementnb_a0.3": lambda: ComplementNB(alpha=0.3),
})
_POWER = {svc_name(c, power): power for power in WEIGHT_POWERS for c in SVC_C}
# Feature sets the choice runs over (features.build_features options): "lead" adds word and
# character blocks for the first sentence at half the weight of the whole-text blocks.
FEATURE_SETS: dict[str, dict] = {"plain": {}, "lead": {"lead_weight": 0.5}}
# Chosen 2026-11-27 by selection.choose on public reports + seed set (bench/RESULTS.md).
DEFAULT_FEATURES = "plain"
DEFAULT_CANDIDATE = "linearsvc_c0.1_w0.5"


def weight_power(candidate: str) -> float:
    """The power the candidate's balanced topic weights are raised to (1: fully balanced)."""
    return _POWER.get(candidate, 1.0)


def topic_weights(topics, power: float) -> np.ndarray:
    """Balanced sample weights (each topic the same total) raised to `power`."""
    return compute_sample_weight("balanced", np.asarray(topics)) ** power


# Temperature scaling divides the decision scores by one fitted number before the softmax, so
# the primary topic stays the linear model's own best class; per-topic sigmoids (the earlier
# calibration) moved reports off "environment" and cost 0.03 macro-F1 on the public reports.
CALIBRATION = "temperature"
CALIBRATION_FOLDS = 3


def build_pipeline(candidate: str = DEFAULT_CANDIDATE, calibration: str = CALIBRATION,
                   features: str = DEFAULT_FEATURES, **feature_options) -> Pipeline:
    """Return the unfitted pipeline for a named candidate and feature set.

    Fit it with fit_pipeline(..., power=weight_power(candidate)): the topic weights are given
    at fit time, not held by the pipeline.
    """
    if candidate not in CANDIDATES:
        raise ValueError(f"unknown candidate {candidate!r}; choose from {', '.join(CANDIDATES)}")
    # ensemble=False: calibrate on out-of-fold scores, then keep ONE refitted classifier, so the
    # saved model holds one set of weights instead of three.
    calibrated = CalibratedClassifierCV(CANDIDATES[candidate](), method=calibration,
                                        cv=CALIBRATION_FOLDS, ensemble=False)
    options = {**FEATURE_SETS[features], **feature_options}
    return Pipeline([("features", build_features(**options)), ("model", calibrated)])


def fit_pipeline(pipeline: Pipeline, texts, topics, power: float | None = None) -> Pipeline:
    """Fit with topic weights: balanced, raised to `power` (default: the default candidate's)."""
    texts = np.asarray(texts, dtype=object)
    topics = np.asarray(topics)
    power = weight_power(DEFAULT_CANDIDATE) if power is None else power
    return pipeline.fit(texts, topics, model__sample_weight=topic_weights(topics, power))


def cross_validate(pipeline: Pipeline, data: LabelledSet, folds: int = 5, seed: int = 0,
                   keep_fold_models: bool = False, power: float | None = None) -> dict:
    """Stratified k-fold: clone and fit the whole pipeline per fold; pool out-of-fold predictions.

    Returns macro-F1 (mean and per fold), per-topic precision/recall/F1/support and the pooled
    confusion matrix. With keep_fold_models the fitted fold pipelines and test indices are kept
    under "fold_models" (for tests that inspect what each fold learned).
    """
    texts = np.asarray(data.texts, dtype=object)
    topics = np.asarray(data.topics)
    labels = sorted(set(data.topics))
    predicted = np.empty(len(topics), dtype=topics.dtype)
    fold_f1, fold_models = [], []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_index, test_index in splitter.split(texts, topics):
        model = fit_pipeline(clone(pipeline), texts[train_index], topics[train_index], power)
        predicted[test_index] = model.predict(texts[test_index])
        fold_f1.append(float(f1_score(topics[test_index], predicted[test_index], labels=labels,
                                      average="macro", zero_division=0)))
        if keep_fold_models:
            fold_models.append((model, test_index))
    result = metrics(topics, predicted, labels)
    result.update(folds=folds, seed=seed, macro_f1=float(np.mean(fold_f1)),
                  macro_f1_sd=float(np.std(fold_f1)), macro_f1_folds=fold_f1)
    if keep_fold_models:
        result["fold_models"] = fold_models
    return result


def metrics(truth, predicted, labels: list[str] | None = None) -> dict:
    """Per-topic precision/recall/F1/support, pooled macro-F1 and the confusion matrix."""
    labels = labels or sorted(set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0)
    per_topic = {
        label: {"precision": round(float(p), 4), "recall": round(float(r), 4),
                "f1": round(float(f), 4), "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support)
    }
    return {
        "pooled_macro_f1": round(float(np.mean(f1)), 4),
        "per_topic": per_topic,
        "confusion_matrix": {"labels": labels,
                             "matrix": confusion_matrix(truth, predicted, labels=labels).tolist()},
    }


@dataclass
class TrainedModel:
    """A fitted pipeline and the metadata the registry stores beside it."""

    pipeline: Pipeline
    metadata: dict


def library_versions() -> dict[str, str]:
    import joblib
    import scipy
    import sklearn

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": np.__version__, "scipy": scipy.__version__, "joblib": joblib.__version__}


def train(data: LabelledSet, candidate: str = DEFAULT_CANDIDATE, folds: int = 5,
          seed: int = 0, features: str = DEFAULT_FEATURES) -> TrainedModel:
    """Cross-validate the candidate on the data, then fit it on all of it."""
    if len(set(data.topics)) < 2:
        raise ValueError("training needs examples of at least two topics")
    pipeline = build_pipeline(candidate, features=features)
    power = weight_power(candidate)
    evaluation = (cross_validate(pipeline, data, folds=folds, seed=seed, power=power)
                  if folds else None)
    started = time.perf_counter()
    fit_pipeline(pipeline, data.texts, data.topics, power)
    drop_introspection(pipeline.named_steps["features"])
    created = datetime.now(UTC)
    fingerprint = snapshot(data)
    metadata = {
        "format": MODEL_FORMAT,
        # Microseconds: a retrain on the same data can now finish within the second of the
        # last one, and versions are unique.
        "version": created.strftime("%Y%m%dT%H%M%S.%fZ") + "-" + fingerprint["sha256"][:8],
        "created_at": created.isoformat(),
        "candidate": candidate,
        "features": features,
        "topic_weight_power": power,
        "topics": [str(t) for t in pipeline.classes_],
        "training_data": fingerprint,
        "libraries": library_versions(),
        "fit_seconds": round(time.perf_counter() - started, 2),
        "thresholds": {"secondary": SECONDARY_THRESHOLD, "review": REVIEW_THRESHOLD,
                       "review_margin": REVIEW_MARGIN},
        "calibration": {"method": CALIBRATION, "folds": CALIBRATION_FOLDS},
        "cv": evaluation,
    }
    return TrainedModel(pipeline, metadata)


def shared_feature_folds(texts: np.ndarray, topics: np.ndarray, folds: int, seed: int,
                         features: str = DEFAULT_FEATURES) -> Iterator[tuple]:
    """Yield each stratified fold's train and test indices, its feature matrices and balanced
    sample weights, the features fitted on the fold's training part only (no leakage), so that
    candidates differing only in their classifier or topic weights share them."""
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_index, test_index in splitter.split(texts, topics):
        union = build_pipeline(DEFAULT_CANDIDATE, features=features).named_steps["features"]
        yield (train_index, test_index, union.fit_transform(texts[train_index]),
               union.transform(texts[test_index]),
               compute_sample_weight("balanced", topics[train_index]))


def compare_candidates(data: LabelledSet, candidates: list[str] | None = None, folds: int = 5,
                       seed: int = 0, heldout: LabelledSet | None = None,
                       report: Callable[[str, dict], None] | None = None,
                       features: str = DEFAULT_FEATURES) -> dict[str, dict]:
    """Cross-validate each candidate on the same folds; optionally score it on a held-out set.

    The features are fitted once per training fold and shared by the candidates (they differ
    only in the classifier), which is the same computation as cloning each candidate's whole
    pipeline per fold: nothing from a test fold reaches the vectorisers. The classifiers are
    fitted without their calibration: temperature scaling never changes which topic scores
    highest, so the predicted topics are the same at a quarter of the fits. Returns, per
    candidate: CV macro-F1 (mean, sd), pooled per-topic figures, classifier seconds and, with a
    held-out set, the macro-F1 of a model fitted on all the data and tested on it. `report` is
    called with each candidate's result as soon as it is known.
    """
    names = candidates or list(CANDIDATES)
    texts = np.asarray(data.texts, dtype=object)
    topics = np.asarray(data.topics)
    labels = sorted(set(data.topics))
    predicted = {name: np.empty(len(topics), dtype=topics.dtype) for name in names}
    fold_f1: dict[str, list[float]] = {name: [] for name in names}
    seconds = dict.fromkeys(names, 0.0)
    for train_index, test_index, train_matrix, test_matrix, weights in shared_feature_folds(
            texts, topics, folds, seed, features):
        for name in names:
            started = time.perf_counter()
            model = CANDIDATES[name]()
            model.fit(train_matrix, topics[train_index],
                      sample_weight=weights ** weight_power(name))
            predicted[name][test_index] = model.predict(test_matrix)
            seconds[name] += time.perf_counter() - started
            fold_f1[name].append(float(f1_score(topics[test_index], predicted[name][test_index],
                                                labels=labels, average="macro", zero_division=0)))
    held = {}
    if heldout is not None:
        union = build_pipeline(DEFAULT_CANDIDATE, features=features).named_steps["features"]
        matrix = union.fit_transform(texts)
        held_matrix = union.transform(np.asarray(heldout.texts, dtype=object))
        weights = compute_sample_weight("balanced", topics)
        for name in names:
            model = CANDIDATES[name]()
            model.fit(matrix, topics, sample_weight=weights ** weight_power(name))
            held[name] = metrics(heldout.topics, list(model.predict(held_matrix)))
    results = {}
    for name in names:
        result = metrics(topics, predicted[name], labels)
        result.update(macro_f1=float(np.mean(fold_f1[name])),
                      macro_f1_sd=float(np.std(fold_f1[name])), macro_f1_folds=fold_f1[name],
                      classifier_seconds=round(seconds[name], 1))
        if name in held:
            result["heldout_macro_f1"] = held[name]["pooled_macro_f1"]
            result["heldout_per_topic"] = held[name]["per_topic"]
        results[name] = result
        if report is not None:
            report(name, result)
    return results
