"""A review session: the open proposals of one queue, filtered and walked in review order,
each decision recorded at once, with undo.

Every key and button of the workbench (:mod:`kcgraph.review.widget`) calls
:meth:`Workbench.key`, which records through :class:`~kcgraph.review.store.ReviewStore`:
the same records, in the same files, with the same guarantees as ``kcgraph review``. The
session keeps only its filters, its log (for undo and the pace) and the skipped pairs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sssom_pydantic import SemanticMapping

from ..errors import KcgraphError
from ..files import stamp
from ..layout import Target
from ..mappings import pair_key
from ..match.queue import expected_precision, review_order
from ..terms import MAPPING_PREDICATES
from .context import Contexts, StatementContext
from .decision import Decision
from .proposals import read_proposals
from .reviewers import typed_reviewer

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = ["KEYMAP", "KEYS", "Key", "Session", "Workbench"]


@dataclass(frozen=True)
class Key:
    """One key of the workbench and the button it presses."""

    key: str
    name: str  # the button's name (CSS class ``kcg-NAME``)
    label: str
    verdict: str | None = None  # accept, reject or unsure; None: a command
    predicate: str | None = None


#: Every key of the workbench, written once: the buttons, the key box and the page-wide
#: key handler are all made from it.
KEYMAP: tuple[Key, ...] = (
    *(
        Key(str(n), p.split(":")[1], f"{n} {p.split(':')[1]}", "accept", p)
        for n, p in enumerate(MAPPING_PREDICATES, start=1)
    ),
    Key("r", "reject", "r reject", "reject"),
    Key("u", "unsure", "u unsure", "unsure"),
    Key("s", "skip", "s skip"),
    Key("z", "undo", "z undo"),
    Key("b", "revisit", "b revisit skipped"),
)
#: Key -> (verdict, predicate) of the keys that decide.
KEYS: dict[str, tuple[str, str | None]] = {
    k.key: (k.verdict, k.predicate) for k in KEYMAP if k.verdict is not None
}


@dataclass
class _Step:
    pair: frozenset[str]
    previous: Decision | None
    at: float


@dataclass
class Session:
    """This session's decisions, for undo and the pace."""

    steps: list[_Step] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def per_minute(self) -> float:
        minutes = (time.monotonic() - self.started) / 60
        return len(self.steps) / minutes if minutes > 0 else 0.0


