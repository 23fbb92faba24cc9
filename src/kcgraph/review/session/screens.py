"""Review by statement: one screen is one statement and its best candidates in one other
profile (or in ESCO / ISCO-08), and the order screens are offered in.

A screen's candidates come from the queue file (``kcgraph match`` keeps every top-k
candidate per statement and other profile, both orientations) and from the links the
accepted ones imply (:mod:`kcgraph.review.decisions.inference`), each with the current model's
probability. Its **expected yield** is the chance that it holds at least one link,
``1 - prod(1 - p)`` over the candidates shown: screens are offered by expected yield, and a
stated share of them (:data:`EXPLORATION`) at random, so that the model also learns where
it expects nothing (epsilon-greedy).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from sssom_pydantic import SemanticMapping

from ...errors import KcgraphError
from ...mappings import pair_key
from ...match.proposals import COSINE_SLOT
from ...terms import mapping_predicate
from ..decisions.inference import Chained
from .context import StatementContext

__all__ = [
    "EXPLORATION",
    "SCREEN_SIZE",
    "Screen",
    "Shown",
    "build_screens",
    "offer_key",
    "pick_screen",
    "queue_lines",
    "read_picks",
    "screen_lines",
]

#: Candidates on one screen (the crosswalk's top-k; ESCO screens show up to 10).
SCREEN_SIZE = 5
#: Share of screens offered for learning rather than yield: every 10th (docs/review.md, "Review by
#: statement", gives the figures behind the choice).
EXPLORATION = 0.1


@dataclass(frozen=True)
class Shown:
    """One candidate on a screen: the proposal, the model's probability, and the chain of
    accepted links it follows from (empty: proposed by the matcher)."""

    mapping: SemanticMapping
    other: str  # the candidate's CURIE (the side that is not the screen's statement)
    probability: float
    chain: tuple[SemanticMapping, ...] = ()

    @property
    def inferred(self) -> bool:
        return bool(self.chain)

    @property
    def name(self) -> str | None:
        """The candidate's label, as the proposal records it."""
        m = self.mapping
        return m.object.name if self.other == m.object.curie else m.subject.name


@dataclass(frozen=True)
class Screen:
    """A statement and its candidates in one other scheme, best first."""

    statement: str  # CURIE
    scheme: str  # the other side's CURIE prefix
    candidates: tuple[Shown, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.statement, self.scheme)

    @property
    def expected_yield(self) -> float:
        """The chance that at least one candidate is a link (independent probabilities)."""
        return 1.0 - math.prod(1.0 - min(max(s.probability, 0.0), 1.0) for s in self.candidates)


@dataclass(frozen=True)
class Proposal:
    """A proposal as screens read it: its pair and its two CURIEs, computed once."""

    mapping: SemanticMapping
    subject: str
    object: str
    pair: frozenset[str]

    @classmethod
    def of(cls, m: SemanticMapping) -> Proposal:
        return cls(m, m.subject.curie, m.object.curie, pair_key(m))


def build_screens(
    proposals: Iterable[Proposal],
    probability: Callable[[Proposal], float],
    *,
    decided: set[frozenset[str]],
    chained: Sequence[Chained] = (),
    statements: frozenset[str],
    size: int = SCREEN_SIZE,
) -> list[Screen]:
    """Every screen with an open candidate: for each statement side of a proposal (both
    sides between profiles, the subject towards a vocabulary), its ``size`` most probable
    open candidates; a chained link counts with its chain's confidence when that is
    higher. ``statements`` are the profiles' CURIE prefixes."""
    pool: dict[tuple[str, str], dict[str, Shown]] = {}

    def offer(shown: Shown, statement: str) -> None:
        if statement.split(":", 1)[0] not in statements:
            return
        key = (statement, shown.other.split(":", 1)[0])
        known = pool.setdefault(key, {}).get(shown.other)
        if known is None or shown.probability > known.probability:
            pool[key][shown.other] = shown

    for c in proposals:
        if c.pair in decided:
            continue
        p = probability(c)
        offer(Shown(c.mapping, c.object, p), c.subject)
        offer(Shown(c.mapping, c.subject, p), c.object)
    for chain in chained:
        c = Proposal.of(chain.mapping)
        p = max(chain.confidence, probability(c))
        offer(Shown(c.mapping, c.object, p, chain.chain), c.subject)
        offer(Shown(c.mapping, c.subject, p, chain.chain), c.object)
    screens = []
    for (statement, scheme), shown in sorted(pool.items()):
        best = sorted(shown.values(), key=lambda s: (not s.inferred, -s.probability, s.other))
        screens.append(Screen(statement, scheme, tuple(best[:size])))
    return screens


def offer_key(
    screen: Screen, skipped: Mapping[tuple[str, str], int]
) -> tuple[int, int, float, tuple[str, str]]:
    """The order screens are offered in, exploration aside: skipped ones last, then a
    chained link first, then by expected yield; ties by statement and scheme."""
    chained = 0 if any(c.inferred for c in screen.candidates) else 1
    return (skipped.get(screen.key, 0), chained, -screen.expected_yield, screen.key)


