"""Active learning in the review loop: the ranker retrains on the decisions so far and the
queue offers first the proposals whose decision teaches it most (one order for every queue:
:func:`kcgraph.match.queue.review_order`).

Retraining needs the statements' vectors (the workspace's scorer, read from the embedding
cache) and fits a logistic regression on a few hundred examples: seconds the first time,
milliseconds after.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from sssom_pydantic import SemanticMapping

from ..mappings import pair_key
from ..match.crosswalk.ranker import Ranker
from ..match.queue import expected_precision, review_order
from .decision import learnable

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = ["ActiveLearner", "Scored"]


@dataclass(frozen=True)
class Scored:
    """An open proposal with the current model's probability (None: no model yet)."""

    mapping: SemanticMapping
    probability: float | None


class ActiveLearner:
    """Retrains on the workspace's decisions and orders open proposals for review."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.ranker: Ranker | None = None
        self.decisions_seen = 0

    @cached_property
    def _index(self) -> dict[str, int]:
        return {item.iri: i for i, item in enumerate(self.workspace.scorer.items)}

    def retrain(self) -> Ranker:
        """Fit the ranker on every decision recorded now."""
        ws = self.workspace
        decisions = learnable(ws.store(check_ids=False).decisions())
        self.ranker = Ranker(ws.scorer).train(decisions, ws.converter)
        self.decisions_seen = len(decisions)
        return self.ranker

    @property
    def learnt_from(self) -> int:
        """How many examples (decisions and passed-over candidates) the model learnt from."""
        if self.ranker is None or not self.ranker.trained:
            return 0
        return len(self.ranker.examples.labels)

    def score(self, proposals: list[SemanticMapping]) -> list[Scored]:
        """Each proposal with the current model's probability (profile statements only)."""
        ranker = self.ranker or self.retrain()
        if not ranker.trained:
            return [Scored(m, None) for m in proposals]
        expand = self.workspace.converter.expand
        rows = [
            (k, self._index[s], self._index[o])
            for k, m in enumerate(proposals)
            if (s := expand(m.subject.curie) or "") in self._index
            and (o := expand(m.object.curie) or "") in self._index
        ]
        probability: dict[int, float] = {}
        if rows:
            k, q, c = (np.array(column) for column in zip(*rows, strict=True))
            probability = dict(zip(k.tolist(), ranker.score(q, c).tolist(), strict=True))
        return [Scored(m, probability.get(k)) for k, m in enumerate(proposals)]

    def _open(self, proposals: list[SemanticMapping]) -> list[Scored]:
        decided = {d.pair for d in self.workspace.store(check_ids=False).decisions()}
        return self.score([m for m in proposals if pair_key(m) not in decided])

    def next(self, proposals: list[SemanticMapping], *, limit: int = 10) -> list[Scored]:
        """Open proposals in review order: those the model is least sure of first."""
        scored = {id(s.mapping): s for s in self._open(proposals)}
        ordered = review_order(
            (s.mapping for s in scored.values()), lambda m: scored[id(m)].probability
        )
        return [scored[id(m)] for m in ordered[:limit]]

    def next_lines(self, proposals: list[SemanticMapping], *, limit: int = 10) -> list[str]:
        """What ``kcgraph review next`` prints: the model, then one line per proposal."""
        self.retrain()
        lines = [
            f"model: learnt from {self.learnt_from} examples ({self.decisions_seen} decisions)"
        ]
        for s in self.next(proposals, limit=limit):
            p = "  -  " if s.probability is None else f"{s.probability:.2f}"
            m = s.mapping
            negated = "NOT " if m.negated else ""  # a rejection carried over to a new version
            line = f"{p}  {negated}{m.subject.curie} {m.object.curie}"
            line += f"  {m.subject.name} | {m.object.name}"
            lines.append(line + (f"  [{m.comment}]" if m.comment else ""))
        return lines

    def expected_precision(self, proposals: list[SemanticMapping]) -> float | None:
        """The mean probability of the open proposals: how many of them should be right."""
        return expected_precision(s.probability for s in self._open(proposals))
