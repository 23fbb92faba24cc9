"""The analyst's review workbench as an ipywidgets UI: who reviews, filters, both statements
side by side, a button per key and the keys themselves, progress.

The UI holds no state of its own: every control reads or calls the
:class:`~kcgraph.review.session.Workbench` session, and the buttons, the key box and the
page-wide key handler are all made from :data:`~kcgraph.review.session.KEYMAP`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from ..errors import KcgraphError
from ..layout import TARGETS
from .context import context_html
from .keys import page_keys_script
from .session import KEYMAP, Workbench

__all__ = ["workbench"]

#: What the target dropdown calls each queue.
_TARGET_LABELS = {"profiles": "between profiles", "esco": "to ESCO", "isco": "to ISCO-08"}


@dataclass
class _Controls:
    """The widgets of one workbench."""

    reviewer: Any
    target: Any
    pairs: Any
    kinds: Any
    scores: Any
    confidence: Any
    left: Any
    right: Any
    header: Any
    status: Any
    note: Any
    comment: Any
    keybox: Any
    buttons: dict[str, Any]


def workbench(bench: Workbench) -> Any:
    """The workbench's widget box for ``bench``; shows the page-wide key handler."""
    import ipywidgets as w
    from IPython.display import Javascript, display

    controls = _controls(bench)
    _connect(bench, controls)
    _refresh_options(bench, controls)
    _render(bench, controls)
    bench.buttons = controls.buttons
    layout = w.Layout
    deciding = [controls.buttons[k.name] for k in KEYMAP if k.predicate]
    commands = [controls.buttons[k.name] for k in KEYMAP if not k.predicate]
    box = w.VBox(
        [
            w.HBox([controls.reviewer, controls.target]),
            w.HBox(
                [controls.pairs, controls.kinds, controls.scores, controls.confidence],
                layout=layout(flex_flow="row wrap"),
            ),
            controls.status,
            controls.header,
            w.HBox(
                [controls.left, controls.right], layout=layout(width="100%", align_items="stretch")
            ),
            controls.comment,
            w.HBox(deciding, layout=layout(flex_flow="row wrap")),
            w.HBox(commands),
            controls.keybox,
            controls.note,
        ],
        layout=layout(width="100%"),
    )
    box.add_class("kcg-workbench")
    display(Javascript(keys_script()))
    return box


def _controls(bench: Workbench) -> _Controls:
    import ipywidgets as w

    layout = w.Layout
    styles = {"accept": "success", "reject": "danger", "unsure": "warning"}
    buttons = {}
    for key in KEYMAP:
        style = styles.get(key.verdict or "", "info" if key.name == "undo" else "")
        buttons[key.name] = w.Button(description=key.label, button_style=style)
        buttons[key.name].add_class(f"kcg-{key.name}")
    keybox = w.Text(
        placeholder="keys: 1-5 accept, r reject, u unsure, s skip, z undo, b revisit",
        description="keys",
        layout=layout(width="100%"),
    )
    keybox.add_class("kcg-keys")
    return _Controls(
        reviewer=w.Text(
            value=bench.reviewer or "",
            placeholder="your ORCID, e.g. 0000-0002-1825-0097",
            description="reviewer",
            layout=layout(width="420px"),
        ),
        target=w.Dropdown(
            options=[(_TARGET_LABELS[t], t) for t in TARGETS],
            value=bench.target,
            description="proposals",
        ),
        pairs=w.Dropdown(description="profiles"),
        kinds=w.Dropdown(description="kind"),
        scores=w.FloatRangeSlider(
            value=bench.score_range, min=0, max=1, step=0.01, description="score"
        ),
        confidence=w.FloatRangeSlider(
            value=bench.confidence_range, min=0, max=1, step=0.01, description="confidence"
        ),
        left=w.HTML(layout=layout(flex="1 1 50%")),
        right=w.HTML(layout=layout(flex="1 1 50%")),
        header=w.HTML(),
        status=w.HTML(),
        note=w.HTML(),
        comment=w.Text(
            placeholder="optional comment", description="comment", layout=layout(width="100%")
        ),
        keybox=keybox,
        buttons=buttons,
    )


def _refresh_options(bench: Workbench, c: _Controls) -> None:
    """The filter choices of the queue now shown."""
    c.pairs.options = [("all", None)] + [(f"{a} - {b}", (a, b)) for a, b in bench.profile_pairs()]
    c.kinds.options = [("all kinds", None)] + [(k, k) for k in bench.kinds()]


def _render(bench: Workbench, c: _Controls) -> None:
    """Read the filters into the session and show its current proposal."""
    bench.pair = c.pairs.value or None  # a (profile, profile) tuple, or None: all
    bench.kind = c.kinds.value or None
    bench.score_range, bench.confidence_range = c.scores.value, c.confidence.value
    c.status.value = f"<div class='kcg-status'>{html.escape(bench.status_line())}</div>"
    c.note.value = f"<div class='kcg-note'>{html.escape(bench.message)}</div>"
    m = bench.current()
    if m is None:
        c.header.value, c.left.value, c.right.value = "<i>nothing left to review</i>", "", ""
        return
    signals = " · ".join(f"{k} {v.value}" for k, v in (m.extensions or {}).items())
    confidence = (
        f"model confidence <b>{m.confidence:.2f}</b> · " if m.confidence is not None else ""
    )
    c.header.value = (
        f"<div class='kcg-header'>{confidence}fused score <b>{m.similarity_score}</b>"
        f" · {html.escape(signals)} · proposed as {m.predicate.curie}</div>"
    )
    c.left.value = context_html(bench.context(m.subject.curie, m.subject.name))
    c.right.value = context_html(bench.context(m.object.curie, m.object.name))


def _connect(bench: Workbench, c: _Controls) -> None:
    """Every control calls the session, then shows the result."""

    def act(key: str) -> None:
        try:
            bench.key(key, c.comment.value or None)
            bench.message = ""
        except KcgraphError as exc:
            bench.message = str(exc)
        c.comment.value = ""
        _render(bench, c)

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

    def on_keys(change: dict[str, Any]) -> None:
        typed = change["new"]
        if typed:
            c.keybox.value = ""
            act(typed[-1:].lower())

    for key in KEYMAP:
        c.buttons[key.name].on_click(lambda _b, k=key.key: act(k))
    c.reviewer.observe(on_reviewer, names="value")
    c.target.observe(on_target, names="value")
    c.keybox.observe(on_keys, names="value")
    for control in (c.pairs, c.kinds, c.scores, c.confidence):
        control.observe(lambda _change: _render(bench, c), names="value")


def keys_script() -> str:
    """JavaScript that makes the keys work anywhere on the page (outside text fields): each
    presses its button of :data:`~kcgraph.review.session.KEYMAP`."""
    return page_keys_script(KEYMAP, "kcg", "kcg-workbench")
