"""Proposals leave the match room as typed SSSOM records: a ranked :class:`Candidate`
becomes a :class:`sssom_pydantic.SemanticMapping` (:func:`to_semantic_mapping`), and a
:class:`MatchResult` is written as an SSSOM TSV file with a header saying how it was made
(:func:`write_proposals`)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import curies
from curies import NamableReference, Reference
from sssom_pydantic import MappingTool, SemanticMapping, Slot
from sssom_pydantic.api import ExtensionDefinitionRecord, MappingSetRecord

from ..layout import Target, mapping_set_id
from ..mappings import write_mappings
from ..terms import DATA_LICENSE, EXACT_MATCH, LEXICAL_MATCHING
from ..version import VERSION
from .items import Item
from .learning import TrainingSet

if TYPE_CHECKING:
    from ..graph.namespaces import Minter
    from ..parse.model import Profile
    from ..settings import Settings
    from .crosswalk.ranker import Ranker
    from .vocabulary.ranker import TargetRanker

__all__ = [
    "COSINE_SLOT",
    "RANK_SLOT",
    "Candidate",
    "MatchResult",
    "extension_definitions",
    "mapping_date",
    "proposals_metadata",
    "signal_slot",
    "source_versions",
    "to_semantic_mapping",
    "write_proposals",
]


@dataclass(frozen=True)
class Candidate:
    """One proposed link between two items, as ranked (before it becomes an SSSOM record)."""

    subject: Item
    object: Item
    predicate: str
    justification: str
    score: float
    rank: int
    signals: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    #: the learned ranker's probability that the link is right (None: no ranker trained)
    confidence: float | None = None

    def flipped(self) -> Candidate:
        return replace(self, subject=self.object, object=self.subject)


#: Extension slot of SSSOM holding the candidate's rank, and the prefix of the per-signal
#: cosine slots (``cosine_tfidf``, ``cosine_use_m3``, ...), declared in each file's
#: ``extension_definitions`` with a property of the kcgraph ontology.
RANK_SLOT = "candidate_rank"
COSINE_SLOT = "cosine_"


def signal_slot(name: str) -> str:
    """The extension slot of a signal's cosine.

    >>> signal_slot("e5-small-q4")
    'cosine_e5_small_q4'
    """
    return COSINE_SLOT + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def extension_definitions(signals: Sequence[str]) -> list[ExtensionDefinitionRecord]:
    """The ``extension_definitions`` of a proposals file with these signals."""
    slots = [RANK_SLOT, *(signal_slot(s) for s in signals)]
    return [
        ExtensionDefinitionRecord(
            slot_name=slot,
            property=f"kcg:{slot}",
            type_hint="xsd:integer" if slot == RANK_SLOT else "xsd:double",
        )
        for slot in slots
    ]


def to_semantic_mapping(
    candidate: Candidate,
    converter: curies.Converter,
    *,
    measure: str,
    versions: dict[str, str] | None = None,
) -> SemanticMapping:
    """The SSSOM record of a candidate: CURIEs, labels, kinds, sources and their versions,
    score, confidence, and the per-signal cosines and rank as extension slots."""

    def ref(item: Item) -> NamableReference:
        curie = converter.compress(item.iri, strict=True)
        prefix, identifier = curie.split(":", 1)
        return NamableReference(prefix=prefix, identifier=identifier, name=item.label)

    identical = candidate.justification == LEXICAL_MATCHING and candidate.predicate == EXACT_MATCH
    extensions = {
        signal_slot(name): Slot(
            predicate=Reference(prefix="kcg", identifier=signal_slot(name)), value=round(value, 4)
        )
        for name, value in sorted(candidate.signals.items())
    }
    if candidate.signals:
        extensions[RANK_SLOT] = Slot(
            predicate=Reference(prefix="kcg", identifier=RANK_SLOT), value=candidate.rank
        )
    versions = versions or {}
    return SemanticMapping(
        confidence=candidate.confidence,
        subject=ref(candidate.subject),
        predicate=candidate.predicate,
        object=ref(candidate.object),
        justification=candidate.justification,
        subject_category=Reference.from_curie(candidate.subject.category),
        object_category=Reference.from_curie(candidate.object.category),
        subject_source=Reference.from_curie(
            converter.compress(candidate.subject.scheme, strict=True)
        ),
        object_source=Reference.from_curie(
            converter.compress(candidate.object.scheme, strict=True)
        ),
        subject_source_version=versions.get(candidate.subject.scheme),
        object_source_version=versions.get(candidate.object.scheme),
        similarity_score=round(min(1.0, max(0.0, candidate.score)), 4),
        similarity_measure="identical text" if identical else measure,
        mapping_tool=MappingTool(name="kcgraph", version=VERSION),
        extensions=extensions or None,
    )


@dataclass(frozen=True)
class MatchResult:
    """What one ``kcgraph match`` produced, and how."""

    target: Target
    mappings: list[SemanticMapping]
    signals: list[str]
    #: the settings it was made with (top-k, threshold, queue precision, base)
    settings: Settings
    top_k: int
    threshold: float
    statements: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    ranker: Ranker | TargetRanker | None = None

    @property
    def learned(self) -> bool:
        return self.ranker is not None and self.ranker.trained

    @property
    def examples(self) -> TrainingSet:
        """What the ranker learnt from (nothing when none was trained)."""
        return self.ranker.examples if self.ranker is not None else TrainingSet([], [])

    def summary(self) -> list[str]:
        """What ``kcgraph match`` prints about the result."""
        settings = self.settings
        exact = sum(1 for m in self.mappings if m.predicate.curie == EXACT_MATCH)
        lines = [
            f"{len(self.mappings)} proposals ({exact} exact) to {self.target}; "
            f"signals: {', '.join(self.signals)}",
            f"embeddings: {self.cache_misses} encoded, {self.cache_hits} from cache",
        ]
        if self.learned:
            examples = self.examples
            cut = (
                f"; queue cut at expected precision {settings.min_precision:g}"
                if self.target == "profiles" and settings.min_precision is not None
                else ""
            )
            choice = getattr(self.ranker, "choice", None)
            chosen = (
                f"; model: {choice.model} (chosen by cross-validation, by statement)"
                if choice is not None
                else ""
            )
            lines.append(
                f"ranker: learnt from {examples.positives} positive and {examples.negatives} "
                f"negative examples{chosen}{cut}"
            )
        elif self.target != "isco":
            lines.append("ranker: too few decisions to learn from; fused score and threshold")
        return lines


def _model(result: MatchResult) -> str:
    """Which model a crosswalk ranker chose, for the set's description."""
    choice = getattr(result.ranker, "choice", None)
    if choice is None:
        return ""
    return f" (model {choice.model!r}, chosen by cross-validation over its decisions)"


