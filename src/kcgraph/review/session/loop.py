"""The review loop by statement: offer a screen, record its answer, learn, infer, offer the
next (:mod:`kcgraph.review.session.screens` says what a screen is and in which order they come).

One answer is one action: the candidates the analyst chose are accepted with their
predicates and the others shown are rejected ("none of these" rejects them all), in one
atomic write, undoable as one step. After each answer the crosswalk ranker retrains on every
decision recorded (:class:`~kcgraph.match.crosswalk.ranker.Ranker`: its fixed pair features
are computed once per loop, so an update is a logistic-regression fit and a re-score of the
open candidates), and the links the accepted ones imply are offered first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sssom_pydantic import SemanticMapping

from ...errors import KcgraphError
from ...layout import Target
from ...mappings import pair_key
from ...match.crosswalk.ranker import Ranker
from ...terms import MANUAL_MAPPING_CURATION, MAPPING_CHAINING
from ..decisions.decision import Decision, Verdict, decision_mapping, learnable
from ..decisions.inference import Chained, chained_proposals
from ..decisions.proposals import read_proposals
from .screens import (
    EXPLORATION,
    SCREEN_SIZE,
    Proposal,
    Screen,
    build_screens,
    offer_key,
    pick_screen,
)

if TYPE_CHECKING:
    from ...match.items import Item
    from ...workspace import Workspace

__all__ = ["LoopModel", "ReviewLoop", "Turn", "answer_entries"]


@dataclass(frozen=True)
class Turn:
    """One answered screen: what was recorded and what each pair had before (for undo)."""

    screen: Screen
    recorded: tuple[SemanticMapping, ...]
    previous: tuple[tuple[frozenset[str], Decision | None], ...]
    #: screens this answer opens: each linked statement's children towards the other's scheme
    follow: frozenset[tuple[str, str]] = frozenset()


class ReviewLoop:
    """Screens of one queue over a workspace's decisions; answers go straight to its store."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        target: Target = "profiles",
        proposals: str | Path | None = None,
        reviewer: str | None = None,
        exploration: float = EXPLORATION,
        size: int | None = None,
    ) -> None:
        self.workspace = workspace
        self.target = target
        self.path = Path(proposals or workspace.settings.proposals_path(target))
        self.reviewer = reviewer or workspace.settings.reviewer
        self.exploration = exploration
        self.size = size or (
            SCREEN_SIZE if target == "profiles" else workspace.settings.esco_skill_top_k
        )
        self.store = workspace.store(check_ids=False)
        self.proposals = read_proposals(self.path, workspace)
        self._candidates = [Proposal.of(m) for m in self.proposals]
        self.turns: list[Turn] = []
        self.skipped: dict[tuple[str, str], int] = {}
        self.model = LoopModel(workspace)
        self.learn()

    # --- what the loop knows --------------------------------------------------------------

    @cached_property
    def _index(self) -> dict[str, int]:
        """Statement CURIE -> index among the scorer's items (crosswalk queues only)."""
        compress = self.workspace.converter.compress
        return {
            compress(item.iri, strict=True): i for i, item in enumerate(self.workspace.scorer.items)
        }

    @cached_property
    def schemes(self) -> frozenset[str]:
        """The CURIE prefixes this queue joins."""
        found: set[str] = {str(r.prefix) for m in self.proposals for r in (m.subject, m.object)}
        if self.target == "profiles":
            found |= set(self.workspace.profile_ids)
        return frozenset(found)

    @cached_property
    def statement_schemes(self) -> frozenset[str]:
        """Prefixes whose concepts get screens: the profiles (between profiles, and towards
        ESCO skills), the subjects' scheme otherwise (occupations towards ISCO)."""
        if self.target == "isco":
            return frozenset(m.subject.prefix for m in self.proposals)
        return frozenset(self.workspace.profile_ids)

    @cached_property
    def children(self) -> dict[str, tuple[str, ...]]:
        """Statement CURIE -> its narrower statements' CURIEs (crosswalk queues)."""
        if self.target != "profiles":
            return {}
        compress = self.workspace.converter.compress
        found: dict[str, list[str]] = {}
        for item in self.workspace.scorer.items:
            for parent in item.parents:
                found.setdefault(compress(parent, strict=True), []).append(
                    compress(item.iri, strict=True)
                )
        return {parent: tuple(sorted(kids)) for parent, kids in found.items()}

    def follow(self) -> frozenset[tuple[str, str]]:
        """Screens to offer soon: the children of pairs this loop linked, towards the other
        side's scheme, until each is answered."""
        keys: set[tuple[str, str]] = set()
        for turn in self.turns:
            keys.discard(turn.screen.key)
            keys |= turn.follow
        return frozenset(keys)

    def decisions(self) -> list[Decision]:
        return self.store.decisions()

    def chained(self) -> list[Chained]:
        """Links the accepted ones imply, within this queue's schemes, not decided yet."""
        decisions = self.decisions()
        decided = {d.pair for d in decisions}
        accepted = [d.mapping for d in decisions if d.verdict == "accept"]
        return [
            c
            for c in chained_proposals(accepted, decided, frozenset(self.workspace.profile_ids))
            if {c.mapping.subject.prefix, c.mapping.object.prefix} <= self.schemes
        ]

    # --- learning -------------------------------------------------------------------------

    def learn(self) -> None:
        """Retrain on every decision recorded now and re-score the open candidates."""
        if self.target == "profiles" and self.workspace.settings.learn:
            chained = [Proposal.of(c.mapping) for c in self.chained()]
            self.model.learn(self.decisions(), [*self._candidates, *chained])

    def probability(self, c: Proposal) -> float:
        """The current model's probability of a proposal (:meth:`LoopModel.probability`)."""
        return self.model.probability(c)

    # --- the screens ----------------------------------------------------------------------

    def screens(self) -> list[Screen]:
        """Every screen with an open candidate."""
        return build_screens(
            self._candidates,
            self.probability,
            decided={d.pair for d in self.decisions()},
            chained=self.chained(),
            statements=self.statement_schemes,
            size=self.size,
        )

    def next(self) -> Screen | None:
        """The screen to answer now (:func:`~kcgraph.review.session.screens.pick_screen`)."""
        return pick_screen(
            self.screens(),
            len(self.turns),
            exploration=self.exploration,
            skipped=self.skipped,
            follow=self.follow(),
        )

    def upcoming(self, limit: int) -> list[Screen]:
        """The next ``limit`` screens in the order offered, exploration aside."""
        return sorted(self.screens(), key=lambda s: offer_key(s, self.skipped))[:limit]

    def screen(self, statement: str, scheme: str) -> Screen | None:
        """The screen of one statement towards one scheme, if it has open candidates."""
        return next((s for s in self.screens() if s.key == (statement, scheme)), None)

    # --- answers --------------------------------------------------------------------------

    def _reviewer(self) -> str:
        if not self.reviewer:
            raise KcgraphError(
                "say who reviews (--reviewer or KCGRAPH_REVIEWER): decisions are never "
                "recorded unsigned"
            )
        return self.reviewer

    def answer(
        self, screen: Screen, accepted: Mapping[str, str], *, comment: str | None = None
    ) -> Turn:
        """Record one screen's answer: ``accepted`` maps a shown candidate's CURIE to the
        predicate chosen; every other candidate shown is rejected. Then learn."""
        return self._record(screen, answer_entries(screen, accepted, self._reviewer(), comment))

    def link(self, statement: str, other: str, predicate: str) -> Turn:
        """Accept a link found by search (not on any screen): one action of its own, with
        both sides' labels, kinds and sources as a proposal would have them."""
        reviewer = self._reviewer()
        s, o = self.store.reference(statement), self.store.reference(other)
        found = found_proposal(self.workspace, s.curie, o.curie, predicate)
        mapping = decision_mapping(
            "accept", s, o, predicate, reviewer=reviewer, comment="found by search", proposal=found
        )
        screen = Screen(s.curie, o.prefix, ())
        return self._record(screen, [("accept", mapping)])

    def _record(self, screen: Screen, entries: list[tuple[Verdict, SemanticMapping]]) -> Turn:
        previous = tuple((pair_key(m), self.store.decision(pair_key(m))) for _, m in entries)
        self.store.record_many(entries)
        follow = frozenset(
            (child, other.prefix)
            for verdict, m in entries
            if verdict == "accept"
            for one, other in ((m.subject, m.object), (m.object, m.subject))
            for child in self.children.get(one.curie, ())
        )
        turn = Turn(screen, tuple(m for _, m in entries), previous, follow)
        self.turns.append(turn)
        self.skipped.pop(screen.key, None)
        self.learn()
        return turn

    def skip(self, screen: Screen) -> None:
        """Put a screen back behind the others (skipped twice: further back)."""
        self.skipped[screen.key] = self.skipped.get(screen.key, 0) + 1

    def undo(self) -> Turn | None:
        """Take back the last answer of this loop: its pairs return as they were."""
        if not self.turns:
            return None
        turn = self.turns.pop()
        self.store.restore_many(list(turn.previous))
        self.learn()
        return turn


