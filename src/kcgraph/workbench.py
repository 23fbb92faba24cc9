"""The analyst's review workbench: open proposals with their context, and decision buttons.

The notebook ``notebooks/review.ipynb`` shows :meth:`Workbench.widget`; every button calls
:meth:`Workbench.decide` (or :meth:`Workbench.skip`), which records the decision through
:class:`~kcgraph.review.ReviewStore`. Decisions live only in the decision folder; the
workbench keeps no more than its filters and its position in the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sssom_pydantic import SemanticMapping

from .mappings import pair_key, read_mappings
from .model import Profile, Statement
from .review import PREDICATES, ReviewStore
from .settings import TARGETS, Settings, Target
from .workspace import Workspace

__all__ = [
    "StatementContext",
    "Workbench",
    "find_proposal",
    "lookup_proposal",
    "read_proposals",
]


def read_proposals(path: str | Path, workspace: Workspace) -> list[SemanticMapping]:
    """The mappings of a proposals file; none when it does not exist yet."""
    path = Path(path)
    if not path.is_file():
        return []
    return read_mappings(path, converter=workspace.converter).mappings


def find_proposal(
    store: ReviewStore, proposals: list[SemanticMapping], a: str, b: str
) -> SemanticMapping | None:
    """The proposal for the pair ``a``-``b`` (either orientation), if there is one."""
    pair = frozenset((store.reference(a).curie, store.reference(b).curie))
    return next((m for m in proposals if pair_key(m) == pair), None)


def lookup_proposal(
    workspace: Workspace, store: ReviewStore, a: str, b: str, *, path: str | Path | None = None
) -> SemanticMapping | None:
    """The proposal for ``a``-``b`` in ``path``, or in any of the run's proposal queues."""
    paths = [Path(path)] if path else [workspace.settings.proposals_path(t) for t in TARGETS]
    for candidate in paths:
        found = find_proposal(store, read_proposals(candidate, workspace), a, b)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class StatementContext:
    """What a reviewer needs to judge one side of a pair."""

    curie: str
    label: str
    profile: str
    kind: str
    path: tuple[str, ...]
    siblings: tuple[str, ...]


