"""Keyboard-first review: the page-wide key handler the desk installs.

The desk writes its keys once (:data:`kcgraph.review.frontends.desk.DESK_KEYS`); the
buttons, the key box and this script are made from that one list. A key presses the last
button whose CSS class is ``PREFIX-NAME`` inside the desk the user last clicked in or moved
the focus into (its box has the class ``CONTAINER``), while that desk is shown, outside a
text field. Keys pressed anywhere
else (another notebook, another cell, JupyterLab's own shortcuts) are left alone. A click on
an element with the attribute ``data-PREFIX-key`` (a candidate's row) presses that key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Protocol

__all__ = ["NamedKey", "page_keys_script"]


class NamedKey(Protocol):
    """A key and the name of the button it presses."""

    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...


def page_keys_script(keys: Iterable[NamedKey], prefix: str, container: str) -> str:
    """JavaScript installing the key handler once per page and prefix; ``container`` is the
    CSS class of the workbench's box."""
    keymap = json.dumps({k.key: k.name for k in keys})
    script = _KEYS_JS.replace("__KEYMAP__", keymap).replace("__CONTAINER__", container)
    return script.replace("__PREFIX__", prefix)


_KEYS_JS = """
if (!window["__PREFIX__Keys"]) {
  window["__PREFIX__Keys"] = true;
  const map = __KEYMAP__;
  let active = null;  // the workbench last clicked in or focused into; null: none
  const inside = (t) => (t && t.closest ? t.closest(".__CONTAINER__") : null);
  document.addEventListener("pointerdown", (event) => {
    active = inside(event.target);
  }, true);
  document.addEventListener("focusin", (event) => {
    // focus on what holds the workbench (the notebook after a click in it) keeps it
    const t = event.target;
    if (inside(t)) active = inside(t);
    else if (!(active && t && t.contains && t.contains(active))) active = null;
  }, true);
  document.addEventListener("keydown", (event) => {
    const t = event.target;
    if (!active || !active.isConnected || !active.getClientRects().length) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const name = map[event.key.toLowerCase()];
    if (!name) return;
    const buttons = active.querySelectorAll(".__PREFIX__-" + name);
    if (!buttons.length) return;
    buttons[buttons.length - 1].click();
    event.preventDefault();
    event.stopPropagation();
  }, true);
  // a click on a row that names a key (data-__PREFIX__-key) presses that key's button
  document.addEventListener("click", (event) => {
    const t = event.target;
    if (!t || !t.closest || t.closest("details")) return;  // "more" opens, never chooses
    const row = t.closest("[data-__PREFIX__-key]");
    const box = row ? inside(row) : null;
    const name = box ? map[row.getAttribute("data-__PREFIX__-key")] : null;
    const buttons = name ? box.querySelectorAll(".__PREFIX__-" + name) : [];
    if (buttons.length) buttons[buttons.length - 1].click();
  });
}
"""
