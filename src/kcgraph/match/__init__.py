"""The crosswalk: candidate statements, encoders, fused scoring, proposals as SSSOM."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..model import Profile
from ..namespaces import Minter, curie_map
from ..version import VERSION
from .cache import EmbeddingCache
from .encoders import DEFAULT_ENCODERS, Encoder, load_encoder
from .predict import DEFAULT_THRESHOLD, DEFAULT_TOP_K, Mapping, predict_mappings
from .scoring import MATCHABLE_KINDS, Item, Scorer, matchable_items

__all__ = [
    "DEFAULT_ENCODERS",
    "DEFAULT_THRESHOLD",
    "DEFAULT_TOP_K",
    "MATCHABLE_KINDS",
    "EmbeddingCache",
    "Encoder",
    "Item",
    "Mapping",
    "Scorer",
    "build_scorer",
    "curie_map",
    "load_encoder",
    "mapping_rows",
    "matchable_items",
    "predict_mappings",
    "proposals_metadata",
    "write_proposals",
]


def build_scorer(
    profiles: Sequence[Profile],
    *,
    models: Sequence[str] = DEFAULT_ENCODERS,
    lexical: bool = True,
    cache_dir: str | Path | None = None,
    progress: bool = True,
    minter: Minter | None = None,
) -> Scorer:
    """Load the encoders and embed every matchable statement (through the on-disk cache)."""
    items = matchable_items(profiles, minter)
    encoders = [load_encoder(name) for name in models]
    cache = EmbeddingCache(cache_dir)
    try:
        return Scorer(items, encoders=encoders, cache=cache, lexical=lexical, progress=progress)
    finally:
        cache.close()


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    best = max(
        (p for p, ns in prefixes.items() if iri.startswith(ns)),
        key=lambda p: len(prefixes[p]),
        default=None,
    )
    return f"{best}:{iri[len(prefixes[best]) :]}" if best else iri


def mapping_rows(mappings: Sequence[Mapping], prefixes: dict[str, str], measure: str) -> list[dict]:
    """SSSOM rows for proposals, with CURIEs, kinds and per-signal scores."""
    rows = []
    for m in mappings:
        lexical_only = m.justification == "semapv:LexicalMatching"
        rows.append(
            {
                "subject_id": _curie(m.subject.iri, prefixes),
                "subject_label": m.subject.label,
                "subject_category": f"kcg:{m.subject.kind.value}",
                "subject_source": _curie(m.subject.scheme, prefixes),
                "predicate_id": m.predicate,
                "object_id": _curie(m.object.iri, prefixes),
                "object_label": m.object.label,
                "object_category": f"kcg:{m.object.kind.value}",
                "object_source": _curie(m.object.scheme, prefixes),
                "mapping_justification": m.justification,
                "similarity_score": m.score,
                "similarity_measure": "identical text"
                if lexical_only and m.predicate.endswith("exactMatch")
                else measure,
                "confidence": max(0.0, min(1.0, m.score)),
                "mapping_tool": "kcgraph",
                "mapping_tool_version": VERSION,
                "other": "|".join(f"{k}={v:.4f}" for k, v in sorted(m.signals.items()))
                + (f"|rank={m.rank}" if m.signals else ""),
            }
        )
    return rows


def proposals_metadata(
    prefixes: dict[str, str],
    *,
    signals: Sequence[str],
    top_k: int,
    threshold: float,
    minter: Minter,
) -> dict:
    return {
        "curie_map": prefixes,
        "mapping_set_id": f"{minter.base}mappings/proposals",
        "mapping_set_title": "kcgraph crosswalk proposals for review",
        "mapping_set_description": (
            f"Top-{top_k} candidates per statement and other profile with fused score >= "
            f"{threshold}; fused score = mean cosine of {', '.join(signals)}."
        ),
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "mapping_tool": "kcgraph",
        "mapping_tool_version": VERSION,
    }


def write_proposals(
    path: str | Path,
    mappings: Sequence[Mapping],
    *,
    scorer: Scorer,
    top_k: int,
    threshold: float,
    minter: Minter | None = None,
) -> None:
    from ..sssom_tsv import write_sssom

    minter = minter or Minter()
    prefixes = curie_map({i.profile for i in scorer.items}, minter)
    measure = "mean cosine (" + ", ".join(scorer.names) + ")"
    write_sssom(
        path,
        proposals_metadata(
            prefixes, signals=scorer.names, top_k=top_k, threshold=threshold, minter=minter
        ),
        mapping_rows(mappings, prefixes, measure),
    )
