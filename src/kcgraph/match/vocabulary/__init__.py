"""Statements to an external vocabulary (ESCO skills and occupations, ISCO-08 groups):
every statement against every concept (:mod:`.matcher`), ESCO's structure
(:mod:`.structure`) and a ranker that learns from ESCO decisions (:mod:`.ranker`)."""

from __future__ import annotations

from .matcher import TargetMatcher, TargetSet, predict_target_candidates, target_set
from .ranker import TargetRanker
from .structure import TargetStructure, target_structure

__all__ = [
    "TargetMatcher",
    "TargetRanker",
    "TargetSet",
    "TargetStructure",
    "predict_target_candidates",
    "target_set",
    "target_structure",
]
