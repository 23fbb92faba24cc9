"""One review decision: its verdict, the file that holds it, and the SSSOM record it makes.

A decision keeps the proposal's scores and labels and stamps
``semapv:ManualMappingCuration``, the reviewer and the date; a rejection is the same record
with ``predicate_modifier: Not``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from curies import NamableReference, Reference
from sssom_pydantic import SemanticMapping

from ...errors import KcgraphError
from ...mappings import pair_key
from ...terms import MANUAL_MAPPING_CURATION

__all__ = [
    "VERDICTS",
    "Decision",
    "Verdict",
    "decision_mapping",
    "learnable",
    "swap_sides",
    "verdict_of",
]

Verdict = Literal["accept", "reject", "unsure"]
#: Verdict -> the file of the decision folder that holds it.
VERDICTS: dict[Verdict, str] = {
    "accept": "positive.sssom.tsv",
    "reject": "negative.sssom.tsv",
    "unsure": "unsure.sssom.tsv",
}

_SIDE_FIELDS = ("", "_category", "_source", "_source_version", "_type")
#: What a decision keeps of the proposal it was made on.
_KEPT = {
    "subject_category",
    "subject_source",
    "subject_source_version",
    "object_category",
    "object_source",
    "object_source_version",
    "similarity_score",
    "similarity_measure",
    "confidence",
    "mapping_tool",
}


@dataclass(frozen=True)
class Decision:
    """One recorded decision: its verdict and the mapping as stored."""

    verdict: Verdict
    mapping: SemanticMapping

    @property
    def pair(self) -> frozenset[str]:
        return pair_key(self.mapping)


def verdict_of(text: str) -> Verdict:
    """``text`` as a verdict, or one error line naming the verdicts."""
    for verdict in VERDICTS:
        if verdict == text:
            return verdict
    raise KcgraphError(f"unknown verdict {text!r}; expected one of {', '.join(VERDICTS)}")


def swap_sides(mapping: SemanticMapping) -> SemanticMapping:
    """The same mapping with subject and object (and their metadata) exchanged."""
    update = {}
    for suffix in _SIDE_FIELDS:
        update[f"subject{suffix}"] = getattr(mapping, f"object{suffix}")
        update[f"object{suffix}"] = getattr(mapping, f"subject{suffix}")
    return mapping.model_copy(update=update)


def decision_mapping(
    verdict: str,
    subject: Reference,
    obj: Reference,
    predicate: str,
    *,
    reviewer: str,
    comment: str | None = None,
    proposal: SemanticMapping | None = None,
    date: dt.date | None = None,
) -> SemanticMapping:
    """The record of a decision on ``subject predicate obj`` (the proposal, if any, already
    oriented the same way)."""
    fields: dict[str, Any] = {}
    other: dict[str, str] = {}
    names: dict[str, str | None] = {}
    if proposal is not None:
        fields = proposal.model_dump(include=_KEPT, exclude_none=True)
        other = dict(proposal.other or {})
        other.setdefault("proposed_by", proposal.justification.curie)
        names = {"subject": proposal.subject.name, "object": proposal.object.name}
    return SemanticMapping(
        subject=NamableReference(
            prefix=subject.prefix, identifier=subject.identifier, name=names.get("subject")
        ),
        predicate=predicate,
        object=NamableReference(
            prefix=obj.prefix, identifier=obj.identifier, name=names.get("object")
        ),
        predicate_modifier="Not" if verdict == "reject" else None,
        justification=MANUAL_MAPPING_CURATION,
        authors=[Reference.from_curie(reviewer)],
        reviewers=[Reference.from_curie(reviewer)],
        mapping_date=date or dt.date.today(),
        comment=comment if comment else None,
        other=dict(sorted(other.items())) or None,
        **fields,
    )


def learnable(decisions: Iterable[Decision]) -> list[SemanticMapping]:
    """The mappings of the decisions a ranker learns from: accepted and rejected ones. An
    unsure decision teaches nothing; as a mapping it could not be told from an accepted one.
    """
    return [d.mapping for d in decisions if d.verdict != "unsure"]
