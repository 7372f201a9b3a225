"""Model choice: the one-standard-error rule, nested cross-validation, calibration figures."""
from __future__ import annotations

import numpy as np
import pytest

from analysis.text.dataset import seed_set
from analysis.text.selection import (
    calibration_figures, choose, nested_cross_validate, one_standard_error_choice,
)
from analysis.text.train import build_pipeline, fit_pipeline

ORDER = ("simple", "middle", "complex")


def test_the_most_regularised_candidate_within_one_sd_of_the_best_is_chosen():
    scores = {"simple": [0.78, 0.80], "middle": [0.80, 0.82], "complex": [0.80, 0.84]}
    # Best mean 0.82, sd 0.02: the floor is 0.80, which "middle" reaches and "simple" misses.
    assert one_standard_error_choice(scores, ORDER) == "middle"
    tight = {"simple": [0.70, 0.70], "middle": [0.75, 0.75], "complex": [0.80, 0.80]}
    assert one_standard_error_choice(tight, ORDER) == "complex"


def test_weights_and_features_come_from_the_best_mean_and_c_from_the_rule_within_them():
    scores = {
        ("plain", "linearsvc_c0.1"): [0.70, 0.72],
        ("plain", "linearsvc_c1"): [0.74, 0.76],
        # Best mean (0.80, sd 0.02): its feature set and weights are taken ...
        ("lead", "linearsvc_c1_w0.5"): [0.78, 0.82],
        # ... and C=0.3 of the same family is within one sd (floor 0.78), C=0.1 is not.
        ("lead", "linearsvc_c0.3_w0.5"): [0.78, 0.79],
        ("lead", "linearsvc_c0.1_w0.5"): [0.75, 0.76],
        # Within the floor, but another family: not eligible.
        ("plain", "linearsvc_c0.1_w0.5"): [0.79, 0.79],
    }
    assert choose(scores) == ("lead", "linearsvc_c0.3_w0.5")


def test_nested_cross_validation_chooses_inside_each_outer_fold():
    data = seed_set()
    grid = (("plain", "linearsvc_c0.1"), ("plain", "linearsvc_c1"),
            ("lead", "linearsvc_c0.1_w0.5"))
    result = nested_cross_validate(data, grid=grid, outer=3, inner=2)
    assert len(result["chosen"]) == 3 and len(result["macro_f1_folds"]) == 3
    assert set(result["chosen"]) <= set(grid)
    assert np.array(result["confusion_matrix"]["matrix"]).sum() == len(data)
    # The seed set's topics are far apart: far above the 0.1 of guessing among ten topics.
    assert result["macro_f1"] > 0.5


def test_calibration_figures_of_honest_and_overconfident_probabilities():
    truth = np.array(["a"] * 8 + ["b"] * 2)
    honest = np.tile([0.8, 0.2], (10, 1))  # says "a" at 0.8 and is right 8 times in 10
    overconfident = np.tile([0.99, 0.01], (10, 1))
    fair = calibration_figures(truth, honest, ["a", "b"])
    bold = calibration_figures(truth, overconfident, ["a", "b"])
    assert fair["ece"] == pytest.approx(0.0)
    assert bold["ece"] == pytest.approx(0.19)
    assert fair["log_loss"] < bold["log_loss"]
    assert fair["accuracy"] == pytest.approx(0.8)


def test_calibration_keeps_the_classifiers_own_best_topic():
    data = seed_set()
    model = fit_pipeline(build_pipeline(), data.texts, data.topics)
    texts = np.asarray(["needles in the park", "speeding on the high road", "hmm",
                        "someone tried my car door handles last night"], dtype=object)
    matrix = model.named_steps["features"].transform(texts)
    linear = model.named_steps["model"].calibrated_classifiers_[0].estimator
    probabilities = model.predict_proba(texts)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    # The calibrated model fits its classifier on label indices; map them back to topics.
    assert list(model.classes_[linear.predict(matrix)]) == list(model.predict(texts))
