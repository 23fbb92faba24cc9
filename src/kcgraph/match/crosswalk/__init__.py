"""Profile to profile: every matchable statement against every statement of the other
profiles, by fused cosines (:mod:`.scoring`), re-ranked by a model learnt from review
decisions (:mod:`.features`, :mod:`.ranker`), proposed as the top-K (:mod:`.predict`)."""

from __future__ import annotations

from .predict import predict_candidates, predict_mappings
from .ranker import Ranker
from .scoring import Scorer

__all__ = ["Ranker", "Scorer", "predict_candidates", "predict_mappings"]
