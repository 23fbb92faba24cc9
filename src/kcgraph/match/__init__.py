"""The crosswalk: candidate statements, encoders, fused scoring, proposals as SSSOM records.

:func:`match_profiles` and :func:`match_targets` are what ``kcgraph match`` runs; both
return typed :class:`sssom_pydantic.SemanticMapping` records, which :func:`write_proposals`
writes as an SSSOM TSV file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import curies
from sssom_pydantic import SemanticMapping
from sssom_pydantic.api import MappingSetRecord

from ..mappings import write_mappings
from ..model import Kind, Profile
from ..namespaces import Minter
from ..settings import Settings, Target
from ..version import VERSION
from .cache import EmbeddingCache
from .encoders import Encoder, load_encoder
from .predict import (
    Candidate,
    extension_definitions,
    predict_candidates,
    predict_mappings,
    to_semantic_mapping,
)
from .ranker import Ranker
from .scoring import (
    MATCHABLE_KINDS,
    Item,
    Scorer,
    matchable_items,
    statement_item,
    statement_texts,
)
from .target_ranker import TargetRanker

if TYPE_CHECKING:
    from ..esco import EscoData
    from .target import TargetMatcher

__all__ = [
    "MATCHABLE_KINDS",
    "Candidate",
    "EmbeddingCache",
    "Encoder",
    "Item",
    "MatchResult",
    "Ranker",
    "Scorer",
    "build_scorer",
    "esco_skill_matcher",
    "load_encoder",
    "match_profiles",
    "match_targets",
    "matchable_items",
    "predict_candidates",
    "predict_mappings",
    "proposals_metadata",
    "write_proposals",
]

#: Licence of the proposal files (our own data; see README, "Licences").
PROPOSALS_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class MatchResult:
    """What one ``kcgraph match`` produced, and how."""

    target: Target
    mappings: list[SemanticMapping]
    signals: list[str]
    top_k: int
    threshold: float
    statements: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    ranker: Ranker | TargetRanker | None = None

    @property
    def learned(self) -> bool:
        return self.ranker is not None and self.ranker.trained

    def summary(self, settings: Settings) -> list[str]:
        """What ``kcgraph match`` prints about the result."""
        exact = sum(1 for m in self.mappings if m.predicate.curie == "skos:exactMatch")
        lines = [
            f"{len(self.mappings)} proposals ({exact} exact) to {self.target}; "
            f"signals: {', '.join(self.signals)}",
            f"embeddings: {self.cache_misses} encoded, {self.cache_hits} from cache",
        ]
        if self.learned:
            examples = self.ranker.examples  # type: ignore[union-attr]
            cut = (
                f"; queue cut at expected precision {settings.queue_precision:g}"
                if self.target == "profiles"
                else ""
            )
            lines.append(
                f"ranker: learnt from {examples.positives} positive and {examples.negatives} "
                f"negative examples{cut}"
            )
        elif self.target != "isco":
            lines.append("ranker: too few decisions to learn from; fused score and threshold")
        return lines


def build_scorer(
    profiles: Sequence[Profile],
    *,
    minter: Minter,
    models: Sequence[str],
    lexical: bool = True,
    cache_dir: str | Path | None = None,
    progress: bool = True,
) -> Scorer:
    """Load the encoders and embed every matchable statement (through the on-disk cache)."""
    items = matchable_items(profiles, minter)
    encoders = [load_encoder(name) for name in models]
    cache = EmbeddingCache(cache_dir)
    try:
        return Scorer(items, encoders=encoders, cache=cache, lexical=lexical, progress=progress)
    finally:
        cache.close()


def match_profiles(
    profiles: Sequence[Profile],
    settings: Settings,
    converter: curies.Converter,
    *,
    exclude: Collection[frozenset[str]] = (),
    decisions: Sequence[SemanticMapping] = (),
    scorer: Scorer | None = None,
    progress: bool = True,
) -> MatchResult:
    """Proposals between the statements of different profiles.

    With ``decisions`` (and :attr:`Settings.learn`), a ranker learns from them first: its
    probability orders the candidates, becomes each proposal's ``confidence``, and cuts the
    queue at :attr:`Settings.queue_precision` expected precision.
    """
    if scorer is None:
        scorer = build_scorer(
            profiles,
            minter=Minter(settings.base),
            models=settings.models,
            lexical=settings.lexical,
            cache_dir=settings.embedding_cache_dir,
            progress=progress,
        )
    ranker = Ranker(scorer)
    if settings.learn and decisions:
        ranker.train(decisions, converter)
    mappings = predict_mappings(
        scorer,
        converter,
        top_k=settings.top_k,
        threshold=settings.threshold,
        exclude=exclude,
        ranker=ranker,
        target_precision=settings.queue_precision,
        versions=source_versions(profiles, Minter(settings.base)),
    )
    return MatchResult(
        "profiles",
        mappings,
        list(scorer.names),
        settings.top_k,
        settings.threshold,
        len(scorer.items),
        scorer.cache_hits,
        scorer.cache_misses,
        ranker,
    )


def match_targets(
    profiles: Sequence[Profile],
    target: Target,
    settings: Settings,
    converter: curies.Converter,
    *,
    exclude: Collection[frozenset[str]] = (),
    decisions: Sequence[SemanticMapping] = (),
    progress: bool = True,
) -> MatchResult:
    """Proposals from the profiles to ESCO (statements -> skills, occupations ->
    occupations) or to ISCO-08 unit groups (occupations whose source states no ISCO code).

    Lexical overlap means little between Dutch and English: only the encoders score these.
    Statements are ranked against ESCO skills by a ranker that learns from the ESCO
    ``decisions`` (with :attr:`Settings.learn`), using ESCO's structure as well as its words
    (:mod:`kcgraph.match.target_ranker`); without enough decisions, by the fused cosine.
    """
    from ..esco import load_default_esco, load_isco_groups, read_esco_csv
    from .target import predict_target_candidates, target_set

    minter = Minter(settings.base)
    encoders = [load_encoder(name) for name in settings.models]
    cache = EmbeddingCache(settings.embedding_cache_dir)

    def _per_encoder(concepts):
        return [
            target_set(concepts, labels=name in settings.label_encoders) for name in settings.models
        ]

    occupations = [
        statement_item(p, s, minter, " | ".join([s.label, *s.alt_labels[:12]]))
        for p in profiles
        for s in p.statements.values()
        if s.kind is Kind.OCCUPATION
    ]
    threshold = settings.target_threshold
    candidates: list[Candidate] = []
    ranker = None
    try:
        if target == "isco":
            units = _per_encoder([g for g in load_isco_groups() if len(g.code) == 4])
            asked = [
                o for o, p in zip(occupations, profiles, strict=True) if not p.occupation.isco_codes
            ]
            candidates = predict_target_candidates(
                asked,
                units,
                encoders=encoders,
                cache=cache,
                top_k=settings.occupation_top_k,
                threshold=threshold,
                exclude=exclude,
            )
            top_k = settings.occupation_top_k
        elif target == "esco":
            data = read_esco_csv(settings.esco_dir) if settings.esco_dir else load_default_esco()
            matcher = esco_skill_matcher(
                profiles, settings, data, encoders=encoders, cache=cache, progress=progress
            )
            if settings.learn and decisions:
                ranker = matcher.train(decisions, converter)
            candidates = matcher.candidates(
                top_k=settings.esco_skill_top_k,
                threshold=threshold,
                exclude=exclude,
                ranker=ranker,
            )
            candidates += predict_target_candidates(
                occupations,
                _per_encoder(data.occupations),
                encoders=encoders,
                cache=cache,
                top_k=settings.occupation_top_k,
                threshold=threshold,
                exclude=exclude,
            )
            top_k = settings.esco_skill_top_k
        else:
            raise ValueError(f"unknown target {target!r}")
        hits, misses = cache.hits, cache.misses
    finally:
        cache.close()
    names = [e.id.split("@")[0] for e in encoders]
    measure = "mean cosine (" + ", ".join(names) + ")"
    versions = source_versions(profiles, minter)
    if not settings.esco_dir:
        from ..esco import ESCO_SCHEMES, ESCO_VERSION

        versions.update({str(scheme): ESCO_VERSION for scheme in ESCO_SCHEMES.values()})
    mappings = [
        to_semantic_mapping(c, converter, measure=measure, versions=versions) for c in candidates
    ]
    return MatchResult(target, mappings, names, top_k, threshold, 0, hits, misses, ranker)


def esco_skill_matcher(
    profiles: Sequence[Profile],
    settings: Settings,
    data: EscoData,
    *,
    encoders: Sequence[Encoder],
    cache: EmbeddingCache,
    progress: bool = True,
) -> TargetMatcher:
    """Every matchable statement against every ESCO skill: each label (for the encoders of
    :attr:`Settings.label_encoders`) or the main text, the statement's parent, and the skills
    pillar above each skill."""
    from .target import TargetMatcher, target_set
    from .target_ranker import target_structure

    minter = Minter(settings.base)
    statements = matchable_items(profiles, minter)
    texts = statement_texts(profiles, minter)
    return TargetMatcher(
        statements,
        [target_set(data.skills, labels=m in settings.label_encoders) for m in settings.models],
        encoders=encoders,
        cache=cache,
        structure=target_structure(data.skills, data.groups, every=[*data.skills, *data.groups]),
        parents=[texts.get(next(iter(s.parents), ""), s.embed_text) for s in statements],
        progress=progress,
    )


def source_versions(profiles: Sequence[Profile], minter: Minter) -> dict[str, str]:
    """Scheme IRI -> the version its source document states (SSSOM ``*_source_version``)."""
    return {str(minter.scheme(p.source.id)): p.source.version for p in profiles if p.source.version}


def mapping_date() -> dt.date:
    """The date a mapping set is made: ``SOURCE_DATE_EPOCH`` (reproducible builds) or today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def proposals_metadata(result: MatchResult, settings: Settings) -> MappingSetRecord:
    """The mapping-set header of a proposals file, stating how it was made."""
    what = {
        "profiles": "candidates per statement and other profile",
        "esco": "ESCO skills per statement",
        "isco": "ISCO-08 unit groups per occupation",
    }[result.target]
    stem = settings.proposals_path(result.target).name.split(".")[0]
    if result.learned:
        examples = result.ranker.examples  # type: ignore[union-attr]
        cut = (
            f"the queue ends where its expected precision would fall below "
            f"{settings.queue_precision:g}; "
            if result.target == "profiles"
            else ""
        )
        how = (
            f"Top-{result.top_k} {what}, ranked by a logistic-regression ranker learnt from "
            f"{examples.positives} accepted and {examples.negatives} rejected or passed-over "
            f"review examples; confidence = its probability; {cut}"
            f"similarity_score = mean cosine of {', '.join(result.signals)}."
        )
    else:
        how = (
            f"Top-{result.top_k} {what} with fused score >= {result.threshold:g}; fused score = "
            f"mean cosine of {', '.join(result.signals)}."
        )
    if result.target == "esco":  # occupations are matched by the fused score only
        how += (
            f" And top-{settings.occupation_top_k} ESCO occupations per occupation with fused "
            f"score >= {result.threshold:g}."
        )
    return MappingSetRecord(
        mapping_set_id=f"{settings.base}mappings/{stem}",
        mapping_set_title=(
            "kcgraph crosswalk proposals for review"
            if result.target == "profiles"
            else f"kcgraph proposals to {result.target.upper()} for review"
        ),
        mapping_set_description=f"{how} Proposals, not reviewed links.",
        license=PROPOSALS_LICENSE,
        mapping_tool="kcgraph",
        mapping_tool_version=VERSION,
        mapping_set_version=VERSION,
        creator_id=["kcgid:agent/kcgraph"],
        extension_definitions=extension_definitions(result.signals),
    )


def write_proposals(
    path: str | Path,
    result: MatchResult,
    settings: Settings,
    converter: curies.Converter,
) -> None:
    """Write a match result as SSSOM TSV (header with curie_map, licence, description)."""
    day = mapping_date()  # the set's mapping_date is not kept by the library: one per row
    write_mappings(  # in SSSOM's canonical row order (subject, predicate, object, ...)
        path,
        sorted(m.model_copy(update={"mapping_date": day}) for m in result.mappings),
        converter=converter,
        metadata=proposals_metadata(result, settings),
    )