def pick_screen(
    screens: Sequence[Screen],
    answered: int,
    *,
    exploration: float = EXPLORATION,
    skipped: Mapping[tuple[str, str], int] | None = None,
    follow: Collection[tuple[str, str]] = (),
) -> Screen | None:
    """The screen to offer after ``answered`` answers: one holding a chained link first,
    else the highest expected yield. Every ``1/exploration``-th answer explores instead, so
    that the model also learns beyond what it already expects: it goes to the best of
    ``follow`` (the children of a pair just linked, towards the other parent's scheme: a
    statement whose parent was just linked comes within ``1/exploration`` answers), or,
    when there is none, to a screen drawn at random (seeded by ``answered``:
    deterministic). Skipped screens come last; ties by statement and scheme."""
    if not screens:
        return None
    skipped = skipped or {}
    every = round(1 / exploration) if exploration > 0 else 0

    def key(s: Screen) -> tuple[int, int, float, tuple[str, str]]:
        return offer_key(s, skipped)

    best = min(screens, key=key)
    if every > 0 and (answered + 1) % every == 0 and not key(best)[:2] == (0, 0):
        following = [s for s in screens if s.key in follow and not skipped.get(s.key)]
        if following:
            return min(following, key=key)
        fresh = sorted((s for s in screens if not skipped.get(s.key)), key=lambda s: s.key)
        if fresh:
            return random.Random(answered).choice(fresh)
    return best


def screen_lines(
    screen: Screen, context: Callable[[str, str | None], StatementContext]
) -> list[str]:
    """A screen as text (``kcgraph review screen``): the statement in its place, then each
    candidate numbered, with kind, place, probability, signals and chain."""
    me = context(screen.statement, None)
    path = " > ".join(me.path) or "top level"
    lines = [
        f"{me.curie}  ({me.profile}, {me.kind or 'concept'}; {path})",
        f"  {me.label}",
        f"candidates in {screen.scheme} (expected yield {screen.expected_yield:.2f}):",
    ]
    for n, c in enumerate(screen.candidates, start=1):
        ctx = context(c.other, c.name)
        where = " > ".join(ctx.path[-2:])
        signals = ", ".join(
            f"{k.removeprefix(COSINE_SLOT)} {float(str(v.value)):.2f}"
            for k, v in sorted((c.mapping.extensions or {}).items())
            if k.startswith(COSINE_SLOT)
        )
        negated = "NOT " if c.mapping.negated else ""  # a rejection carried over
        lines.append(
            f"  {n}. p={c.probability:.2f}  {negated}{ctx.curie}  [{ctx.kind or ctx.profile}]"
            + (f" in {where}" if where else "")
        )
        lines.append(f"     {ctx.label}")
        if signals:
            lines.append(f"     {signals}")
        if c.chain or (c.mapping.negated and c.mapping.comment):
            lines.append(f"     {c.mapping.justification.curie}: {c.mapping.comment}")
    return lines


def read_picks(screen: Screen, picks: Sequence[str]) -> dict[str, str]:
    """The candidates a written answer accepts, with their predicates: each pick is a
    candidate's number on the screen or its CURIE, optionally ``=PREDICATE`` (``exact``,
    ``exactMatch`` or ``skos:exactMatch``; default: the proposal's)."""
    accepted: dict[str, str] = {}
    for pick in picks:
        which, _, predicate = pick.partition("=")
        shown = next((c for c in screen.candidates if c.other == which), None)
        if which.isdigit() and 1 <= int(which) <= len(screen.candidates):
            shown = screen.candidates[int(which) - 1]
        if shown is None:
            raise KcgraphError(f"{which}: not a candidate on this screen")
        accepted[shown.other] = (
            mapping_predicate(predicate) if predicate else shown.mapping.predicate.curie
        )
    return accepted


def queue_lines(screens: Sequence[Screen], learnt_from: int) -> list[str]:
    """What ``kcgraph review next`` prints: the model, then each screen in the order offered
    with its candidates (a rejection carried over from an older version as ``NOT``, with the
    old verdict)."""
    lines = [f"model: learnt from {learnt_from} examples" if learnt_from else "model: untrained"]
    for screen in screens:
        lines.append(
            f"{screen.expected_yield:.2f}  {screen.statement} -> {screen.scheme}  "
            f"{_label_of(screen)}"
        )
        for c in screen.candidates:
            negated = "NOT " if c.mapping.negated else ""
            line = f"      {c.probability:.2f}  {negated}{c.other}  {c.name or ''}"
            lines.append(line + (f"  [{c.mapping.comment}]" if c.mapping.comment else ""))
    return lines


def _label_of(screen: Screen) -> str:
    m = screen.candidates[0].mapping
    return (m.subject.name if m.subject.curie == screen.statement else m.object.name) or ""
