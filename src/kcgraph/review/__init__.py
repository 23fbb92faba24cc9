"""Review, in three rooms that import one way: decisions and their checks
(:mod:`.decisions`), the session every front end works through (:mod:`.session`), and the
front ends (:mod:`.frontends`: the desk in a notebook, the spreadsheet; the command line is
``kcgraph review``)."""

from __future__ import annotations

from .decisions.decision import VERDICTS, Decision, Verdict
from .decisions.integrity import integrity_problems
from .decisions.status import ReviewStatus, format_status, review_status
from .decisions.store import ReviewStore

__all__ = [
    "VERDICTS",
    "Decision",
    "ReviewStatus",
    "ReviewStore",
    "Verdict",
    "format_status",
    "integrity_problems",
    "review_status",
]
