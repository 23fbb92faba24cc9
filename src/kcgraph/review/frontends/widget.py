"""The statement workbench as an ipywidgets UI: who reviews, the queue and its filters, one
statement with its numbered candidates, the keys and their buttons, and search.

Every control calls the :class:`~kcgraph.review.frontends.desk.ScreenDesk`; buttons, key box and the
page-wide key handler are all made from :data:`~kcgraph.review.frontends.desk.DESK_KEYS`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from ...errors import KcgraphError
from ...layout import TARGETS
from ...terms import MAPPING_PREDICATES
from ..session.context import context_html, context_row_html
from .desk import DESK_KEYS, ScreenDesk
from .keys import page_keys_script

__all__ = ["desk", "desk_keys_script"]

_TARGET_LABELS = {"profiles": "between profiles", "esco": "to ESCO", "isco": "to ISCO-08"}


@dataclass
class _Controls:
    reviewer: Any
    target: Any
    scheme: Any
    kind: Any
    predicate: Any
    status: Any
    statement: Any
    candidates: Any
    note: Any
    keybox: Any
    query: Any
    meaning: Any
    search: Any
    results: Any
    link: Any
    buttons: dict[str, Any]


def desk(bench: ScreenDesk) -> Any:
    """The statement workbench's widget box; shows the page-wide key handler."""
    import ipywidgets as w
    from IPython.display import Javascript, display

    c = _controls(bench)
    _connect(bench, c)
    _refresh_options(bench, c)
    _render(bench, c)
    bench.buttons = {**c.buttons, "search": c.search, "link": c.link}
    picks = [c.buttons[k.name] for k in DESK_KEYS if k.name.startswith("pick-")]
    commands = [c.buttons[k.name] for k in DESK_KEYS if not k.name.startswith("pick-")]
    box = w.VBox(
        [
            w.HBox([c.reviewer, c.target]),
            w.HBox([c.scheme, c.kind, c.predicate], layout=w.Layout(flex_flow="row wrap")),
            c.status,
            c.statement,
            c.candidates,
            w.HBox(picks, layout=w.Layout(flex_flow="row wrap")),
            w.HBox(commands),
            c.keybox,
            w.HBox([c.query, c.meaning, c.search]),
            w.HBox([c.results, c.link]),
            c.note,
        ],
        layout=w.Layout(width="100%"),
    )
    box.add_class("kcs-desk")
    display(Javascript(desk_keys_script()))
    return box


def _classed(widget: Any, name: str) -> Any:
    """The widget with the CSS class ``kcs-NAME`` (what the keys and the tests find)."""
    widget.add_class(f"kcs-{name}")
    return widget


def _buttons() -> dict[str, Any]:
    """A button per key of :data:`~kcgraph.review.frontends.desk.DESK_KEYS`, by name."""
    import ipywidgets as w

    return {
        key.name: _classed(
            w.Button(
                description=key.label,
                button_style={"accept": "success", "none": "danger", "undo": "info"}.get(
                    key.name, ""
                ),
                layout=w.Layout(width="48px") if key.name.startswith("pick-") else w.Layout(),
            ),
            key.name,
        )
        for key in DESK_KEYS
    }


def _controls(bench: ScreenDesk) -> _Controls:
    import ipywidgets as w

    return _Controls(
        reviewer=w.Text(
            value=bench.reviewer or "",
            placeholder="your ORCID, e.g. 0000-0002-1825-0097",
            description="reviewer",
            layout=w.Layout(width="420px"),
        ),
        target=_classed(
            w.Dropdown(
                options=[(_TARGET_LABELS[t], t) for t in TARGETS],
                value=bench.target,
                description="proposals",
            ),
            "target",
        ),
        scheme=w.Dropdown(description="towards"),
        kind=w.Dropdown(description="kind"),
        predicate=_classed(
            w.Dropdown(
                options=list(MAPPING_PREDICATES), value=bench.predicate, description="accept as"
            ),
            "predicate",
        ),
        status=w.HTML(),
        statement=w.HTML(),
        candidates=w.HTML(),
        note=w.HTML(),
        keybox=_classed(
            w.Text(
                placeholder=(
                    "keys: 1-9, 0 (10th) choose; e exact, c close, b broad, w narrow; "
                    "a accept chosen, n none, s skip, z undo"
                ),
                description="keys",
                layout=w.Layout(width="100%"),
            ),
            "keys",
        ),
        query=_classed(w.Text(placeholder="search words", description="search"), "query"),
        meaning=_classed(w.Checkbox(value=False, description="by meaning"), "meaning"),
        search=_classed(w.Button(description="search"), "search"),
        results=_classed(w.Select(options=[], rows=5, layout=w.Layout(width="70%")), "results"),
        link=_classed(w.Button(description="link chosen result"), "link"),
        buttons=_buttons(),
    )


