"""Matching: candidate links between profile statements (:mod:`.crosswalk`) and from them to
ESCO and ISCO-08 (:mod:`.vocabulary`), over shared items (:mod:`.items`), encoders and their
cache, one way of learning from decisions (:mod:`.learning`), one queue order
(:mod:`.queue`), proposals as SSSOM records (:mod:`.proposals`); :mod:`.run` is what
``kcgraph match`` runs."""

from __future__ import annotations

from .cache import EmbeddingCache
from .encoders import Encoder, load_encoder
from .items import MATCHABLE_KINDS, Item, matchable_items
from .proposals import Candidate, MatchResult, proposals_metadata, write_proposals
from .run import build_scorer, esco_skill_matcher, match_profiles, match_targets

__all__ = [
    "MATCHABLE_KINDS",
    "Candidate",
    "EmbeddingCache",
    "Encoder",
    "Item",
    "MatchResult",
    "build_scorer",
    "esco_skill_matcher",
    "load_encoder",
    "match_profiles",
    "match_targets",
    "matchable_items",
    "proposals_metadata",
    "write_proposals",
]