class Workbench:
    """Filters and walks the open proposals of a workspace; decisions go straight to its
    store."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        reviewer: str | None = None,
        target: Target = "profiles",
        proposals: str | Path | None = None,
    ) -> None:
        self.workspace = workspace
        self.reviewer: str | None = None
        if reviewer or workspace.settings.reviewer:
            self.set_reviewer(reviewer or workspace.settings.reviewer or "")
        self.target = target
        self.proposals_path = Path(proposals or workspace.settings.proposals_path(target))
        self.store = workspace.store()
        self.pair: tuple[str, str] | None = None
        self.kind: str | None = None
        self.score_range = (0.0, 1.0)
        self.confidence_range = (0.0, 1.0)
        self._skipped: set[frozenset[str]] = set()
        self.session = Session()
        self.message = ""
        #: the widget's buttons by name, once it is shown (notebooks may click them)
        self.buttons: dict[str, Any] = {}
        self._read: tuple[tuple[Path, tuple[int, int] | None], list[SemanticMapping]] | None = None

    def set_reviewer(self, reviewer: str) -> str:
        """Who decides: an ORCID (checksum checked) or a declared CURIE; never a placeholder."""
        self.reviewer = typed_reviewer(reviewer, self.workspace.converter)
        return self.reviewer

    @cached_property
    def contexts(self) -> Contexts:
        return Contexts(self.workspace)

    # --- the queue ------------------------------------------------------------------------

    def use_target(self, target: Target) -> None:
        """Review the proposals to ESCO or ISCO, or between profiles."""
        self.target = target
        self.proposals_path = self.workspace.settings.proposals_path(target)

    def proposals(self) -> list[SemanticMapping]:
        """The queue file's proposals, read again only when the file changed."""
        seen = stamp(self.proposals_path)
        if self._read is None or self._read[0] != (self.proposals_path, seen):
            self._read = (
                (self.proposals_path, seen),
                read_proposals(self.proposals_path, self.workspace),
            )
        return self._read[1]

    def profile_pairs(self) -> list[tuple[str, str]]:
        return sorted({(m.subject.prefix, m.object.prefix) for m in self.proposals()})

    def kinds(self) -> list[str]:
        return sorted(
            {
                c.curie
                for m in self.proposals()
                for c in (m.subject_category, m.object_category)
                if c is not None
            }
        )

    def _passes(self, m: SemanticMapping) -> bool:
        low, high = self.score_range
        c_low, c_high = self.confidence_range
        categories = {c.curie for c in (m.subject_category, m.object_category) if c is not None}
        return (
            (self.pair is None or (m.subject.prefix, m.object.prefix) == tuple(self.pair))
            and (self.kind is None or self.kind in categories)
            and low <= (m.similarity_score or 0.0) <= high
            and (m.confidence is None or c_low <= m.confidence <= c_high)
        )

    def queue(self) -> list[SemanticMapping]:
        """Open proposals passing the filters, in review order (:mod:`kcgraph.match.queue`)."""
        decided = {d.pair for d in self.store.decisions()}
        return review_order(
            m
            for m in self.proposals()
            if pair_key(m) not in decided and pair_key(m) not in self._skipped and self._passes(m)
        )

    def current(self) -> SemanticMapping | None:
        queue = self.queue()
        return queue[0] if queue else None

    def progress(self) -> tuple[int, int]:
        """(decided, decided + open) among the proposals of the chosen profile pair."""
        rows = [
            m
            for m in self.proposals()
            if self.pair is None or (m.subject.prefix, m.object.prefix) == tuple(self.pair)
        ]
        decided = {d.pair for d in self.store.decisions()}
        return sum(1 for m in rows if pair_key(m) in decided), len(rows)

    def expected_precision(self) -> float | None:
        """Mean confidence of the open proposals passing the filters (None: no model)."""
        return expected_precision(m.confidence for m in self.queue())

    def status_line(self) -> str:
        done, total = self.progress()
        line = (
            f"{done} of {total} decided, {len(self.queue())} open, {len(self._skipped)} skipped; "
            f"this session {len(self.session.steps)} decisions, "
            f"{self.session.per_minute():.1f} per minute"
        )
        precision = self.expected_precision()
        if precision is not None:
            line += f"; expected precision of what remains {precision:.2f}"
        return line

    # --- decisions ------------------------------------------------------------------------

    def decide(
        self, verdict: str, predicate: str | None = None, comment: str | None = None
    ) -> SemanticMapping | None:
        """Decide on the current proposal (accept with ``predicate``, reject or unsure)."""
        if self.reviewer is None:
            raise KcgraphError("enter your ORCID first: decisions are never recorded unsigned")
        m = self.current()
        if m is None:
            return None
        previous = self.store.decision(pair_key(m))
        stored = self.store.decide(
            verdict,
            m.subject.curie,
            m.object.curie,
            reviewer=self.reviewer,
            predicate=predicate,
            comment=comment,
            proposal=m,
        )
        self.session.steps.append(_Step(pair_key(m), previous, time.monotonic()))
        return stored

    def key(self, key: str, comment: str | None = None) -> None:
        """One key press: a decision, skip, undo or revisit."""
        if key in KEYS:
            self.decide(*KEYS[key], comment=comment)
        elif key == "s":
            self.skip()
        elif key == "z":
            self.undo()
        elif key == "b":
            self.revisit_skipped()

    def undo(self) -> frozenset[str] | None:
        """Take back this session's last decision (the pair returns to the queue)."""
        if not self.session.steps:
            return None
        step = self.session.steps.pop()
        self.store.restore(step.pair, step.previous)
        return step.pair

    def skip(self) -> None:
        m = self.current()
        if m is not None:
            self._skipped.add(pair_key(m))

    def revisit_skipped(self) -> int:
        """Bring the skipped proposals back into the queue; returns how many."""
        count = len(self._skipped)
        self._skipped.clear()
        return count

    def context(self, curie: str, name: str | None = None) -> StatementContext:
        """One side of a pair: a profile statement in its place, or an ESCO/ISCO concept."""
        return self.contexts.of(curie, name)

    def widget(self) -> Any:
        """The ipywidgets workbench over this session (:func:`kcgraph.review.widget.workbench`)."""
        from .widget import workbench

        return workbench(self)
