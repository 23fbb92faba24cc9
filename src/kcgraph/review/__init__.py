"""Review: decisions kept as SSSOM files (:mod:`.store`, :mod:`.decision`, :mod:`.reviewers`),
checked (:mod:`.integrity`) and reported (:mod:`.status`); queues walked in a session
(:mod:`.session`) shown by a notebook widget (:mod:`.widget`); a learner that retrains as
decisions come (:mod:`.learner`); expert judgements imported (:mod:`.gold`,
:mod:`.samples`, :mod:`.imports`)."""

from __future__ import annotations

from .decision import VERDICTS, Decision, Verdict
from .integrity import integrity_problems
from .status import ReviewStatus, format_status, review_status
from .store import ReviewStore

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
