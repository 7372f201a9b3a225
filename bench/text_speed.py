"""Where the topic model's training time goes, and cheaper pipelines measured against it.

    python bench/text_speed.py [--size 10000] [--folds 5] [--only NAME,...]
    python bench/text_speed.py --timing 3 --only shipped,hashed   # times only, in turn

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
from bench.text import resample  # noqa: E402


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
    "shipped: words + char 3-5 TF-IDF, LinearSVC, sigmoid cv=3": lambda: build_pipeline(),
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


def timing(factory, big, unseen) -> tuple[float, float]:
    """(seconds to fit on ``big``, comments classified per second)."""
    texts, topics = np.asarray(big.texts, dtype=object), np.asarray(big.topics)
    started = time.perf_counter()
    model = fit_pipeline(factory(), texts, topics)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    model.predict_proba(np.asarray(unseen.texts, dtype=object))
    return fit_seconds, len(unseen) / (time.perf_counter() - started)


def interleaved(names, big, unseen, repeat: int) -> None:
    """Time the variants in turn, ``repeat`` rounds: a shared machine's load changes by the
    minute, and variants timed one after another would be read against different loads."""
    fits: dict[str, list[float]] = {n: [] for n in names}
    rates: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(repeat):
        for name in names:
            fit_seconds, rate = timing(VARIANTS[name], big, unseen)
            fits[name].append(fit_seconds)
            rates[name].append(rate)
    base = names[0]
    print(f"| variant | fit {len(big) // 1000}k, median of {repeat} (s) | ratio to shipped | "
          "survey comments/s (median) | ratio to shipped |")
    print("|---|---:|---:|---:|---:|")
    for name in names:
        fit, rate = float(np.median(fits[name])), float(np.median(rates[name]))
        print(f"| {name} | {fit:.1f} | {fit / np.median(fits[base]):.2f} | {rate:,.0f} | "
              f"{rate / np.median(rates[base]):.2f} |", flush=True)


def measure(name, factory, big, unseen, reports, folds) -> str:
    texts, topics = np.asarray(big.texts, dtype=object), np.asarray(big.topics)
    pipeline = factory()
    started = time.perf_counter()
    features = clone(pipeline.named_steps["features"]).fit(texts)
    feature_seconds = time.perf_counter() - started
    started = time.perf_counter()
    model = fit_pipeline(pipeline, texts, topics)
    fit_seconds = time.perf_counter() - started
    del features
    started = time.perf_counter()
    model.predict_proba(np.asarray(unseen.texts, dtype=object))
    rate = len(unseen) / (time.perf_counter() - started)
    result = cross_validate(factory(), reports, folds=folds, seed=0)
    return (f"| {name} | {fit_seconds:.1f} | {feature_seconds:.1f} | "
            f"{fit_seconds - feature_seconds:.1f} | {rate:,.0f} | "
            f"{result['macro_f1']:.3f} ± {result['macro_f1_sd']:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", help="comma-separated variant names (prefixes)")
    parser.add_argument("--timing", type=int, metavar="ROUNDS",
                        help="only time fit and classification, variants in turn, ROUNDS rounds")
    args = parser.parse_args()
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
