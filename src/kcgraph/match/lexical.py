"""Lexical signal: character n-gram TF-IDF over Dutch-aware normalised text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["NGRAM_RANGE", "fit_tfidf", "normalise"]

#: Character n-gram lengths (within word boundaries): robust to Dutch compounding and
#: inflection ("klachtenbehandeling" / "behandelt klachten", "voorstellen" / "stelt ... voor").
NGRAM_RANGE = (3, 5)


def normalise(text: str) -> str:
    """Lower case, no diacritics (e -> e for ë), punctuation to spaces.

    >>> normalise("Beïnvloeden: klant-, product- en/of marktinformatie")
    'beinvloeden klant product en of marktinformatie'
    """
    text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def fit_tfidf(texts: Sequence[str]) -> tuple[Any, Any]:
    """A fitted TF-IDF vectoriser and the L2-normalised sparse matrix of ``texts``."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=NGRAM_RANGE,
        preprocessor=normalise,
        sublinear_tf=True,
        dtype=np.float32,
    )
    matrix = vectorizer.fit_transform(list(texts))
    return vectorizer, matrix