def source_versions(profiles: Sequence[Profile], minter: Minter) -> dict[str, str]:
    """Scheme IRI -> the version its source document states (SSSOM ``*_source_version``)."""
    return {str(minter.scheme(p.source.id)): p.source.version for p in profiles if p.source.version}


def mapping_date() -> dt.date:
    """The date a mapping set is made: ``SOURCE_DATE_EPOCH`` (reproducible builds) or today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def proposals_metadata(result: MatchResult, path: str | Path) -> MappingSetRecord:
    """The mapping-set header of the proposals file ``path``, stating how it was made."""
    settings = result.settings
    what = {
        "profiles": "candidates per statement and other profile",
        "esco": "ESCO skills per statement",
        "isco": "ISCO-08 unit groups per occupation",
    }[result.target]
    if result.learned:
        examples = result.examples
        cut = (
            f"the queue ends where its expected precision would fall below "
            f"{settings.min_precision:g}; "
            if result.target == "profiles" and settings.min_precision is not None
            else ""
        )
        how = (
            f"Top-{result.top_k} {what} with fused score >= {result.threshold:g}, ranked by a "
            "logistic-regression ranker learnt from "
            f"{examples.positives} accepted and {examples.negatives} rejected or passed-over "
            f"review examples{_model(result)}; confidence = its calibrated probability; {cut}"
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
        mapping_set_id=mapping_set_id(settings.base, path),
        mapping_set_title=(
            "kcgraph crosswalk proposals for review"
            if result.target == "profiles"
            else f"kcgraph proposals to {result.target.upper()} for review"
        ),
        mapping_set_description=f"{how} Proposals, not reviewed links.",
        license=DATA_LICENSE,
        mapping_tool="kcgraph",
        mapping_tool_version=VERSION,
        mapping_set_version=VERSION,
        creator_id=["kcgid:agent/kcgraph"],
        extension_definitions=extension_definitions(result.signals),
    )


def write_proposals(path: str | Path, result: MatchResult, converter: curies.Converter) -> None:
    """Write a match result as SSSOM TSV (header with curie_map, licence, description)."""
    day = mapping_date()  # the set's mapping_date is not kept by the library: one per row
    write_mappings(  # in SSSOM's canonical row order (subject, predicate, object, ...)
        path,
        sorted(m.model_copy(update={"mapping_date": day}) for m in result.mappings),
        converter=converter,
        metadata=proposals_metadata(result, path),
    )
