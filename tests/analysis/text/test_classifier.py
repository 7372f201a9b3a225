"""Topic classifier: leak-free cross-validation, predictions, persistence, promotion."""
from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from analysis.text import registry
from analysis.text.dataset import LabelledSet, seed_set
from analysis.text.predict import Prediction, classify, review_order
from analysis.text.taxonomy import topic_codes
from analysis.text.features import lead
from analysis.text.train import (build_pipeline, cross_validate, topic_weights, train,
                                 weight_power)

UNIQUE = "zqxjvword"


@pytest.fixture(scope="module")
def seed():
    return seed_set()


@pytest.fixture(scope="module")
def trained(seed):
    return train(seed, folds=3)


@pytest.mark.parametrize("features", ["plain", "lead"])
def test_vocabulary_is_fitted_inside_each_fold(seed, features):
    data = LabelledSet(seed.texts + [f"the {UNIQUE} on the corner keeps dealing"],
                       seed.topics + ["drugs"])
    marked = len(data) - 1
    pipeline = build_pipeline(features=features, min_df=1)
    result = cross_validate(pipeline, data, folds=3, keep_fold_models=True)

    # What cross_validate fitted were clones: the pipeline handed in is untouched.
    with pytest.raises(NotFittedError):
        check_is_fitted(pipeline.named_steps["features"].transformer_list[0][1])
    seen = []
    for model, test_index in result["fold_models"]:
        vocabulary = model.named_steps["features"].transformer_list[0][1].vocabulary_
        seen.append(UNIQUE in vocabulary)
        if marked in test_index:
            # The fold that tests on the marked comment never saw its word while fitting.
            assert UNIQUE not in vocabulary
    # In the other folds the comment was training data, so its word is in their vocabulary.
    assert seen.count(True) == 2 and seen.count(False) == 1
    if features == "lead":
        # The first-sentence block (here the whole comment) is fitted per fold as well.
        union = dict(result["fold_models"][0][0].named_steps["features"].transformer_list)
        assert set(union) == {"words", "chars", "lead_words", "lead_chars"}
        for model, test_index in result["fold_models"]:
            lead_words = dict(model.named_steps["features"].transformer_list)["lead_words"]
            assert (UNIQUE in lead_words.vocabulary_) == (marked not in test_index)

    # Character n-grams are hashed (no vocabulary), but their IDF is learned per fold too: the
    # word's n-gram columns are rarest (highest IDF) in the fold that never saw it.
    rarity = {}
    for model, test_index in result["fold_models"]:
        chars = model.named_steps["features"].transformer_list[1][1]
        columns = chars.named_steps["hash"].transform([UNIQUE]).nonzero()[1]
        rarity[marked in test_index] = rarity.get(marked in test_index, []) + [
            float(chars.named_steps["idf"].idf_[columns].mean())]
    assert min(rarity[True]) > max(rarity[False])


def test_the_lead_block_reads_the_first_sentence_only():
    assert lead("Fly tipping. Someone dumped a sofa. Again.") == "fly tipping"
    # A one-sentence survey answer is its own first sentence.
    assert lead("Drug Dealing by the shops") == "drug dealing by the shops"
    assert lead("Street light out on Elm Road.") == "street light out on elm road."


def test_topic_weights_lean_between_balanced_and_as_found():
    topics = ["a"] * 8 + ["b"] * 2
    balanced = topic_weights(topics, 1.0)
    # Balanced: each topic weighs the same in total.
    assert balanced[:8].sum() == pytest.approx(balanced[8:].sum())
    half = topic_weights(topics, 0.5)
    # Power 0.5: the rarer topic still weighs more per comment, but by sqrt(4) = 2, not 4.
    assert half[9] / half[0] == pytest.approx(2.0)
    np.testing.assert_allclose(topic_weights(topics, 0.0), 1.0)
    assert weight_power("linearsvc_c0.1") == 1.0 and weight_power("linearsvc_c1_w0.5") == 0.5


def test_cross_validation_reports_the_registry_metrics(trained, seed):
    cv = trained.metadata["cv"]
    assert cv["folds"] == 3 and len(cv["macro_f1_folds"]) == 3
    assert 0.0 <= cv["macro_f1"] <= 1.0
    labels = cv["confusion_matrix"]["labels"]
    matrix = np.array(cv["confusion_matrix"]["matrix"])
    assert matrix.shape == (len(labels), len(labels))
    assert matrix.sum() == len(seed)
    for topic in labels:
        figures = cv["per_topic"][topic]
        assert set(figures) == {"precision", "recall", "f1", "support"}


def test_metadata_describes_the_training_data_and_libraries(trained, seed):
    metadata = trained.metadata
    assert metadata["training_data"]["rows"] == len(seed)
    assert metadata["training_data"]["per_topic"] == seed.counts()
    assert len(metadata["training_data"]["sha256"]) == 64
    assert {"scikit-learn", "numpy", "joblib", "python"} <= set(metadata["libraries"])
    assert metadata["topics"] == sorted(set(seed.topics))
    assert metadata["version"].endswith(metadata["training_data"]["sha256"][:8])


