"""The review session: the one interface every front end works through. A loop
(:mod:`.loop`) offers screens (:mod:`.screens`: a statement and its candidates, shown with
their context, :mod:`.context`), records each answer, learns and offers the next; search
finds what no screen shows (:mod:`.search`); a simulated analyst plays it from a gold file
(:mod:`.simulate`)."""

from __future__ import annotations

__all__: list[str] = []