def _refresh_options(bench: ScreenDesk, c: _Controls) -> None:
    c.scheme.options = [("all", None)] + [(s, s) for s in bench.schemes()]
    c.kind.options = [("all kinds", None)] + [(k, k) for k in bench.kinds()]
    for control in (c.scheme, c.kind):
        control.add_class(f"kcs-{control.description.split()[0]}")


def _key_of(number: int) -> str:
    """The key that chooses candidate ``number`` (1-based): its digit, 0 for the tenth."""
    return "0" if number == 10 else str(number)


def _candidates_html(bench: ScreenDesk) -> str:
    screen = bench.current()
    if screen is None:
        return ""
    rows = []
    for n, cand in enumerate(screen.candidates, start=1):
        chosen = "kcs-chosen" if n - 1 in bench.chosen else ""
        mark = "&#9745;" if chosen else "&#9744;"
        relation = bench.chosen.get(n - 1, cand.mapping.predicate.curie)
        chain = (
            f"<div style='color:#666'>{html.escape(cand.mapping.comment or '')}</div>"
            if cand.inferred
            else ""
        )
        rows.append(
            f"<li class='kcs-candidate {chosen}' data-kcs-key='{_key_of(n)}'"
            f" style='cursor:pointer;padding:3px 6px;border-bottom:1px solid #eee;"
            f"background:{'#e8f1ff' if chosen else 'transparent'}'>"
            f"{mark} <b>{_key_of(n)}</b>"
            f" · <span class='kcs-relation'>{html.escape(relation)}</span>"
            f" · p={cand.probability:.2f}"
            f"{' · inferred' if cand.inferred else ''}"
            f" &middot; {context_row_html(bench.contexts.of(cand.other, cand.name))}{chain}</li>"
        )
    return f"<ol style='list-style:none;padding-left:0'>{''.join(rows)}</ol>"


def _render(bench: ScreenDesk, c: _Controls) -> None:
    c.status.value = f"<div class='kcs-status'>{html.escape(bench.status_line())}</div>"
    c.note.value = f"<div class='kcs-note'>{html.escape(bench.message)}</div>"
    screen = bench.current()
    if screen is None:
        c.statement.value, c.candidates.value = "<i>no screen left to review</i>", ""
        return
    c.statement.value = (
        f"<div class='kcs-statement'>towards <code>{html.escape(screen.scheme)}</code>"
        f"{context_html(bench.contexts.of(screen.statement))}</div>"
    )
    c.candidates.value = _candidates_html(bench)
    c.predicate.value = bench.predicate
    c.results.options = [(f"{f.label} ({f.curie})", i) for i, f in enumerate(bench.found)]


def _connect(bench: ScreenDesk, c: _Controls) -> None:
    def run(action: Any) -> None:
        bench.message = ""  # an action may leave one of its own (e.g. nothing found)
        try:
            action()
        except KcgraphError as exc:
            bench.message = str(exc)
        _render(bench, c)

    def search(_button: Any) -> None:
        c.note.value = _SEARCHING[bool(c.meaning.value)]  # shown while it works
        run(lambda: bench.search(c.query.value, meaning=c.meaning.value))

    def on_reviewer(change: dict[str, Any]) -> None:
        try:
            bench.set_reviewer(change["new"])
            bench.message = f"decisions are signed {bench.reviewer}"
        except KcgraphError as exc:
            bench.reviewer, bench.message = None, str(exc)
        _render(bench, c)

    def on_target(change: dict[str, Any]) -> None:
        bench.use_target(change["new"])
        _refresh_options(bench, c)
        _render(bench, c)

    def on_filter(_change: dict[str, Any]) -> None:
        bench.refilter(c.scheme.value, c.kind.value)
        _render(bench, c)

    def on_predicate(change: dict[str, Any]) -> None:
        if change["new"] != bench.predicate:
            run(lambda: bench.set_predicate(change["new"]))

    def on_keys(change: dict[str, Any]) -> None:
        typed = change["new"]
        if typed:
            c.keybox.value = ""
            run(lambda: bench.key(typed[-1:].lower()))

    for key in DESK_KEYS:
        c.buttons[key.name].on_click(lambda _b, k=key.key: run(lambda: bench.key(k)))
    c.search.on_click(search)
    c.link.on_click(lambda _b: run(lambda: bench.link(_or(c.results.value, -1))))
    c.reviewer.observe(on_reviewer, names="value")
    c.target.observe(on_target, names="value")
    c.predicate.observe(on_predicate, names="value")
    c.keybox.observe(on_keys, names="value")
    for control in (c.scheme, c.kind):
        control.observe(on_filter, names="value")


def _or(value: Any, default: int) -> int:
    return default if value is None else int(value)


#: What the note says while a search runs (by words; by meaning, whose first run is slow).
_SEARCHING = {
    False: "<div class='kcs-note'>searching…</div>",
    True: "<div class='kcs-note'>searching by meaning (the first search reads every label's "
    "vector)…</div>",
}


def desk_keys_script() -> str:
    """JavaScript: the desk's keys work anywhere on the page outside text fields."""
    return page_keys_script(DESK_KEYS, "kcs", "kcs-desk")
