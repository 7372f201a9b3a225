"""The fitted safeguarding screen as plain weights: the same scores, without scikit-learn.

Every resident submit with a comment scores one short text. Through the fitted Pipeline that
cost about 10 ms, nearly all of it input checks, joblib dispatch and sparse-matrix plumbing
around a few hundred multiplications, and it meant importing scikit-learn (seconds) and
fitting the screen (seconds) in every worker. The screen is two TF-IDF vectorizers feeding a
linear model, so a comment's score is, per vectorizer, the l2-normalised sum of its known
n-grams' (1 + log count) x idf x weight, plus the intercept, through the logistic function.
:class:`FastScreen` keeps each known n-gram's idf and weight and does exactly that; it is
compiled from the fitted pipeline and refuses any settings it does not reproduce.
tests/analysis/text/test_fast_screen.py checks its scores against the pipeline's.

It is saved as JSON (plain numbers and strings: nothing executable is loaded) with the key of
what it was fitted on, so a stale file is rebuilt, never used.
"""
from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

FORMAT = 1
_TOKEN = re.compile(r"(?u)\b\w\w+\b")   # TfidfVectorizer's default token_pattern
_WHITE_SPACES = re.compile(r"\s\s+")    # what its char analyzers collapse first


def _word_ngrams(text: str, low: int, high: int) -> list[str]:
    tokens = _TOKEN.findall(text)
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high + 1, len(tokens) + 1)):
        grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return grams


def _char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    grams = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        word = " " + word + " "
        length = len(word)
        for n in range(low, high + 1):
            offset = 0
            grams.append(word[:n])
            while offset + n < length:
                offset += 1
                grams.append(word[offset:offset + n])
            if offset == 0:  # a word shorter than n counts once, as in scikit-learn
                break
    return grams


_ANALYZERS = {"word": _word_ngrams, "char_wb": _char_wb_ngrams}


class FastScreen:
    """Scores comments as the fitted screen does; ``predict_proba`` has the pipeline's shape."""

    def __init__(self, key: str, intercept: float, parts: list[dict]) -> None:
        self.key = key
        self.intercept = intercept
        # Each part: analyzer name, n-gram range, and {n-gram: (idf, weight)}.
        self.parts = [(p["analyzer"], tuple(p["ngram_range"]),
                       {term: (idf, weight) for term, (idf, weight) in p["terms"].items()})
                      for p in parts]

    def score(self, text: str) -> float:
        """The probability the learned screen gives ``text`` (before any threshold)."""
        lowered = text.lower()
        decision = self.intercept
        for analyzer, (low, high), terms in self.parts:
            counts = Counter(_ANALYZERS[analyzer](lowered, low, high))
            norm2, dot = 0.0, 0.0
            for term, count in counts.items():
                known = terms.get(term)
                if known is None:
                    continue
                value = (1.0 + math.log(count)) * known[0]
                norm2 += value * value
                dot += value * known[1]
            if norm2 > 0.0:
                decision += dot / math.sqrt(norm2)
        return 1.0 / (1.0 + math.exp(-decision))

    def predict_proba(self, texts: Sequence[str]) -> list[list[float]]:
        return [[1.0 - p, p] for p in map(self.score, texts)]

    # --- compiling and storing ---------------------------------------------------------------

    @classmethod
    def from_pipeline(cls, pipeline, key: str) -> FastScreen:
        """Compile a fitted Pipeline(FeatureUnion of TfidfVectorizers, binary linear model)."""
        features, model = pipeline.named_steps["features"], pipeline.named_steps["model"]
        coef = model.coef_.ravel()
        if model.coef_.shape[0] != 1 or len(model.classes_) != 2:
            raise ValueError("the fast screen reproduces a binary linear model only")
        parts, start = [], 0
        for _, vectorizer in features.transformer_list:
            _check_reproducible(vectorizer)
            size = len(vectorizer.vocabulary_)
            idf = vectorizer.idf_
            terms = {term: (float(idf[i]), float(coef[start + i]))
                     for term, i in vectorizer.vocabulary_.items()}
            parts.append({"analyzer": vectorizer.analyzer,
                          "ngram_range": list(vectorizer.ngram_range), "terms": terms})
            start += size
        if start != coef.size:
            raise ValueError("the model's weights do not match the vectorizers' vocabularies")
        return cls(key, float(model.intercept_[0]), parts)

    def save(self, path: Path) -> None:
        """Write atomically: several workers may build the same file at once."""
        data = {"format": FORMAT, "key": self.key, "intercept": self.intercept,
                "parts": [{"analyzer": a, "ngram_range": list(r), "terms": t}
                          for a, r, t in self.parts]}
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide it from a server's own user
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path, key: str) -> FastScreen | None:
        """The screen saved at ``path`` if it was built from ``key``; None if absent or stale."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
            return None
        return cls(key, float(data["intercept"]), data["parts"])


def _check_reproducible(vectorizer) -> None:
    expected = {"analyzer": ("word", "char_wb"), "lowercase": (True,), "strip_accents": (None,),
                "preprocessor": (None,), "tokenizer": (None,), "stop_words": (None,),
                "binary": (False,), "use_idf": (True,), "sublinear_tf": (True,),
                "norm": ("l2",), "input": ("content",)}
    for name, allowed in expected.items():
        value = getattr(vectorizer, name)
        if value not in allowed:
            raise ValueError(f"the fast screen does not reproduce {name}={value!r}")
    if vectorizer.analyzer == "word" and vectorizer.token_pattern != _TOKEN.pattern:
        raise ValueError("the fast screen reproduces the default token pattern only")
