"""The integrity of a decision folder, in the manner of biomappings' integrity test: sorted
rows, valid CURIEs, the semapv justification, known and valid reviewers, and no pair decided
twice (e.g. both accepted and rejected)."""

from __future__ import annotations

from sssom_pydantic import SemanticMapping

from ...errors import KcgraphError
from ...mappings import pair_key
from ...terms import MANUAL_MAPPING_CURATION, MAPPING_PREDICATES
from .decision import VERDICTS
from .reviewers import REVIEWERS_FILE, check_reviewer, read_reviewers
from .store import ReviewStore

__all__ = ["integrity_problems"]


def integrity_problems(store: ReviewStore) -> list[str]:
    """What is wrong with the decision files of ``store`` (nothing: an empty list)."""
    problems: list[str] = []
    with store.locked():
        tables = store.read_tables()
        reviewers = read_reviewers(store.directory)
    where: dict[frozenset[str], str] = {}
    for verdict, mappings in tables.items():
        name = VERDICTS[verdict]
        if mappings != sorted(mappings):
            problems.append(f"{name}: rows are not in canonical sorted order")
        for m in mappings:
            problems += _row_problems(store, m, name, verdict == "reject", reviewers)
            if pair_key(m) in where:
                row = f"{name}: {m.subject.curie} {m.predicate.curie} {m.object.curie}"
                problems.append(f"{row}: pair also decided in {where[pair_key(m)]}")
            where[pair_key(m)] = name
    for curie in reviewers:
        try:
            check_reviewer(curie, store.converter)
        except KcgraphError as exc:
            problems.append(f"{REVIEWERS_FILE}: {exc}")
    return problems


def _row_problems(
    store: ReviewStore, m: SemanticMapping, name: str, rejected: bool, reviewers: dict[str, str]
) -> list[str]:
    row = f"{name}: {m.subject.curie} {m.predicate.curie} {m.object.curie}"
    problems = []
    refs = [m.subject, m.object, m.predicate, m.justification]
    refs += [*(m.authors or ()), *(m.reviewers or ())]
    for ref in refs:
        if store.converter.expand(ref.curie) is None:
            problems.append(f"{row}: {ref.curie} has an undeclared prefix")
    if m.justification.curie != MANUAL_MAPPING_CURATION:
        problems.append(
            f"{row}: justification {m.justification.curie}, not {MANUAL_MAPPING_CURATION}"
        )
    if m.predicate.curie not in MAPPING_PREDICATES:
        problems.append(f"{row}: predicate is not a SKOS mapping predicate")
    if m.negated != rejected:
        problems.append(f"{row}: predicate_modifier does not match the file")
    if not m.reviewers:
        problems.append(f"{row}: no reviewer_id")
    for ref in m.reviewers or ():
        if ref.curie not in reviewers:
            problems.append(f"{row}: reviewer {ref.curie} is not in {REVIEWERS_FILE}")
    return problems
