"""The analyst's review workbench: open proposals with their context, and decision buttons.

The notebook ``notebooks/review.ipynb`` shows :meth:`Workbench.widget`; every button calls
:meth:`Workbench.decide` (or :meth:`Workbench.skip`), which records the decision through
:class:`~kcgraph.review.ReviewStore`. Decisions live only in ``data/mappings/``; the
workbench keeps no more than its filters and its position in the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .build import parse_profiles
from .model import Profile, Statement
from .namespaces import Minter, curie_map
from .review import PREDICATES, ReviewStore
from .sssom_tsv import read_sssom

__all__ = [
    "StatementContext",
    "Workbench",
    "find_proposal",
    "known_statement_ids",
    "read_proposals",
]


def read_proposals(path: str | Path) -> list[dict]:
    """The rows of a proposals file; none when it does not exist yet."""
    path = Path(path)
    return read_sssom(path)[1] if path.is_file() else []


def find_proposal(store: ReviewStore, path: str | Path, a: str, b: str) -> dict | None:
    """The proposal row for the pair ``a``-``b`` (either orientation), if there is one."""
    pair = {store.curie(a), store.curie(b)}
    return next(
        (row for row in read_proposals(path) if {row["subject_id"], row["object_id"]} == pair), None
    )


def _statements(
    profiles: list[Profile], minter: Minter, store: ReviewStore
) -> dict[str, tuple[Profile, Statement]]:
    return {
        store.curie(str(minter.concept(p.source.id, s))): (p, s)
        for p in profiles
        for s in p.statements.values()
    }


def known_statement_ids(store: ReviewStore, manifest: str | Path | None = None) -> set[str]:
    """CURIEs of every statement of the current sources."""
    return set(_statements(parse_profiles(manifest), Minter(), store))


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
        proposals: str | Path = "out/proposals.sssom.tsv",
        mappings_dir: str | Path | None = None,
        manifest: str | Path | None = None,
    ) -> None:
        self.reviewer = reviewer
        self.proposals_path = Path(proposals)
        self.profiles = parse_profiles(manifest)
        minter = Minter()
        self.store = ReviewStore(
            mappings_dir, prefixes=curie_map([p.source.id for p in self.profiles], minter)
        )
        self._statements = _statements(self.profiles, minter, self.store)
        self.pair: tuple[str, str] | None = None
        self.kind: str | None = None
        self.score_range = (0.0, 1.0)
        self._skipped: set[frozenset[str]] = set()
        self.buttons: dict = {}

    # --- the queue ------------------------------------------------------------------------

    def profile_pairs(self) -> list[tuple[str, str]]:
        return sorted({self._pair_of(r) for r in read_proposals(self.proposals_path)})

    def kinds(self) -> list[str]:
        rows = read_proposals(self.proposals_path)
        return sorted(
            {r.get("subject_category", "") for r in rows}
            | {r.get("object_category", "") for r in rows} - {""}
        )

    @staticmethod
    def _pair_of(row: dict) -> tuple[str, str]:
        return (row["subject_id"].split(":")[0], row["object_id"].split(":")[0])

    def queue(self) -> list[dict]:
        """Open proposals passing the filters, best score first."""
        decided = {d.pair for d in self.store.decisions()}
        low, high = self.score_range
        rows = [
            r
            for r in read_proposals(self.proposals_path)
            if frozenset((r["subject_id"], r["object_id"])) not in decided
            and frozenset((r["subject_id"], r["object_id"])) not in self._skipped
            and (self.pair is None or self._pair_of(r) == tuple(self.pair))
            and (
                self.kind is None
                or self.kind in (r.get("subject_category"), r.get("object_category"))
            )
            and low <= float(r.get("similarity_score") or 0) <= high
        ]
        return sorted(
            rows,
            key=lambda r: (-float(r.get("similarity_score") or 0), r["subject_id"], r["object_id"]),
        )

    def current(self) -> dict | None:
        queue = self.queue()
        return queue[0] if queue else None

    def progress(self) -> tuple[int, int]:
        """(decided, decided + open) among the proposals passing the filters."""
        rows = [
            r
            for r in read_proposals(self.proposals_path)
            if (self.pair is None or self._pair_of(r) == tuple(self.pair))
        ]
        decided = {d.pair for d in self.store.decisions()}
        done = sum(1 for r in rows if frozenset((r["subject_id"], r["object_id"])) in decided)
        return done, len(rows)

    # --- decisions ------------------------------------------------------------------------

    def decide(
        self, verdict: str, predicate: str | None = None, comment: str | None = None
    ) -> dict | None:
        """Decide on the current proposal (accept with ``predicate``, reject or unsure)."""
        row = self.current()
        if row is None:
            return None
        return self.store.decide(
            verdict,
            row["subject_id"],
            row["object_id"],
            reviewer=self.reviewer,
            predicate=predicate,
            comment=comment,
            proposal=row,
        )

    def skip(self) -> None:
        row = self.current()
        if row is not None:
            self._skipped.add(frozenset((row["subject_id"], row["object_id"])))

    # --- context --------------------------------------------------------------------------

    def context(self, curie: str) -> StatementContext:
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
            row = self.current()
            done, total = self.progress()
            status.value = f"<b>{done}</b> of {total} proposals decided ({len(self.queue())} open)"
            if row is None:
                header.value, left.value, right.value = "<i>nothing left to review</i>", "", ""
                return
            header.value = (
                f"score <b>{row.get('similarity_score')}</b> &nbsp; {row.get('other', '')}"
            )
            left.value, right.value = (
                self._html(self.context(row[c])) for c in ("subject_id", "object_id")
            )

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
