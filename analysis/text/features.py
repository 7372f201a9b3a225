"""Text features: word and character n-gram TF-IDF side by side.

Words carry meaning ("dealing", "speeding"); character n-grams carry misspellings and slang
("drugz", "fly tipping" / "flytipping"). Both are fitted inside the model's Pipeline, so
cross-validation refits them on each training fold and no test text shapes the vocabulary
or the IDF weights.

Character n-grams are hashed to a fixed number of columns instead of kept in a vocabulary:
building a vocabulary over millions of n-grams was most of the old feature cost, and the
hashed version scored the same by cross-validation (bench/RESULTS.md, "Text classifier").

Optionally (lead_weight > 0) the first sentence gets word and character blocks of its own: a
public report is "title. detail", and a survey answer also starts with its point. Whether the
classifier uses it is a candidate choice made by cross-validation (train.FEATURE_SETS).
"""
from __future__ import annotations

from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

# Caps keep the saved model small and prediction fast; rarer n-grams add little on
# one-sentence comments. 2**CHAR_BITS hashed columns: the linear model stores one weight per
# column and topic, so this sets most of the model file's size.
WORD_FEATURES = 60_000
CHAR_BITS = 18
HEAD_CHARS = 150
LEAD_WORD_FEATURES = 20_000


def build_features(word_features: int = WORD_FEATURES, char_bits: int = CHAR_BITS,
                   min_df: int = 2, lead_weight: float = 0.0) -> FeatureUnion:
    """Return an unfitted union of word (1-2) and hashed character (3-5, within words) TF-IDF,
    and, when lead_weight > 0, the same two blocks over the first sentence only, scaled by
    lead_weight (each block's rows are unit-length, so the weight is the block's share)."""
    blocks = [("words", _words(min_df, word_features, None)),
              ("chars", _chars(char_bits, head))]
    weights = {"words": 1.0, "chars": 1.0}
    if lead_weight > 0:
        blocks += [("lead_words", _words(min_df, LEAD_WORD_FEATURES, lead)),
                   ("lead_chars", _chars(char_bits, lead))]
        weights.update(lead_words=lead_weight, lead_chars=lead_weight)
        return FeatureUnion(blocks, transformer_weights=weights)
    return FeatureUnion(blocks)


def _words(min_df: int, max_features: int, preprocessor) -> TfidfVectorizer:
    return TfidfVectorizer(
        ngram_range=(1, 2), min_df=min_df, max_features=max_features, sublinear_tf=True,
        strip_accents="unicode", preprocessor=preprocessor, dtype=_float32(),
    )


def _chars(char_bits: int, preprocessor) -> Pipeline:
    # norm=None before the IDF step, as a TfidfVectorizer does internally; alternate_sign off
    # so a collision adds counts rather than cancelling them.
    return Pipeline([
        ("hash", HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                                   preprocessor=preprocessor, n_features=2 ** char_bits,
                                   alternate_sign=False, norm=None, dtype=_float32())),
        ("idf", TfidfTransformer(sublinear_tf=True)),
    ])


def lead(text: str) -> str:
    """Lower-case the first sentence (up to the first ". "), at most HEAD_CHARS characters.

    For a public report that is the resident's own headline ("Pothole", "Fly tipping"); a
    one-sentence survey answer is its own first sentence.
    """
    return text.split(". ", 1)[0][:HEAD_CHARS].lower()


def head(text: str) -> str:
    """Lower-case the first HEAD_CHARS characters: what character n-grams look at.

    A survey answer is a sentence; the public reports run to thousands of characters, and
    character n-grams over all of it cost time without changing the topic much.
    """
    return text[:HEAD_CHARS].lower()


def _float32():
    import numpy as np

    return np.float32


def drop_introspection(union: FeatureUnion) -> None:
    """Remove the fitted vectorisers' stop_words_ (every pruned n-gram) before saving.

    scikit-learn keeps it only for introspection and documents that it may be removed; on
    50,000 comments it is most of the pickle.
    """
    for _, vectoriser in union.transformer_list:
        if hasattr(vectoriser, "stop_words_"):
            vectoriser.stop_words_ = None