def answer_entries(
    screen: Screen, accepted: Mapping[str, str], reviewer: str, comment: str | None = None
) -> list[tuple[Verdict, SemanticMapping]]:
    """The decisions one answer records: the chosen candidates accepted with their
    predicates, every other candidate shown rejected."""
    shown = {c.other for c in screen.candidates}
    unknown = sorted(set(accepted) - shown)
    if unknown:
        raise KcgraphError(f"{', '.join(unknown)}: not on the screen of {screen.statement}")
    entries: list[tuple[Verdict, SemanticMapping]] = []
    for c in screen.candidates:
        verdict: Verdict = "accept" if c.other in accepted else "reject"
        m = c.mapping
        note = comment or (
            None if verdict == "accept" else f"not chosen on the screen of {screen.statement}"
        )
        entries.append(
            (
                verdict,
                decision_mapping(
                    verdict,
                    m.subject,
                    m.object,
                    accepted.get(c.other, m.predicate.curie),
                    reviewer=reviewer,
                    comment=note,
                    proposal=m,
                ),
            )
        )
    return entries


class LoopModel:
    """The crosswalk ranker of one loop, retrained on demand, and its current probabilities."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.ranker: Ranker | None = None
        self._probability: dict[frozenset[str], float] = {}

    @cached_property
    def _index(self) -> dict[str, int]:
        """Statement CURIE -> index among the scorer's items."""
        compress = self.workspace.converter.compress
        return {
            compress(item.iri, strict=True): i for i, item in enumerate(self.workspace.scorer.items)
        }

    def learn(self, decisions: list[Decision], candidates: list[Proposal]) -> None:
        """Retrain on ``decisions`` and re-score ``candidates`` (untrained: no scores)."""
        self._probability = {}
        if self.ranker is None:
            self.ranker = Ranker(self.workspace.scorer)
        settings = self.workspace.settings
        self.ranker.train(learnable(decisions), self.workspace.converter, cache=settings.fitted_dir)
        if not self.ranker.trained:
            return
        index = self._index
        pairs = {c.pair: c for c in candidates}
        rows = [
            (key, index[c.subject], index[c.object])
            for key, c in pairs.items()
            if c.subject in index and c.object in index
        ]
        if rows:
            keys, q, c = zip(*rows, strict=True)
            scores = self.ranker.score(np.array(q), np.array(c)).tolist()
            self._probability = dict(zip(keys, scores, strict=True))

    @property
    def learnt_from(self) -> int:
        """How many examples (decisions and passed-over candidates) the model learnt from."""
        if self.ranker is None or not self.ranker.trained:
            return 0
        return len(self.ranker.examples.labels)

    def probability(self, c: Proposal) -> float:
        """The model's probability of a proposal (untrained: the file's confidence, else its
        fused score)."""
        known = self._probability.get(c.pair)
        if known is not None:
            return known
        m = c.mapping
        if m.confidence is not None and m.justification.curie != MAPPING_CHAINING:
            return m.confidence
        return m.similarity_score or 0.0


