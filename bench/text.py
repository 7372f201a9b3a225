"""Benchmark the topic classifier beside baselines measured in the same run.

    python bench/text.py            # quality, seed-set generalisation, 50k training, throughput, size
    python bench/text.py --select   # also cross-validate every candidate model (slow)

Baselines: a majority-class dummy, and plain word TF-IDF + logistic regression. Prints markdown
for bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.dummy import DummyClassifier  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402

from analysis.text import registry  # noqa: E402
from analysis.text.dataset import (  # noqa: E402
    LabelledSet, public_reports, seed_heldout, seed_set, training_set,
)
from analysis.text.predict import classify  # noqa: E402
from analysis.text.taxonomy import CRIME_TOPICS  # noqa: E402
from analysis.text.train import (  # noqa: E402
    DEFAULT_CANDIDATE, DEFAULT_FEATURES, FEATURE_SETS, SVC_C, WEIGHT_POWERS, TrainedModel,
    build_pipeline, compare_candidates, cross_validate, fit_pipeline, metrics, svc_name,
    weight_power,
)

BASELINES = {
    "dummy (majority)": lambda: Pipeline([("features", TfidfVectorizer()),
                                          ("model", DummyClassifier(strategy="most_frequent"))]),
    "word TF-IDF + LR": lambda: Pipeline([("features", TfidfVectorizer()),
                                          ("model", LogisticRegression(max_iter=1000))]),
}


def previous_pipeline() -> Pipeline:
    """The model shipped before the 2026-11-27 afternoon change, rebuilt for before/after rows:
    character n-grams with a vocabulary (120k), LinearSVC C=0.1, per-topic sigmoid calibration."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.pipeline import FeatureUnion
    from sklearn.svm import LinearSVC

    from analysis.text.features import head

    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=60_000,
                                  sublinear_tf=True, strip_accents="unicode", dtype=np.float32)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2,
                                  max_features=120_000, sublinear_tf=True, preprocessor=head,
                                  dtype=np.float32)),
    ])
    model = CalibratedClassifierCV(LinearSVC(C=0.1), method="sigmoid", cv=3, ensemble=False)
    return Pipeline([("features", features), ("model", model)])


# The model shipped before the 2026-11-27 evening change (balanced topic weights, whole-text
# features only), rebuilt beside the current one for before/after rows in the same run.
BEFORE = ("linearsvc_c0.1", "plain")


def models(previous: bool = False):
    """(row name, pipeline factory, topic-weight power or None for a plain unweighted fit)."""
    yield (f"pulse ({DEFAULT_CANDIDATE}, {DEFAULT_FEATURES} features, calibrated)",
           lambda: build_pipeline(DEFAULT_CANDIDATE, features=DEFAULT_FEATURES),
           weight_power(DEFAULT_CANDIDATE))
    if previous:
        yield (f"pulse before ({BEFORE[0]}, {BEFORE[1]} features, calibrated)",
               lambda: build_pipeline(BEFORE[0], features=BEFORE[1]), weight_power(BEFORE[0]))
    for name, factory in BASELINES.items():
        yield name, factory, None


def fit(factory, power: float | None, texts, topics):
    pipeline = factory()
    if power is not None:
        return fit_pipeline(pipeline, texts, topics, power)
    return pipeline.fit(np.asarray(texts, dtype=object), np.asarray(topics))


def section_public_cv(out):
    data = public_reports()
    out(f"### Stratified 5-fold CV on the public reports ({len(data):,} FixMyStreet reports)\n")
    rows = {}
    for name, factory, power in models(previous=True):
        if power is not None:
            result = cross_validate(factory(), data, folds=5, seed=0, power=power)
        else:
            result = _cv_plain(factory, data)
        rows[name] = result
    topics = sorted(set(data.topics))
    out("| model | macro-F1 (mean ± sd of folds) | " + " | ".join(f"{t} F1 (P/R)" for t in topics) + " |")
    out("|---|---|" + "---|" * len(topics))
    for name, result in rows.items():
        cells = [f"{result['per_topic'][t]['f1']:.2f} ({result['per_topic'][t]['precision']:.2f}/"
                 f"{result['per_topic'][t]['recall']:.2f})" for t in topics]
        out(f"| {name} | {result['macro_f1']:.3f} ± {result['macro_f1_sd']:.3f} | " + " | ".join(cells) + " |")
    out("")


