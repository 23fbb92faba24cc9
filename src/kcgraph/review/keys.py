"""Keyboard-first review: the page-wide key handler both workbenches install.

Each workbench writes its keys once (:data:`kcgraph.review.session.KEYMAP`,
:data:`kcgraph.review.desk.DESK_KEYS`); the buttons, the key box and this script are made
from that one list. A key presses the last button on the page whose CSS class is
``PREFIX-NAME``, anywhere outside a text field.
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


def page_keys_script(keys: Iterable[NamedKey], prefix: str) -> str:
    """JavaScript installing the key handler once per page and prefix."""
    keymap = json.dumps({k.key: k.name for k in keys})
    return _KEYS_JS.replace("__KEYMAP__", keymap).replace("__PREFIX__", prefix)


_KEYS_JS = """
if (!window["__PREFIX__Keys"]) {
  window["__PREFIX__Keys"] = true;
  const map = __KEYMAP__;
  document.addEventListener("keydown", (event) => {
    const t = event.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const name = map[event.key.toLowerCase()];
    if (!name) return;
    const buttons = document.querySelectorAll(".__PREFIX__-" + name);
    if (!buttons.length) return;
    buttons[buttons.length - 1].click();
    event.preventDefault();
    event.stopPropagation();
  }, true);
}
"""