def _item(workspace: Workspace, curie: str) -> Item | None:
    """The item of one statement or ESCO/ISCO-08 concept (what search finds), if known."""
    from ...match.items import statement_item
    from ...match.vocabulary.matcher import esco_items

    ws = workspace
    iri = ws.converter.expand(curie)
    for profile in ws.profiles:
        for statement in profile.statements.values():
            if str(ws.minter.concept(profile.source.id, statement)) == iri:
                return statement_item(profile, statement, ws.minter)
    concept = ws.esco.by_uri.get(iri or "")
    if concept is None or concept.kind == "group":
        return None
    item = esco_items([concept])[0]
    return replace(item, label=ws.esco_label(item.iri, item.label))


def found_proposal(
    workspace: Workspace, statement: str, other: str, predicate: str
) -> SemanticMapping | None:
    """The record a proposal of a pair found by search would be (labels, kinds, sources,
    no score), if both sides are known."""
    from ...match.proposals import Candidate, to_semantic_mapping

    a, b = _item(workspace, statement), _item(workspace, other)
    if a is None or b is None:
        return None
    candidate = Candidate(a, b, predicate, MANUAL_MAPPING_CURATION, 0.0, 1)
    found = to_semantic_mapping(candidate, workspace.converter, measure="")
    unscored = {"similarity_score": None, "similarity_measure": None, "confidence": None}
    return found.model_copy(update=unscored)