def test_predictions_have_one_row_per_text_and_sane_fields(trained):
    texts = ["dealers outside the station every night", "more bobbies on the beat",
             "the street lights are broken", "", "hmm"]
    predictions = classify(trained.pipeline, texts)
    assert len(predictions) == len(texts)
    topics = set(topic_codes())
    for prediction in predictions:
        assert isinstance(prediction, Prediction)
        assert prediction.topic in topics
        assert 0.0 <= prediction.confidence <= 1.0
        assert prediction.topic not in prediction.secondary_topics
        assert set(prediction.secondary_topics) <= topics
    assert predictions[0].topic == "drugs"
    assert predictions[1].topic == "police_presence"
    assert classify(trained.pipeline, []) == []


def test_unsure_predictions_need_review(trained):
    texts = ["dealers outside the station every night", "hmm"]
    everything = classify(trained.pipeline, texts, review_threshold=1.01)
    assert all(p.needs_review for p in everything)
    relaxed = classify(trained.pipeline, texts, review_threshold=0.0, review_margin=0.0)
    assert not any(p.needs_review for p in relaxed)
    generous = classify(trained.pipeline, texts, secondary_threshold=0.0)
    assert len(generous[0].secondary_topics) == len(trained.metadata["topics"]) - 1


def test_review_queue_puts_least_confident_first():
    def p(confidence, margin):
        return Prediction("other", confidence, (), True, margin)

    predictions = [p(0.9, 0.8), p(0.3, 0.1), p(0.6, 0.4), p(0.3, 0.05)]
    assert review_order(predictions) == [3, 1, 2, 0]
    assert review_order([]) == []


def test_round_trip_keeps_predictions_and_metadata(trained, tmp_path):
    path = registry.save(trained, tmp_path)
    loaded = registry.load(path)
    assert loaded.metadata == json.loads(path.read_text())
    assert loaded.metadata["cv"]["macro_f1"] == trained.metadata["cv"]["macro_f1"]
    texts = ["kids on mopeds snatching phones", "fly tipping in the alley"]
    original = trained.pipeline.predict_proba(np.asarray(texts, dtype=object))
    again = loaded.pipeline.predict_proba(np.asarray(texts, dtype=object))
    np.testing.assert_allclose(original, again)


def test_an_altered_artifact_is_refused_before_unpickling(trained, tmp_path):
    path = registry.save(trained, tmp_path)
    artifact = tmp_path / json.loads(path.read_text())["artifact"]["file"]
    content = bytearray(artifact.read_bytes())
    content[len(content) // 2] ^= 0xFF
    artifact.write_bytes(bytes(content))
    with pytest.raises(registry.ArtifactError, match="checksum"):
        registry.load(path)


def test_missing_or_foreign_files_are_refused(trained, tmp_path):
    path = registry.save(trained, tmp_path)
    with pytest.raises(registry.ArtifactError, match="no such"):
        registry.load(tmp_path / "absent.json")
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(registry.ArtifactError, match="not valid JSON"):
        registry.load(tmp_path / "junk.json")
    (tmp_path / "other.json").write_text(json.dumps({"format": 99}))
    with pytest.raises(registry.ArtifactError, match="format"):
        registry.load(tmp_path / "other.json")
    metadata = json.loads(path.read_text())
    (tmp_path / metadata["artifact"]["file"]).unlink()
    with pytest.raises(registry.ArtifactError, match="missing"):
        registry.load(path)


def test_a_signed_model_loads_only_with_its_key(trained, tmp_path):
    path = registry.save(trained, tmp_path, key="installation-secret")
    assert registry.load(path, key="installation-secret").metadata["version"]
    with pytest.raises(registry.ArtifactError, match="not signed"):
        registry.load(path, key="another-secret")


@pytest.mark.parametrize(
    "candidate, live, promote",
    [
        (0.80, None, True),      # nothing live yet
        (0.85, 0.80, True),      # better
        (0.80, 0.80, True),      # equal
        (0.79, 0.80, True),      # a drop of exactly 0.01 is allowed
        (0.7899, 0.80, False),   # a larger drop is not
        (0.50, 0.80, False),
    ],
)
def test_promotion_rule(candidate, live, promote):
    assert registry.should_promote(candidate, live) is promote


def test_training_needs_two_topics():
    with pytest.raises(ValueError, match="two topics"):
        train(LabelledSet(["a", "b"], ["drugs", "drugs"]), folds=0)


def test_retraining_on_the_same_data_gets_a_new_version(seed):
    # A fit on the seed set takes well under a second, so a second-resolution stamp repeated.
    first, second = train(seed, folds=0), train(seed, folds=0)
    assert first.metadata["version"] != second.metadata["version"]
    assert first.metadata["training_data"] == second.metadata["training_data"]