def _cv_plain(factory, data: LabelledSet) -> dict:
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    texts = np.asarray(data.texts, dtype=object)
    topics = np.asarray(data.topics)
    labels = sorted(set(data.topics))
    predicted = np.empty(len(topics), dtype=topics.dtype)
    scores = []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, topics):
        model = factory().fit(texts[train], topics[train])
        predicted[test] = model.predict(texts[test])
        scores.append(f1_score(topics[test], predicted[test], labels=labels, average="macro",
                               zero_division=0))
    result = metrics(topics, predicted, labels)
    result.update(macro_f1=float(np.mean(scores)), macro_f1_sd=float(np.std(scores)))
    return result


def section_seed_generalisation(out):
    seed, heldout = seed_set(), seed_heldout()
    full = training_set()
    out(f"### Seed-set generalisation: tested on the held-apart set ({len(heldout)} comments, "
        "written apart from the seed set)\n")
    out("| model | trained on | held-out macro-F1 (all topics) | macro-F1 over the six crime topics | "
        + " | ".join(f"{t} F1" for t in CRIME_TOPICS) + " |")
    out("|---|---|---|---|" + "---|" * len(CRIME_TOPICS))
    for name, factory, power in models(previous=True):
        for label, data in (("seed set only", seed), ("public reports + seed set", full)):
            model = fit(factory, power, data.texts, data.topics)
            predicted = list(model.predict(np.asarray(heldout.texts, dtype=object)))
            result = metrics(heldout.topics, predicted, sorted(set(heldout.topics)))
            crime = np.mean([result["per_topic"][t]["f1"] for t in CRIME_TOPICS])
            cells = [f"{result['per_topic'][t]['f1']:.2f}" for t in CRIME_TOPICS]
            out(f"| {name} | {label} | {result['pooled_macro_f1']:.3f} | {crime:.3f} | " + " | ".join(cells) + " |")
    out("")


def resample(data: LabelledSet, size: int, seed: int = 0) -> LabelledSet:
    """Draw `size` rows with replacement (the topic mix of the data is kept)."""
    picks = np.random.default_rng(seed).integers(0, len(data), size=size)
    return LabelledSet([data.texts[i] for i in picks], [data.topics[i] for i in picks])


def section_speed_and_size(out):
    big = resample(training_set(), 50_000)
    # Throughput on two kinds of text: public reports (long, up to 2,000+ characters) and
    # survey-style comments (one sentence), 20,000 of each.
    reports = resample(public_reports(), 20_000, seed=1)
    comments = resample(seed_heldout(), 20_000, seed=2)
    out("### Training time (50,000 comments, resampled), throughput and model size\n")
    out("| model | fit 50k (s) | fit 50k (CPU s) | classify 20k reports (s) | reports/s | classify 20k survey comments (s) | comments/s | saved size (MB) |")
    out("|---|---|---|---|---|---|---|---|")
    for name, factory, power in models(previous=True):
        balanced = power is not None
        started, cpu = time.perf_counter(), time.process_time()
        model = fit(factory, power, big.texts, big.topics)
        fit_seconds, fit_cpu = time.perf_counter() - started, time.process_time() - cpu
        rates = []
        for unseen in (reports, comments):
            started = time.perf_counter()
            if balanced:
                classify(model, unseen.texts)
            else:
                model.predict_proba(np.asarray(unseen.texts, dtype=object))
            seconds = time.perf_counter() - started
            rates.append(f"{seconds:.2f} | {len(unseen) / seconds:,.0f}")
        with tempfile.TemporaryDirectory() as folder:
            if balanced:
                from analysis.text.features import drop_introspection

                drop_introspection(model.named_steps["features"])
                trained = TrainedModel(model, {"version": "bench", "format": 1})
                registry.save(trained, folder)
                size = trained.metadata["artifact"]["bytes"]
            else:
                import joblib

                model.named_steps["features"].stop_words_ = None
                path = Path(folder) / "baseline.joblib"
                joblib.dump(model, path, compress=3)
                size = path.stat().st_size
        out(f"| {name} | {fit_seconds:.1f} | {fit_cpu:.1f} | {rates[0]} | {rates[1]} | {size / 1e6:.1f} |")
        sys.stdout.flush()
    out("")


