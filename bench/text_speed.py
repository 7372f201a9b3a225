"""Where the topic model's training time goes, and cheaper pipelines measured against it.

    python bench/text_speed.py [--size 10000] [--folds 5] [--only NAME,...]
    python bench/text_speed.py --timing 3 --only shipped,hashed   # times only, in turn
    python bench/text_speed.py --nested        # nested CV of the model choice on the public reports
    python bench/text_speed.py --calibration   # sigmoid against temperature, out-of-fold

For each variant, in one run: seconds to fit the features and the classifier on ``size``
comments resampled from the training set (public reports + seed set), classification rate on
20,000 survey-style comments, and stratified k-fold macro-F1 on the public reports (the issue's
quality target) with the whole pipeline refitted inside each fold. The first row is the shipped
pipeline: the baseline every other row is read against (the machine is shared; read ratios).
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.base import clone  # noqa: E402
from sklearn.calibration import CalibratedClassifierCV  # noqa: E402
from sklearn.feature_extraction.text import (  # noqa: E402
    HashingVectorizer, TfidfTransformer, TfidfVectorizer,
)
from sklearn.linear_model import SGDClassifier  # noqa: E402
from sklearn.pipeline import FeatureUnion, Pipeline  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from analysis.text.dataset import public_reports, seed_heldout, training_set  # noqa: E402
from analysis.text.features import build_features, head  # noqa: E402
from analysis.text.train import build_pipeline, cross_validate, fit_pipeline  # noqa: E402
from bench.text import previous_pipeline, resample  # noqa: E402


def _words():
    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=60_000, sublinear_tf=True,
                           strip_accents="unicode", dtype=np.float32)


def _hashed_chars(ngrams=(3, 5), bits=20):
    # No vocabulary: n-grams hashed straight to columns, IDF learned on the hashed counts.
    return Pipeline([("hash", HashingVectorizer(analyzer="char_wb", ngram_range=ngrams,
                                                preprocessor=head, n_features=2 ** bits,
                                                alternate_sign=False, norm=None,
                                                dtype=np.float32)),
                     ("tfidf", TfidfTransformer(sublinear_tf=True))])


def _svc(cv=3):
    return CalibratedClassifierCV(LinearSVC(C=0.1), method="sigmoid", cv=cv, ensemble=False)


VARIANTS = {
    "shipped: words + hashed char 3-5 TF-IDF, LinearSVC C=0.1 weights^0.5, temperature cv=3":
        lambda: build_pipeline(),
    "previous: words + char 3-5 TF-IDF (vocabulary), LinearSVC, sigmoid cv=3": previous_pipeline,
    "hashed char 3-5, SGD modified_huber (no calibration)": lambda: Pipeline([
        ("features", FeatureUnion([("words", _words()), ("chars", _hashed_chars())])),
        ("model", SGDClassifier(loss="modified_huber", alpha=1e-5, max_iter=30, tol=1e-4,
                                random_state=0))]),
    "hashed char 3-5 (2^20)": lambda: Pipeline([
        ("features", FeatureUnion([("words", _words()), ("chars", _hashed_chars())])),
        ("model", _svc())]),
    "calibration cv=2": lambda: Pipeline([("features", build_features()), ("model", _svc(2))]),
    "hashed char 3-5, calibration cv=2": lambda: Pipeline([
        ("features", FeatureUnion([("words", _words()), ("chars", _hashed_chars())])),
        ("model", _svc(2))]),
    "char 3-4 (not 3-5)": lambda: Pipeline([
        ("features", FeatureUnion([("words", _words()), ("chars", TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 4), min_df=2, max_features=120_000,
            sublinear_tf=True, preprocessor=head, dtype=np.float32))])),
        ("model", _svc())]),
    "words only, LinearSVC, sigmoid cv=3": lambda: Pipeline([
        ("features", FeatureUnion([("words", _words())])), ("model", _svc())]),
}


def power_of(name: str) -> float | None:
    """Topic-weight power of a variant: the shipped default for the shipped row; every other
    row was measured with fully balanced weights and keeps them."""
    return None if name.startswith("shipped") else 1.0


def timing(factory, big, unseen, power=None) -> tuple[float, float, float, float]:
    """(seconds to fit on ``big``, its CPU seconds, comments classified per second, per CPU
    second): CPU seconds are what a quiet core would take; wall time here includes waiting
    for a loaded machine."""
    texts, topics = np.asarray(big.texts, dtype=object), np.asarray(big.topics)
    started, cpu = time.perf_counter(), time.process_time()
    model = fit_pipeline(factory(), texts, topics, power)
    fit_seconds, fit_cpu = time.perf_counter() - started, time.process_time() - cpu
    unseen_texts = np.asarray(unseen.texts, dtype=object)
    started, cpu = time.perf_counter(), time.process_time()
    model.predict_proba(unseen_texts)
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    return fit_seconds, fit_cpu, len(unseen) / wall, len(unseen) / used


def interleaved(names, big, unseen, repeat: int) -> None:
    """Time the variants in turn, ``repeat`` rounds: a shared machine's load changes by the
    minute, and variants timed one after another would be read against different loads."""
    runs: dict[str, list[tuple[float, float, float, float]]] = {n: [] for n in names}
    for _ in range(repeat):
        for name in names:
            runs[name].append(timing(VARIANTS[name], big, unseen, power_of(name)))
    median = {n: np.median(np.array(runs[n]), axis=0) for n in names}
    base = median[names[0]]
    print(f"| variant | fit {len(big) // 1000}k, median of {repeat} (s) | fit (CPU s) | "
          "CPU ratio to first row | survey comments/s | per CPU second | ratio to first row |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in names:
        fit, cpu, rate, cpu_rate = median[name]
        print(f"| {name} | {fit:.1f} | {cpu:.1f} | {cpu / base[1]:.2f} | {rate:,.0f} | "
              f"{cpu_rate:,.0f} | {cpu_rate / base[3]:.2f} |", flush=True)


def measure(name, factory, big, unseen, reports, folds) -> str:
    texts, topics = np.asarray(big.texts, dtype=object), np.asarray(big.topics)
    pipeline = factory()
    started = time.perf_counter()
    features = clone(pipeline.named_steps["features"]).fit(texts)
    feature_seconds = time.perf_counter() - started
    started = time.perf_counter()
    model = fit_pipeline(pipeline, texts, topics, power_of(name))
    fit_seconds = time.perf_counter() - started
    del features
    started = time.perf_counter()
    model.predict_proba(np.asarray(unseen.texts, dtype=object))
    rate = len(unseen) / (time.perf_counter() - started)
    result = cross_validate(factory(), reports, folds=folds, seed=0, power=power_of(name))
    return (f"| {name} | {fit_seconds:.1f} | {feature_seconds:.1f} | "
            f"{fit_seconds - feature_seconds:.1f} | {rate:,.0f} | "
            f"{result['macro_f1']:.3f} ± {result['macro_f1_sd']:.3f} |")


def nested_table(reports, out) -> None:
    """Nested CV on the public reports: feature set, topic weights and C chosen per outer fold."""
    from analysis.text.selection import GRID, nested_cross_validate

    def short(choice):
        features, name = choice
        return f"{features} {name.removeprefix('linearsvc_')}"

    out(f"Nested CV on the public reports ({len(reports):,}): outer stratified 5-fold; inside "
        f"each outer training fold, 3-fold CV over {len(GRID)} candidates (feature sets "
        "plain/lead x topic-weight power 1/0.75/0.5 x C 0.1/0.3/1) and selection.choose pick "
        "one; the calibrated pipeline of the choice is fitted on the outer training fold and "
        "scored on its test fold.\n")
    result = nested_cross_validate(reports, report=lambda n, c, f: out(
        f"<!-- outer fold {n}: chose {short(c)}, macro-F1 {f:.3f} -->"))
    topics = sorted(result["per_topic"])
    out("| procedure | macro-F1 (mean ± sd of outer folds) | chosen per fold | "
        + " | ".join(f"{t} F1 (P/R)" for t in topics) + " |")
    out("|---|---|---|" + "---|" * len(topics))
    cells = " | ".join(f"{result['per_topic'][t]['f1']:.2f} ({result['per_topic'][t]['precision']:.2f}/"
                       f"{result['per_topic'][t]['recall']:.2f})" for t in topics)
    out(f"| nested (selection.choose) | {result['macro_f1']:.3f} ± {result['macro_f1_sd']:.3f} | "
        f"{', '.join(short(c) for c in result['chosen'])} | {cells} |")
    out(f"\nconfusion matrix (rows truth, columns predicted, {topics}): "
        f"{result['confusion_matrix']['matrix']}\n")


def calibration_table(reports, out) -> None:
    """Out-of-fold calibration of sigmoid against temperature scaling (same classifier)."""
    from sklearn.utils.class_weight import compute_sample_weight

    from analysis.text.selection import calibration_figures, out_of_fold_probabilities

    weights = compute_sample_weight("balanced", reports.topics)
    out(f"Out-of-fold (5-fold) probabilities on the public reports ({len(reports):,}); "
        "'balanced' weighs each topic equally (what the probabilities are fitted for), "
        "'as found' weighs each report once.\n")
    out("| calibration | macro-F1 of top topic | log loss balanced | ECE balanced | "
        "log loss as found | ECE as found | needs review (share) | accuracy, confident | "
        "accuracy, needs review |")
    out("|---|---|---|---|---|---|---|---|---|")
    from sklearn.metrics import f1_score

    from analysis.text.predict import REVIEW_MARGIN, REVIEW_THRESHOLD

    from analysis.text.train import DEFAULT_CANDIDATE, DEFAULT_FEATURES, weight_power

    rows = (("temperature (now)", DEFAULT_CANDIDATE, DEFAULT_FEATURES, "temperature"),
            ("temperature, before (linearsvc_c0.1, plain)", "linearsvc_c0.1", "plain",
             "temperature"),
            ("sigmoid, before (linearsvc_c0.1, plain)", "linearsvc_c0.1", "plain", "sigmoid"))
    for method, candidate, features, calibration in rows:
        probabilities, classes = out_of_fold_probabilities(
            build_pipeline(candidate, calibration=calibration, features=features), reports,
            power=weight_power(candidate))
        balanced = calibration_figures(reports.topics, probabilities, classes, weights)
        found = calibration_figures(reports.topics, probabilities, classes)
        top = np.sort(probabilities, axis=1)
        review = (top[:, -1] < REVIEW_THRESHOLD) | (top[:, -1] - top[:, -2] < REVIEW_MARGIN)
        predicted = np.asarray(classes)[probabilities.argmax(axis=1)]
        right = predicted == np.asarray(reports.topics)
        macro = f1_score(reports.topics, predicted, average="macro")
        out(f"| {method} | {macro:.3f} | {balanced['log_loss']:.3f} | {balanced['ece']:.3f} | "
            f"{found['log_loss']:.3f} | {found['ece']:.3f} | {review.mean():.2f} | "
            f"{right[~review].mean():.2f} | {right[review].mean():.2f} |", flush=True)
    out("")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", help="comma-separated variant names (prefixes)")
    parser.add_argument("--timing", type=int, metavar="ROUNDS",
                        help="only time fit and classification, variants in turn, ROUNDS rounds")
    parser.add_argument("--nested", action="store_true",
                        help="nested CV of the model choice on the public reports")
    parser.add_argument("--calibration", action="store_true",
                        help="out-of-fold calibration: sigmoid against temperature scaling")
    args = parser.parse_args()
    if args.nested or args.calibration:
        print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.1f}\n")
        (nested_table if args.nested else calibration_table)(public_reports(), print)
        return
    print(f"bench/text_speed.py on {platform.node()} ({os.cpu_count()} cpus), Python "
          f"{platform.python_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
          f"load {os.getloadavg()[0]:.1f}; fit on {args.size:,} resampled comments, "
          f"{args.folds}-fold CV on the public reports\n")
    big = resample(training_set(), args.size)
    unseen = resample(seed_heldout(), 20_000, seed=2)
    wanted = [w.strip() for w in (args.only or "").split(",") if w.strip()]
    names = [n for n in VARIANTS if not wanted or any(n.startswith(w) for w in wanted)]
    if args.timing:
        interleaved(names, big, unseen, args.timing)
        return
    reports = public_reports()
    print(f"| variant | fit {args.size // 1000}k (s) | of which features (s) | "
          "classifier + calibration (s) | survey comments/s | CV macro-F1 (public reports) |")
    print("|---|---:|---:|---:|---:|---|")
    for name in names:
        print(measure(name, VARIANTS[name], big, unseen, reports, args.folds), flush=True)


if __name__ == "__main__":
    main()
