"""A cross-lingual map learnt from crosswalks that experts published.

Multilingual encoders place a Dutch competence and its English ESCO skill near each other, but
not where an expert would: an expert links "Binnenschrijnwerk" to a broad ESCO skill the
encoder ranks far down. A linear map per encoder, fitted on published links (a competence's
vector to its ESCO concept's label vector, ridge regression), moves the queries to where the
experts' targets lie; the mapped cosine is one more signal beside the encoder's own. The
ridge penalty is chosen among :data:`ALPHAS` by leave-one-out cross-validation on the links
themselves (scikit-learn's ``RidgeCV``), never on held-out data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import curies
import numpy as np

from ...layout import REFERENCES_FOLDER
from .relations import Reference

if TYPE_CHECKING:
    from .matcher import TargetMatcher

__all__ = ["ALPHAS", "MIN_LINKS", "fit_map", "learn_maps", "mapped", "reference_links"]

#: Ridge penalties tried (leave-one-out on the training links chooses one).
ALPHAS = (0.1, 1.0, 10.0, 100.0)
#: Fewer links than this teach no map.
MIN_LINKS = 50


def fit_map(
    queries: np.ndarray, targets: np.ndarray, pairs: Sequence[tuple[int, int]]
) -> np.ndarray | None:
    """The matrix ``W`` (targets' dimension x queries') that maps query vectors towards their
    linked target vectors; None with fewer than :data:`MIN_LINKS` links."""
    if len(pairs) < MIN_LINKS:
        return None
    from sklearn.linear_model import RidgeCV

    x = queries[[q for q, _ in pairs]].astype(np.float64)
    y = targets[[t for _, t in pairs]].astype(np.float64)
    ridge = RidgeCV(alphas=ALPHAS, fit_intercept=False).fit(x, y)
    return np.asarray(ridge.coef_, dtype=np.float32)


def mapped(queries: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """The queries mapped and normalised to unit length (cosines are dot products); no
    queries (a matcher made ready before its queries come) map to none."""
    if not len(queries):
        return np.zeros((0, matrix.shape[0]), dtype=np.float32)
    out = queries @ matrix.T
    return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-9, None)


def reference_links(decisions: Path, converter: curies.Converter) -> list[Reference]:
    """The published crosswalks imported into ``decisions/references/`` (``kcgraph review
    import``): each subject's text, its target's IRI and the relation stated."""
    from ...mappings import read_mappings

    folder = decisions / REFERENCES_FOLDER
    links: list[Reference] = []
    for path in sorted(folder.glob("*.sssom.tsv")) if folder.is_dir() else []:
        for link in read_mappings(path, converter=converter).mappings:
            if link.subject.name and not link.negated:
                target = converter.expand(link.object.curie)
                links.append(Reference(link.subject.name, target, link.predicate.curie))
    return links


def learn_maps(
    references: Sequence[Reference],
    embedders: Sequence[Callable[[list[str]], np.ndarray]],
    queries: Sequence[np.ndarray],
    targets: Sequence[np.ndarray],
    matcher: TargetMatcher,
) -> list[tuple[np.ndarray, int]]:
    """For each encoder that learns a map from the ``references`` (a subject's text, a target
    IRI) whose target is among the matcher's: the mapped query vectors and the encoder's
    index; the matcher's signal names gain ``<encoder>+map``."""
    column = {t.iri: j for j, t in enumerate(matcher.targets.items)}
    linked = [(r.text, column[r.target]) for r in references if r.target in column]
    if not linked:
        return []
    texts = list(dict.fromkeys(text for text, _ in linked))
    row = {text: i for i, text in enumerate(texts)}
    pairs = sorted({(row[text], j) for text, j in linked})
    maps = []
    for e, (embedder, vectors, ts) in enumerate(
        zip(embedders, targets, matcher.per_encoder, strict=True)
    ):
        matrix = fit_map(embedder(texts), vectors[ts.starts], pairs)
        if matrix is not None:
            maps.append((mapped(queries[e], matrix), e))
            matcher.map_matrices.append((matrix, e))
            matcher.names.append(f"{matcher.names[e]}+map")
    return maps
