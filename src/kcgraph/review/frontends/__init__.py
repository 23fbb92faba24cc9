"""The front ends over the review session: the desk in a notebook (:mod:`.desk`, drawn by
:mod:`.widget`, keys by :mod:`.keys`), a spreadsheet round trip (:mod:`.sheets`), and the
notebooks saved without outputs (:mod:`.notebook_save`). The command line
(``kcgraph review``) is the third."""

from __future__ import annotations

__all__: list[str] = []
