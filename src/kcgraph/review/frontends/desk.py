"""Review by statement in the workbench: the state of one analyst's screen session (filters,
the candidates chosen, search results) over a :class:`~kcgraph.review.session.loop.ReviewLoop`.

Keys (:data:`DESK_KEYS`): ``1``-``9`` and ``0`` (the tenth) choose or unchoose a candidate,
``a`` accepts the chosen ones (the others shown are rejected), ``n`` answers "none of
these", ``s`` skips the screen, ``z`` undoes the last answer. The widget is
:mod:`kcgraph.review.frontends.widget`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import KcgraphError
from ...layout import Target
from ...match.lexical import normalise
from ...terms import (
    BROAD_MATCH,
    CLOSE_MATCH,
    EQUIVALENCE_PREDICATES,
    EXACT_MATCH,
    MAPPING_PREDICATES,
    NARROW_MATCH,
)
from ..decisions.reviewers import typed_reviewer
from ..session.context import Contexts
from ..session.loop import ReviewLoop
from ..session.screens import Screen, Shown, pick_screen
from ..session.search import Found, LabelSearch

if TYPE_CHECKING:
    from ...workspace import Workspace

__all__ = ["DESK_KEYS", "DeskKey", "ScreenDesk"]


@dataclass(frozen=True)
class DeskKey:
    key: str
    name: str  # the button's CSS class kcs-NAME
    label: str


#: A key per typed predicate: it sets the relation of the chosen candidates (each chosen one
#: starts with the relation proposed for it).
PREDICATE_KEYS = {
    "e": ("exact", EXACT_MATCH),
    "c": ("close", CLOSE_MATCH),
    "b": ("broad", BROAD_MATCH),
    "w": ("narrow", NARROW_MATCH),
}

#: Every key of the statement workbench (buttons, key box and page-wide handler).
DESK_KEYS: tuple[DeskKey, ...] = (
    *(DeskKey(str(n), f"pick-{n}", str(n)) for n in range(1, 10)),
    DeskKey("0", "pick-10", "0"),  # the 10th: an ESCO screen shows ten skills
    *(DeskKey(key, f"as-{name}", f"{key} {name}") for key, (name, _) in PREDICATE_KEYS.items()),
    DeskKey("a", "accept", "a accept chosen"),
    DeskKey("n", "none", "n none of these"),
    DeskKey("s", "skip", "s skip"),
    DeskKey("z", "undo", "z undo"),
)


def proposed_relation(shown: Shown, statement: str, default: str) -> str:
    """The relation a candidate is chosen with: exactMatch for the statement's own text,
    else the one proposed for it (the model's typed guess), else ``default``."""
    if shown.name and normalise(shown.name) == normalise(statement):
        return EXACT_MATCH
    proposed = shown.mapping.predicate.curie
    return proposed if proposed in MAPPING_PREDICATES else default


def clash_warning(screen: Screen, chosen: dict[int, str]) -> str | None:
    """What accepting ``chosen`` would make clash: two candidates of one scheme both
    equivalent to the statement become equivalent to each other."""
    same = [i for i, predicate in chosen.items() if predicate in EQUIVALENCE_PREDICATES]
    if len(same) < 2:
        return None
    numbers = ", ".join(str(i + 1) for i in sorted(same))
    return (
        f"candidates {numbers} of {screen.scheme} would both be equivalent to the statement, "
        "so to each other: a clash review status lists. Type one broad or narrow (b, w), or "
        "accept again (a) to record it as it is"
    )


def progress_line(loop: ReviewLoop, seconds: float) -> str:
    """The session and the whole queue: answered, links found, links the model still
    expects (the sum of its probabilities over the open screens), and the rate."""
    turns = loop.turns
    found = sum(1 for t in turns for m in t.recorded if not m.negated)
    screens = loop.screens()
    expected = sum(c.probability for s in screens for c in s.candidates)
    rate = len(turns) / (seconds / 60) if seconds > 0 else 0.0
    return (
        f"{len(turns)} screens answered this session ({rate:.1f} per minute), {found} links "
        f"found; queue: {len(screens)} screens open, {expected:.0f} links the model still "
        "expects"
    )


class ScreenDesk:
    """One analyst's screens: filtered, chosen from, answered, searched, undone."""

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
        self.target = target
        self._proposals = proposals
        self.loop = ReviewLoop(workspace, target=target, proposals=proposals)
        if reviewer or workspace.settings.reviewer:
            self.set_reviewer(reviewer or workspace.settings.reviewer or "")
        self.scheme: str | None = None  # only screens towards this scheme
        self.kind: str | None = None  # only statements of this kind
        self.chosen: dict[int, str] = {}  # candidate index -> the predicate it is accepted as
        self._warned: dict[int, str] = {}  # the choice a clash was warned of (accept again)
        self.started = time.monotonic()
        self.predicate = CLOSE_MATCH  # what the last key or the menu set (and search links)
        self.found: list[Found] = []
        self.message = ""
        self.contexts = Contexts(workspace)
        self.buttons: dict[str, Any] = {}
        self._screen: Screen | None = None

    def set_reviewer(self, reviewer: str) -> str:
        self.reviewer = typed_reviewer(reviewer, self.workspace.converter)
        self.loop.reviewer = self.reviewer
        return self.reviewer

    def use_target(self, target: Target) -> None:
        self.target = target
        self.loop = ReviewLoop(self.workspace, target=target, reviewer=self.reviewer)
        self.scheme = self.kind = None
        self._forget()

    # --- the screen now -------------------------------------------------------------------

    def schemes(self) -> list[str]:
        return sorted({s.scheme for s in self.loop.screens()})

    def kinds(self) -> list[str]:
        return sorted({self.contexts.of(s.statement).kind for s in self.loop.screens()})

    def _passes(self, screen: Screen) -> bool:
        return (self.scheme is None or screen.scheme == self.scheme) and (
            self.kind is None or self.contexts.of(screen.statement).kind == self.kind
        )

    def current(self) -> Screen | None:
        """The screen offered now (kept until it is answered, skipped or a filter changes)."""
        if self._screen is None:
            screens = [s for s in self.loop.screens() if self._passes(s)]
            self._screen = pick_screen(
                screens,
                len(self.loop.turns),
                exploration=self.loop.exploration,
                skipped=self.loop.skipped,
            )
        return self._screen

    def _forget(self) -> None:
        self._screen, self.chosen, self.found, self._warned = None, {}, [], {}

    def refilter(self, scheme: str | None, kind: str | None) -> None:
        if (scheme, kind) != (self.scheme, self.kind):
            self.scheme, self.kind = scheme, kind
            self._forget()

    def status_line(self) -> str:
        screen = self.current()
        line = progress_line(self.loop, time.monotonic() - self.started)
        line += f"; model learnt from {self.loop.model.learnt_from} examples"
        if screen is not None:
            line += f"; this screen's expected yield {screen.expected_yield:.2f}"
        return line

    # --- answers --------------------------------------------------------------------------

    def key(self, key: str) -> None:
        """One key press (:data:`DESK_KEYS`)."""
        if key.isdigit():
            self.toggle(int(key) or 10)
        elif key in PREDICATE_KEYS:
            self.set_predicate(PREDICATE_KEYS[key][1])
        elif key == "a":
            self.accept()
        elif key == "n":
            self.none()
        elif key == "s":
            self.skip()
        elif key == "z":
            self.undo()

    def toggle(self, number: int) -> None:
        """Choose candidate ``number`` (1-based) of the screen with the relation proposed for
        it, or unchoose it."""
        screen = self.current()
        if screen is None or not 1 <= number <= len(screen.candidates):
            return
        if number - 1 in self.chosen:
            del self.chosen[number - 1]
        else:
            statement = self.contexts.of(screen.statement).label
            shown = screen.candidates[number - 1]
            self.chosen[number - 1] = proposed_relation(shown, statement, self.predicate)

    def set_predicate(self, predicate: str) -> None:
        """The relation of the chosen candidates (and of a link found by search)."""
        self.predicate = predicate
        self.chosen = dict.fromkeys(self.chosen, predicate)

    def _answer(self, chosen: dict[int, str]) -> None:
        screen = self.current()
        if screen is None:
            return
        if self.reviewer is None:
            raise KcgraphError("enter your ORCID first: decisions are never recorded unsigned")
        accepted = {screen.candidates[i].other: chosen[i] for i in sorted(chosen)}
        self.loop.answer(screen, accepted)
        self._forget()

    def accept(self) -> None:
        """Accept the chosen candidates with their relations; reject the others shown. An
        answer that would make two candidates equivalent to each other is warned of first
        (accept again to record it)."""
        if not self.chosen:
            raise KcgraphError("choose a candidate first (1-9, 0), or answer none of these (n)")
        screen = self.current()
        warning = clash_warning(screen, self.chosen) if screen is not None else None
        if warning and self._warned != self.chosen:
            self._warned = dict(self.chosen)
            raise KcgraphError(warning)
        self._answer(self.chosen)

    def none(self) -> None:
        """None of these: every candidate shown is rejected."""
        self._answer({})

    def skip(self) -> None:
        screen = self.current()
        if screen is not None:
            self.loop.skip(screen)
        self._forget()

    def undo(self) -> None:
        self.loop.undo()
        self._forget()

    # --- search ---------------------------------------------------------------------------

    def search(self, text: str, *, meaning: bool = False) -> list[Found]:
        """Statements and concepts of the screen's scheme by words (or by meaning)."""
        screen = self.current()
        scheme = screen.scheme if screen is not None else self.scheme
        search = self._index
        self.found = (search.meaning if meaning else search.words)(text, scheme=scheme)
        if not self.found:
            where = f" in {scheme}" if scheme else ""
            self.message = f"nothing found for {text.strip()!r}{where}"
        return self.found

    @cached_property
    def _index(self) -> LabelSearch:
        """The label index (built on the first search: it reads every label once)."""
        return LabelSearch(self.workspace)

    def link(self, index: int) -> None:
        """Accept search result ``index`` for the screen's statement, with the predicate."""
        screen = self.current()
        if screen is None or not 0 <= index < len(self.found):
            return
        if self.reviewer is None:
            raise KcgraphError("enter your ORCID first: decisions are never recorded unsigned")
        self.loop.link(screen.statement, self.found[index].curie, self.predicate)
        self._forget()

    def widget(self) -> Any:
        from .widget import desk

        return desk(self)
