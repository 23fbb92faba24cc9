"""Where a review stands: decided vs open proposals per pair of profiles or vocabularies,
and decisions whose statements are gone (``kcgraph review status``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sssom_pydantic import SemanticMapping

from ...mappings import pair_key
from .decision import Decision
from .inference import Clash, clashes
from .store import ReviewStore

__all__ = ["ReviewStatus", "format_status", "review_status"]


@dataclass
class ReviewStatus:
    directory: Path
    total: int = 0
    pairs: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    orphans: list[Decision] = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)


def _scheme_pair(mapping: SemanticMapping) -> tuple[str, str]:
    """The two profiles (or vocabularies) a mapping joins, by CURIE prefix, sorted."""
    a, b = sorted((mapping.subject.prefix, mapping.object.prefix))
    return a, b


def review_status(
    store: ReviewStore,
    proposals: Sequence[SemanticMapping],
    is_known: Callable[[str], bool],
    profiles: Iterable[str] = (),
) -> ReviewStatus:
    """Decided vs open per pair of profiles/vocabularies, decisions whose statements are gone
    (``is_known`` tells whether an IRI still exists), and mapping clashes (``profiles``: the
    profiles' CURIE prefixes)."""
    decisions = store.decisions()
    decided = {d.pair: d.verdict for d in decisions}
    result = ReviewStatus(directory=store.directory, total=len(decisions))
    for mapping in proposals:
        counter = result.pairs.setdefault(_scheme_pair(mapping), Counter())
        counter["proposed"] += 1
        counter["decided" if pair_key(mapping) in decided else "open"] += 1
    for d in decisions:
        result.pairs.setdefault(_scheme_pair(d.mapping), Counter())[d.verdict] += 1
        if not all(is_known(store.converter.expand(c) or "") for c in d.pair):
            result.orphans.append(d)
    result.clashes = clashes(decisions, frozenset(profiles))
    return result


def format_status(status: ReviewStatus) -> Iterator[str]:
    """The lines ``kcgraph review status`` prints."""
    yield (
        f"{'profiles':<24} {'proposed':>8} {'decided':>8} {'open':>6} {'accepted':>9} "
        f"{'rejected':>9} {'unsure':>7}"
    )
    for (a, b), c in sorted(status.pairs.items()):
        yield (
            f"{a + '-' + b:<24} {c['proposed']:>8} {c['decided']:>8} {c['open']:>6} "
            f"{c['accept']:>9} {c['reject']:>9} {c['unsure']:>7}"
        )
    yield f"{status.total} decisions in {status.directory}"
    for d in status.orphans:
        yield (
            f"orphan ({d.verdict}): {d.mapping.subject.curie} -> {d.mapping.object.curie}: a "
            "statement no longer exists in the sources; the decision is kept, not applied"
        )
    for clash in status.clashes:
        yield clash.line()