class Workbench:
    """Filters and walks the open proposals; decisions go straight to the store."""

    def __init__(
        self,
        *,
        reviewer: str,
        settings: Settings | None = None,
        target: Target = "profiles",
        proposals: str | Path | None = None,
    ) -> None:
        self.workspace = Workspace(settings)
        self.reviewer = reviewer
        self.proposals_path = Path(proposals or self.workspace.settings.proposals_path(target))
        self.store = self.workspace.store()
        self.pair: tuple[str, str] | None = None
        self.kind: str | None = None
        self.score_range = (0.0, 1.0)
        self._skipped: set[frozenset[str]] = set()
        self.buttons: dict = {}

    @cached_property
    def _statements(self) -> dict[str, tuple[Profile, Statement]]:
        ws = self.workspace
        return {
            ws.converter.compress(str(ws.minter.concept(p.source.id, s)), strict=True): (p, s)
            for p in ws.profiles
            for s in p.statements.values()
        }

    # --- the queue ------------------------------------------------------------------------

    def proposals(self) -> list[SemanticMapping]:
        return read_proposals(self.proposals_path, self.workspace)

    def profile_pairs(self) -> list[tuple[str, str]]:
        return sorted({self._pair_of(m) for m in self.proposals()})

    def kinds(self) -> list[str]:
        found = set()
        for m in self.proposals():
            for category in (m.subject_category, m.object_category):
                if category is not None:
                    found.add(category.curie)
        return sorted(found)

    @staticmethod
    def _pair_of(m: SemanticMapping) -> tuple[str, str]:
        return (m.subject.prefix, m.object.prefix)

    def _passes(self, m: SemanticMapping) -> bool:
        low, high = self.score_range
        categories = {c.curie for c in (m.subject_category, m.object_category) if c is not None}
        return (
            (self.pair is None or self._pair_of(m) == tuple(self.pair))
            and (self.kind is None or self.kind in categories)
            and low <= (m.similarity_score or 0.0) <= high
        )

    def queue(self) -> list[SemanticMapping]:
        """Open proposals passing the filters, best score first."""
        decided = {d.pair for d in self.store.decisions()}
        rows = [
            m
            for m in self.proposals()
            if pair_key(m) not in decided and pair_key(m) not in self._skipped and self._passes(m)
        ]
        return sorted(
            rows, key=lambda m: (-(m.similarity_score or 0.0), m.subject.curie, m.object.curie)
        )

    def current(self) -> SemanticMapping | None:
        queue = self.queue()
        return queue[0] if queue else None

    def progress(self) -> tuple[int, int]:
        """(decided, decided + open) among the proposals of the chosen profile pair."""
        rows = [
            m for m in self.proposals() if self.pair is None or self._pair_of(m) == tuple(self.pair)
        ]
        decided = {d.pair for d in self.store.decisions()}
        return sum(1 for m in rows if pair_key(m) in decided), len(rows)

    # --- decisions ------------------------------------------------------------------------

    def decide(
        self, verdict: str, predicate: str | None = None, comment: str | None = None
    ) -> SemanticMapping | None:
        """Decide on the current proposal (accept with ``predicate``, reject or unsure)."""
        m = self.current()
        if m is None:
            return None
        return self.store.decide(
            verdict,
            m.subject.curie,
            m.object.curie,
            reviewer=self.reviewer,
            predicate=predicate,
            comment=comment,
            proposal=m,
        )

    def skip(self) -> None:
        m = self.current()
        if m is not None:
            self._skipped.add(pair_key(m))

    # --- context --------------------------------------------------------------------------

    def context(self, curie: str) -> StatementContext:
        if curie not in self._statements:  # an ESCO or ISCO concept
            return StatementContext(curie, curie, curie.split(":")[0], "", (), ())
        profile, statement = self._statements[curie]
        path: list[str] = []
        node = statement
        while node.parents and len(path) < 10:
            node = profile.statements[node.parents[0]]
            path.insert(0, node.label)
        siblings = tuple(
            s.label
            for s in profile.statements.values()
            if statement.parents and s.parents[:1] == statement.parents[:1] and s is not statement
        )
        return StatementContext(
            curie, statement.label, profile.source.id, statement.kind.value, tuple(path), siblings
        )

    # --- the widget -----------------------------------------------------------------------

    def widget(self):
        """An ipywidgets workbench: filters, both statements side by side, decision buttons."""
        import ipywidgets as w

        pairs = w.Dropdown(
            options=[("all profile pairs", None)]
            + [(f"{a} - {b}", (a, b)) for a, b in self.profile_pairs()],
            description="profiles",
        )
        kinds = w.Dropdown(
            options=[("all kinds", None)] + [(k, k) for k in self.kinds()], description="kind"
        )
        scores = w.FloatRangeSlider(
            value=self.score_range, min=0.0, max=1.0, step=0.01, description="score"
        )
        left, right = w.HTML(), w.HTML()
        header, status = w.HTML(), w.HTML()
        comment = w.Text(placeholder="optional comment", description="comment")
        self.buttons = {
            p.split(":")[1]: w.Button(description=p.split(":")[1], button_style="success")
            for p in PREDICATES
        }
        self.buttons["reject"] = w.Button(description="reject", button_style="danger")
        self.buttons["unsure"] = w.Button(description="unsure", button_style="warning")
        self.buttons["skip"] = w.Button(description="skip")

        def render(*_):
            self.pair, self.kind, self.score_range = pairs.value, kinds.value, scores.value
            m = self.current()
            done, total = self.progress()
            status.value = f"<b>{done}</b> of {total} proposals decided ({len(self.queue())} open)"
            if m is None:
                header.value, left.value, right.value = "<i>nothing left to review</i>", "", ""
                return
            signals = " ".join(f"{k}={v.value}" for k, v in (m.extensions or {}).items())
            header.value = f"score <b>{m.similarity_score}</b> &nbsp; {signals}"
            left.value = self._html(self.context(m.subject.curie))
            right.value = self._html(self.context(m.object.curie))

        def on(verdict: str, predicate: str | None = None):
            def handler(_button):
                if verdict == "skip":
                    self.skip()
                else:
                    self.decide(verdict, predicate, comment.value or None)
                comment.value = ""
                render()

            return handler

        for p in PREDICATES:
            self.buttons[p.split(":")[1]].on_click(on("accept", p))
        self.buttons["reject"].on_click(on("reject"))
        self.buttons["unsure"].on_click(on("unsure"))
        self.buttons["skip"].on_click(on("skip"))
        for control in (pairs, kinds, scores):
            control.observe(render, names="value")
        render()
        return w.VBox(
            [
                w.HBox([pairs, kinds, scores]),
                status,
                header,
                w.HBox([left, right], layout=w.Layout(width="100%")),
                comment,
                w.HBox([self.buttons[p.split(":")[1]] for p in PREDICATES]),
                w.HBox([self.buttons["reject"], self.buttons["unsure"], self.buttons["skip"]]),
            ]
        )

    @staticmethod
    def _html(ctx: StatementContext) -> str:
        import html

        path = " &rsaquo; ".join(html.escape(p) for p in ctx.path) or "<i>top level</i>"
        siblings = "".join(f"<li>{html.escape(s)}</li>" for s in ctx.siblings[:8])
        return (
            f"<div style='width:48%;display:inline-block;vertical-align:top;padding:6px'>"
            f"<div><code>{ctx.profile}</code> &middot; {ctx.kind}</div>"
            f"<h4>{html.escape(ctx.label)}</h4><div>{path}</div>"
            f"<details><summary>siblings</summary><ul>{siblings}</ul></details></div>"
        )
