"""How good the proposals are: one set of ranking metrics (:mod:`.metrics`) for the crosswalk
against a gold file (:mod:`.crosswalk`) and for ESCO against a labelled sample
(:mod:`.vocabulary`), out of fold wherever a ranker learns."""

from __future__ import annotations

from .crosswalk import evaluate_folds, evaluate_queue, evaluate_ranking, queue_quality
from .metrics import assign_folds, rank_metrics
from .vocabulary import evaluate_esco_sample, evaluate_target_folds

__all__ = [
    "assign_folds",
    "evaluate_esco_sample",
    "evaluate_folds",
    "evaluate_queue",
    "evaluate_ranking",
    "evaluate_target_folds",
    "queue_quality",
    "rank_metrics",
]