def section_selection(out):
    from analysis.text.selection import choose

    data = training_set()
    out(f"### Candidate models: stratified 5-fold CV on public reports + seed set ({len(data):,})\n")
    out("Features fitted once per training fold and shared by the candidates of a feature set; "
        "held-out = the seed held-out set, model fitted on all the data. w = power of the "
        "balanced topic weights (1 = fully balanced).\n")
    crime = " | ".join(f"{t} F1 (CV)" for t in CRIME_TOPICS)
    out(f"| features | candidate | CV macro-F1 (mean ± sd) | {crime} | held-out macro-F1 | "
        "held-out, six crime topics | classifier time over 5 folds (s) |")
    out("|---|---|---|" + "---|" * len(CRIME_TOPICS) + "---|---|---|")
    scores = {}
    names = [svc_name(c, power) for power in WEIGHT_POWERS for c in SVC_C]
    for features in FEATURE_SETS:
        def row(name, result, features=features):
            cells = " | ".join(f"{result['per_topic'][t]['f1']:.2f}" for t in CRIME_TOPICS)
            held_crime = np.mean([result["heldout_per_topic"][t]["f1"] for t in CRIME_TOPICS])
            out(f"| {features} | {name} | {result['macro_f1']:.3f} ± {result['macro_f1_sd']:.3f} "
                f"| {cells} | {result['heldout_macro_f1']:.3f} | {held_crime:.3f} | "
                f"{result['classifier_seconds']:.0f} |")
            sys.stdout.flush()

        results = compare_candidates(data, names, folds=5, heldout=seed_heldout(), report=row,
                                     features=features)
        scores.update({(features, name): r["macro_f1_folds"] for name, r in results.items()})
    features, name = choose(scores)
    out(f"\nRule (selection.choose): features {features!r}, candidate {name!r}.\n")


def section_safeguarding(out):
    import csv

    from sklearn.model_selection import StratifiedKFold

    from analysis.text.safeguarding import (
        EXAMPLES_FILE, THRESHOLD, assess_many, build_screen, precision_recall, read_examples,
    )
    from analysis.text.safeguarding_rules import matched_categories

    texts, labels = read_examples()
    heldout_file = Path(__file__).resolve().parents[1] / "data" / "text" / "safeguarding_heldout.csv"
    with heldout_file.open(newline="", encoding="utf-8") as handle:
        heldout = list(csv.DictReader(handle))
    held_texts = [row["text"] for row in heldout]
    held_truth = [row["flagged"] == "1" for row in heldout]
    # Cross-validated figures for the examples the screen learns from (rules were written
    # against these, so the rules' figures here are optimistic).
    cv_flags = [False] * len(texts)
    array = np.asarray(texts, dtype=object)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(array, labels):
        screen = build_screen().fit(array[train], np.asarray(labels)[train])
        for index, result in zip(test, assess_many(list(array[test]), screen=screen)):
            cv_flags[index] = result.flagged
    truth = [bool(y) for y in labels]
    rules_dev = [bool(matched_categories(t)) for t in texts]
    rules_held = [bool(matched_categories(t)) for t in held_texts]
    combined_held = [r.flagged for r in assess_many(held_texts)]
    out(f"### Safeguarding screen (threshold {THRESHOLD}); {EXAMPLES_FILE.name}: {len(texts)} "
        f"examples ({sum(truth)} disclosures); held-out: {len(heldout)} ({sum(held_truth)})\n")
    out("| screen | set | precision | recall |")
    out("|---|---|---|---|")
    for name, set_name, t, p in (
        ("rules only", "examples (rules written against them)", truth, rules_dev),
        ("rules + learned screen", "examples, 5-fold CV", truth, cv_flags),
        ("rules only", "held-out (written afterwards)", held_truth, rules_held),
        ("rules + learned screen", "held-out (written afterwards)", held_truth, combined_held),
    ):
        precision, recall = precision_recall(t, p)
        out(f"| {name} | {set_name} | {precision:.2f} | {recall:.2f} |")
    reports = public_reports().texts
    flagged = sum(r.flagged for r in assess_many(reports))
    out(f"\nFlag rate on the {len(reports):,} public FixMyStreet reports (almost none disclose "
        f"a risk, so this approximates a false-alarm rate; 300 of them are training "
        f"negatives): {flagged / len(reports):.2%}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--select", action="store_true", help="compare all candidate models")
    parser.add_argument("--only", choices=["cv", "seed", "speed", "select", "safeguarding"],
                        action="append")
    args = parser.parse_args()
    out = print
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    out(f"## Text classifier ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{os.cpu_count()} cores, {platform.python_version()}, load average {load:.1f} at start)\n")
    sections = args.only or (["cv", "seed", "speed", "safeguarding"]
                             + (["select"] if args.select else []))
    table = {"cv": section_public_cv, "seed": section_seed_generalisation,
             "speed": section_speed_and_size, "select": section_selection,
             "safeguarding": section_safeguarding}
    for name in sections:
        started = time.perf_counter()
        table[name](out)
        print(f"<!-- {name}: {time.perf_counter() - started:.0f} s; load average now "
              f"{os.getloadavg()[0]:.1f} -->\n", flush=True)


if __name__ == "__main__":
    main()
