"""What a reviewer sees of one side of a pair: its label, profile, kind, the path above it,
its siblings and the places it occurs in the source."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...parse.model import Profile, Statement

if TYPE_CHECKING:
    from ...workspace import Workspace

__all__ = [
    "Contexts",
    "StatementContext",
    "concept_context",
    "context_html",
    "context_row_html",
    "statement_context",
]


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


def concept_context(curie: str, name: str | None = None) -> StatementContext:
    """An ESCO or ISCO concept: its CURIE and label only."""
    return StatementContext(curie, name or curie, curie.split(":")[0], "", (), ())


def statement_context(curie: str, profile: Profile, statement: Statement) -> StatementContext:
    """A profile statement in its place: the path of parents, siblings, source lines."""
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


class Contexts:
    """The context of any CURIE a review shows: a profile statement in its place, or an
    ESCO/ISCO concept by its label."""

    def __init__(self, workspace: Workspace) -> None:
        ws = workspace
        self._statements = {
            ws.converter.compress(str(ws.minter.concept(p.source.id, s)), strict=True): (p, s)
            for p in ws.profiles
            for s in p.statements.values()
        }

    def __contains__(self, curie: str) -> bool:
        return curie in self._statements

    def of(self, curie: str, name: str | None = None) -> StatementContext:
        if curie not in self._statements:
            return concept_context(curie, name)
        profile, statement = self._statements[curie]
        return statement_context(curie, profile, statement)


def context_html(ctx: StatementContext) -> str:
    """One side of the workbench, as HTML (every text escaped)."""
    path = " &rsaquo; ".join(html.escape(p) for p in ctx.path) or "<i>top level</i>"
    siblings = "".join(f"<li>{html.escape(s)}</li>" for s in ctx.siblings[:8])
    places = " &middot; ".join(html.escape(p) for p in ctx.places)  # one line
    return (
        "<div class='kcg-side' style='padding:6px 12px;box-sizing:border-box;"
        "white-space:normal;word-break:normal;overflow-wrap:anywhere'>"
        f"<div><code>{html.escape(ctx.profile)}</code> &middot; {html.escape(ctx.kind)}</div>"
        f"<div class='kcg-label' style='font-size:1.15em;font-weight:600;margin:2px 0'>"
        f"{html.escape(ctx.label)}</div><div>{path}</div>"
        f"<div style='color:#666;font-size:0.9em'>{places}</div>"
        f"<details><summary>siblings ({len(ctx.siblings)})</summary><ul>{siblings}</ul>"
        "</details></div>"
    )


def context_row_html(ctx: StatementContext) -> str:
    """One candidate in one line (label, profile, kind, the statement above it), its places
    and siblings on demand: a screen of ten fits a screen."""
    above = html.escape(ctx.path[-1]) if ctx.path else ""
    places = "<br>".join(html.escape(p) for p in ctx.places)
    siblings = "".join(f"<li>{html.escape(s)}</li>" for s in ctx.siblings[:8])
    more = (
        f"<details style='display:inline'><summary style='display:inline;color:#666'>more"
        f"</summary><div style='color:#666;font-size:0.9em'>"
        f"{' &rsaquo; '.join(html.escape(p) for p in ctx.path)}<br>{places}"
        f"<ul>{siblings}</ul></div></details>"
        if ctx.path or ctx.places or ctx.siblings
        else ""
    )
    kind = f" &middot; {html.escape(ctx.kind)}" if ctx.kind else ""
    under = f" &middot; <span style='color:#666'>under: {above}</span>" if above else ""
    return (
        f"<span class='kcg-label' style='font-weight:600'>{html.escape(ctx.label)}</span>"
        f" &middot; <code>{html.escape(ctx.profile)}</code>{kind}{under} {more}"
    )
