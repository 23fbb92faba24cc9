"""Lexical signal: character n-gram TF-IDF over Dutch-aware normalised text."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from .memo import keep, kept

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


def fit_tfidf(texts: Sequence[str], *, cache: Path | None = None) -> tuple[Any, Any]:
    """A fitted TF-IDF vectoriser and the L2-normalised sparse matrix of ``texts``; with
    ``cache`` (a folder), a fit of the same texts is read from it, a new one kept there
    (keyed by the texts, this module's code and scikit-learn's version)."""
    if cache is None:
        return _fit(texts)
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(metadata.version("scikit-learn").encode() + b"\0")
    for text in texts:
        digest.update(text.encode() + b"\0")
    path = cache / f"{digest.hexdigest()[:32]}.pickle"
    found = kept(path)
    if isinstance(found, tuple) and len(found) == 2:
        return found
    fitted = _fit(texts)
    keep(path, fitted)
    return fitted


def _fit(texts: Sequence[str]) -> tuple[Any, Any]:
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
