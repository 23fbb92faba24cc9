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
from .scoring import MATCHABLE_KINDS, Item, Scorer, matchable_items, statement_item

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
    "match_external",
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
                "subject_category": m.subject.category,
                "subject_source": _curie(m.subject.scheme, prefixes),
                "predicate_id": m.predicate,
                "object_id": _curie(m.object.iri, prefixes),
                "object_label": m.object.label,
                "object_category": m.object.category,
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
    scorer: Scorer | None = None,
    top_k: int,
    threshold: float,
    minter: Minter | None = None,
    signals: Sequence[str] | None = None,
    profile_ids: Sequence[str] | None = None,
    title: str = "kcgraph crosswalk proposals for review",
) -> None:
    """Write proposals as SSSOM TSV (metadata header with curie_map, license, set id)."""
    from ..sssom_tsv import write_sssom

    minter = minter or Minter()
    signals = list(signals or (scorer.names if scorer else []))
    ids = profile_ids or sorted(
        {i.profile for i in scorer.items} if scorer else {m.subject.profile for m in mappings}
    )
    prefixes = curie_map(ids, minter)
    measure = "mean cosine (" + ", ".join(signals) + ")"
    metadata = proposals_metadata(
        prefixes, signals=signals, top_k=top_k, threshold=threshold, minter=minter
    )
    metadata["mapping_set_title"] = title
    metadata["mapping_set_id"] = f"{minter.base}mappings/{Path(path).name.split('.')[0]}"
    write_sssom(path, metadata, mapping_rows(mappings, prefixes, measure))


def match_external(
    profiles: Sequence[Profile],
    target: str,
    *,
    esco_dir: str | Path | None = None,
    models: Sequence[str] = DEFAULT_ENCODERS,
    top_k: int | None = None,
    threshold: float = 0.0,
    exclude=(),
    cache_dir: str | Path | None = None,
    minter: Minter | None = None,
) -> tuple[list[Mapping], list[str]]:
    """Proposals from the profiles to ESCO (statements -> skills, occupations -> occupations)
    or to ISCO-08 unit groups (occupations whose source states no ISCO code)."""
    from ..esco import load_isco_groups, load_packaged_esco, read_esco_csv
    from ..model import Kind
    from .target import esco_items, predict_target_mappings

    minter = minter or Minter()
    encoders = [load_encoder(name) for name in models]
    cache = EmbeddingCache(cache_dir)
    occupations = [
        statement_item(p, s, minter, " | ".join([s.label, *s.alt_labels[:12]]))
        for p in profiles
        for s in p.statements.values()
        if s.kind is Kind.OCCUPATION
    ]
    try:
        if target == "isco":
            units = esco_items([g for g in load_isco_groups() if len(g.code) == 4])
            asked = [
                o for o, p in zip(occupations, profiles, strict=True) if not p.occupation.isco_codes
            ]
            mappings = predict_target_mappings(
                asked,
                units,
                encoders=encoders,
                cache=cache,
                top_k=top_k or 5,
                threshold=threshold,
                exclude=exclude,
            )
        elif target == "esco":
            data = read_esco_csv(esco_dir) if esco_dir else load_packaged_esco()
            statements = matchable_items(profiles, minter)
            mappings = predict_target_mappings(
                statements,
                esco_items(data.skills),
                encoders=encoders,
                cache=cache,
                top_k=top_k or 10,
                threshold=threshold,
                exclude=exclude,
            )
            mappings += predict_target_mappings(
                occupations,
                esco_items(data.occupations),
                encoders=encoders,
                cache=cache,
                top_k=top_k or 5,
                threshold=threshold,
                exclude=exclude,
            )
        else:
            raise ValueError(f"unknown target {target!r}")
    finally:
        cache.close()
    return mappings, [e.id.split("@")[0] for e in encoders]
