"""The analyst's review workbench: open proposals with their context, decided by keyboard.

The notebook ``notebooks/review.ipynb`` shows :meth:`Workbench.widget`. Every key and button
calls :meth:`Workbench.decide`, :meth:`skip`, :meth:`undo` or :meth:`revisit_skipped`, which
record through :class:`~kcgraph.review.ReviewStore`: the same records, in the same files,
with the same guarantees as ``kcgraph review``. The workbench keeps only its filters, its
session log (for undo and the pace) and its position in the queue.

Keys: ``1``-``5`` accept as exact/close/broad/narrow/related match, ``r`` reject, ``u``
unsure, ``s`` skip, ``z`` undo the last decision, ``b`` bring back the skipped proposals.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sssom_pydantic import SemanticMapping

from .errors import KcgraphError
from .mappings import pair_key, read_mappings
from .model import Profile, Statement
from .review import PREDICATES, Decision, ReviewStore
from .reviewers import check_reviewer
from .settings import TARGETS, Settings, Target
from .workspace import Workspace

__all__ = [
    "KEYS",
    "StatementContext",
    "Workbench",
    "find_proposal",
    "lookup_proposal",
    "read_proposals",
]

#: Key -> (verdict, predicate) of the workbench.
KEYS: dict[str, tuple[str, str | None]] = {
    **{str(n): ("accept", p) for n, p in enumerate(PREDICATES, start=1)},
    "r": ("reject", None),
    "u": ("unsure", None),
}


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
    places: tuple[str, ...] = ()  # "section > path, lines a-b"


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
    """Filters and walks the open proposals; decisions go straight to the store."""

    def __init__(
        self,
        *,
        reviewer: str | None = None,
        settings: Settings | None = None,
        target: Target = "profiles",
        proposals: str | Path | None = None,
    ) -> None:
        self.workspace = Workspace(settings)
        self.reviewer: str | None = None
        if reviewer or self.workspace.settings.reviewer:
            self.set_reviewer(reviewer or self.workspace.settings.reviewer or "")
        self.target = target
        self.proposals_path = Path(proposals or self.workspace.settings.proposals_path(target))
        self.store = self.workspace.store()
        self.pair: tuple[str, str] | None = None
        self.kind: str | None = None
        self.score_range = (0.0, 1.0)
        self.confidence_range = (0.0, 1.0)
        self._skipped: set[frozenset[str]] = set()
        self.session = Session()
        self.buttons: dict = {}
        self.message = ""

    def set_reviewer(self, reviewer: str) -> str:
        """Who decides: an ORCID (checksum checked) or a declared CURIE; never a placeholder."""
        reviewer = reviewer.strip()
        if reviewer and not reviewer.startswith(("orcid:", "kcgreviewer:")):
            reviewer = f"orcid:{reviewer.removeprefix('https://orcid.org/')}"
        self.reviewer = check_reviewer(reviewer, self.workspace.converter)
        return self.reviewer

    @cached_property
    def _statements(self) -> dict[str, tuple[Profile, Statement]]:
        ws = self.workspace
        return {
            ws.converter.compress(str(ws.minter.concept(p.source.id, s)), strict=True): (p, s)
            for p in ws.profiles
            for s in p.statements.values()
        }

    # --- the queue ------------------------------------------------------------------------

    def use_target(self, target: Target) -> None:
        """Review the proposals to ESCO or ISCO, or between profiles."""
        self.target = target
        self.proposals_path = self.workspace.settings.proposals_path(target)

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
        c_low, c_high = self.confidence_range
        categories = {c.curie for c in (m.subject_category, m.object_category) if c is not None}
        confidence = m.confidence if m.confidence is not None else 0.5
        return (
            (self.pair is None or self._pair_of(m) == tuple(self.pair))
            and (self.kind is None or self.kind in categories)
            and low <= (m.similarity_score or 0.0) <= high
            and (m.confidence is None or c_low <= confidence <= c_high)
        )

    def queue(self) -> list[SemanticMapping]:
        """Open proposals passing the filters: the most uncertain first when a model gave
        confidences (its decision teaches the model most), else the best score first."""
        decided = {d.pair for d in self.store.decisions()}
        rows = [
            m
            for m in self.proposals()
            if pair_key(m) not in decided and pair_key(m) not in self._skipped and self._passes(m)
        ]
        return sorted(
            rows,
            key=lambda m: (
                abs((m.confidence if m.confidence is not None else 0.5) - 0.5),
                -(m.similarity_score or 0.0),
                m.subject.curie,
                m.object.curie,
            ),
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

    def expected_precision(self) -> float | None:
        """Mean confidence of the open proposals passing the filters (None: no model)."""
        values = [m.confidence for m in self.queue() if m.confidence is not None]
        return sum(values) / len(values) if values else None

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

    # --- context --------------------------------------------------------------------------

    def context(self, curie: str, name: str | None = None) -> StatementContext:
        if curie not in self._statements:  # an ESCO or ISCO concept
            return StatementContext(curie, name or curie, curie.split(":")[0], "", (), ())
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
        places = tuple(
            f"{' > '.join(o.section) or 'top'}, line {o.line_start}"
            + (f"-{o.line_end}" if o.line_end != o.line_start else "")
            for o in statement.occurrences[:3]
        )
        return StatementContext(
            curie,
            statement.label,
            profile.source.id,
            statement.kind.value,
            tuple(path),
            siblings,
            places,
        )

    # --- the widget -----------------------------------------------------------------------

    def widget(self):
        """An ipywidgets workbench: who reviews, filters, both statements side by side,
        decision buttons and keys, progress."""
        import ipywidgets as w
        from IPython.display import Javascript, display

        layout = w.Layout
        reviewer = w.Text(
            value=self.reviewer or "",
            placeholder="your ORCID, e.g. 0000-0002-1825-0097",
            description="reviewer",
            layout=layout(width="420px"),
        )
        target = w.Dropdown(
            options=[("between profiles", "profiles"), ("to ESCO", "esco"), ("to ISCO-08", "isco")],
            value=self.target,
            description="proposals",
        )
        pairs = w.Dropdown(description="profiles")
        kinds = w.Dropdown(description="kind")
        scores = w.FloatRangeSlider(
            value=self.score_range, min=0, max=1, step=0.01, description="score"
        )
        confidence = w.FloatRangeSlider(
            value=self.confidence_range, min=0, max=1, step=0.01, description="confidence"
        )
        left, right = w.HTML(layout=layout(flex="1 1 50%")), w.HTML(layout=layout(flex="1 1 50%"))
        header, status, note = w.HTML(), w.HTML(), w.HTML()
        comment = w.Text(
            placeholder="optional comment", description="comment", layout=layout(width="100%")
        )
        labels = {p: f"{n} {p.split(':')[1]}" for n, p in enumerate(PREDICATES, start=1)}
        self.buttons = {
            p.split(":")[1]: w.Button(description=labels[p], button_style="success")
            for p in PREDICATES
        }
        for name, text, style in (
            ("reject", "r reject", "danger"),
            ("unsure", "u unsure", "warning"),
            ("skip", "s skip", ""),
            ("undo", "z undo", "info"),
            ("revisit", "b revisit skipped", ""),
        ):
            self.buttons[name] = w.Button(description=text, button_style=style)
        keybox = w.Text(
            placeholder="keys: 1-5 accept, r reject, u unsure, s skip, z undo, b revisit",
            description="keys",
            layout=layout(width="100%"),
        )
        for name, button in self.buttons.items():
            button.add_class(f"kcg-{name}")
        keybox.add_class("kcg-keys")

        def refresh_options():
            pairs.options = [("all", None)] + [
                (f"{a} - {b}", (a, b)) for a, b in self.profile_pairs()
            ]
            kinds.options = [("all kinds", None)] + [(k, k) for k in self.kinds()]

        def render(*_):
            self.pair = tuple(pairs.value.split()) if pairs.value else None  # type: ignore[assignment]
            self.kind = kinds.value or None
            self.score_range, self.confidence_range = scores.value, confidence.value
            status.value = f"<div class='kcg-status'>{html.escape(self.status_line())}</div>"
            note.value = f"<div class='kcg-note'>{html.escape(self.message)}</div>"
            m = self.current()
            if m is None:
                header.value, left.value, right.value = "<i>nothing left to review</i>", "", ""
                return
            signals = " · ".join(f"{k} {v.value}" for k, v in (m.extensions or {}).items())
            confidence_text = (
                f"model confidence <b>{m.confidence:.2f}</b> · " if m.confidence is not None else ""
            )
            header.value = (
                f"<div class='kcg-header'>{confidence_text}fused score <b>{m.similarity_score}</b>"
                f" · {html.escape(signals)} · proposed as {m.predicate.curie}</div>"
            )
            left.value = self._html(self.context(m.subject.curie, m.subject.name))
            right.value = self._html(self.context(m.object.curie, m.object.name))

        def act(key: str):
            try:
                self.key(key, comment.value or None)
                self.message = ""
            except KcgraphError as exc:
                self.message = str(exc)
            comment.value = ""
            render()

        def on_reviewer(change):
            try:
                self.set_reviewer(change["new"])
                self.message = f"decisions are signed {self.reviewer}"
            except KcgraphError as exc:
                self.reviewer, self.message = None, str(exc)
            render()

        def on_target(change):
            self.use_target(change["new"])
            refresh_options()
            render()

        def on_keys(change):
            typed = change["new"]
            if typed:
                keybox.value = ""
                for key in typed[-1:]:
                    act(key.lower())

        for n, p in enumerate(PREDICATES, start=1):
            self.buttons[p.split(":")[1]].on_click(lambda _b, k=str(n): act(k))
        for name, key in (
            ("reject", "r"),
            ("unsure", "u"),
            ("skip", "s"),
            ("undo", "z"),
            ("revisit", "b"),
        ):
            self.buttons[name].on_click(lambda _b, k=key: act(k))
        reviewer.observe(on_reviewer, names="value")
        target.observe(on_target, names="value")
        keybox.observe(on_keys, names="value")
        for control in (pairs, kinds, scores, confidence):
            control.observe(render, names="value")
        refresh_options()
        render()
        box = w.VBox(
            [
                w.HBox([reviewer, target]),
                w.HBox([pairs, kinds, scores, confidence], layout=layout(flex_flow="row wrap")),
                status,
                header,
                w.HBox([left, right], layout=layout(width="100%", align_items="stretch")),
                comment,
                w.HBox(
                    [self.buttons[p.split(":")[1]] for p in PREDICATES],
                    layout=layout(flex_flow="row wrap"),
                ),
                w.HBox([self.buttons[n] for n in ("reject", "unsure", "skip", "undo", "revisit")]),
                keybox,
                note,
            ],
            layout=layout(width="100%"),
        )
        box.add_class("kcg-workbench")
        display(Javascript(_KEYS_JS))
        return box

    @staticmethod
    def _html(ctx: StatementContext) -> str:
        path = " &rsaquo; ".join(html.escape(p) for p in ctx.path) or "<i>top level</i>"
        siblings = "".join(f"<li>{html.escape(s)}</li>" for s in ctx.siblings[:8])
        places = "<br>".join(html.escape(p) for p in ctx.places)
        return (
            "<div class='kcg-side' style='padding:6px 12px;box-sizing:border-box;"
            "white-space:normal;word-break:normal;overflow-wrap:anywhere'>"
            f"<div><code>{html.escape(ctx.profile)}</code> &middot; {html.escape(ctx.kind)}</div>"
            f"<div class='kcg-label' style='font-size:1.15em;font-weight:600;margin:6px 0'>"
            f"{html.escape(ctx.label)}</div><div>{path}</div>"
            f"<div style='color:#666;font-size:0.9em'>{places}</div>"
            f"<details><summary>siblings ({len(ctx.siblings)})</summary><ul>{siblings}</ul>"
            "</details></div>"
        )


#: Keys anywhere on the page (outside text fields) press the workbench's buttons.
_KEYS_JS = """
if (!window.kcgKeys) {
  window.kcgKeys = true;
  const map = {"1": "exactMatch", "2": "closeMatch", "3": "broadMatch", "4": "narrowMatch",
               "5": "relatedMatch", "r": "reject", "u": "unsure", "s": "skip", "z": "undo",
               "b": "revisit"};
  document.addEventListener("keydown", (event) => {
    const t = event.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const name = map[event.key.toLowerCase()];
    if (!name) return;
    const buttons = document.querySelectorAll(".kcg-" + name);
    if (!buttons.length) return;
    buttons[buttons.length - 1].click();
    event.preventDefault();
    event.stopPropagation();
  }, true);
}
"""
