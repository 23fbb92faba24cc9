"""What ESCO says about a concept besides its words: its nearest skill groups in the skills
pillar, whether it is knowledge, and its reuse level."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...vocab.model import EscoConcept

__all__ = ["REUSE_LEVELS", "TargetStructure", "target_structure"]

#: ESCO's reuse levels, in its order; a concept whose record states none has "".
REUSE_LEVELS = ("transversal", "cross-sector", "sector-specific", "occupation-specific", "")


@dataclass(frozen=True)
class TargetStructure:
    """Per target concept: its nearest skill groups, whether it is knowledge, its reuse level,
    how many narrower concepts it has."""

    group_texts: list[str]
    #: ``groups[i, j]``: the j-th nearest group of target i (padding: ``len(group_texts)``)
    groups: np.ndarray
    knowledge: np.ndarray
    reuse: np.ndarray  # one-hot over REUSE_LEVELS
    narrower: np.ndarray  # how many concepts name the target broader

    @classmethod
    def empty(cls, n: int) -> TargetStructure:
        """No structure (ESCO occupations, ISCO groups): the structural features are 0."""
        reuse = np.zeros((n, len(REUSE_LEVELS)), dtype=np.float32)
        reuse[:, -1] = 1
        zeros = np.zeros(n, dtype=np.float32)
        return cls([], np.zeros((n, 0), dtype=int), zeros, reuse, zeros)


def _is_knowledge_group(group: EscoConcept) -> bool:
    """Groups of the knowledge pillar: its root (code K) and the ISCED-F fields (digits)."""
    return group.code == "K" or group.code[:1].isdigit()


def target_structure(
    targets: Sequence[EscoConcept], groups: Sequence[EscoConcept], *, every: Sequence[EscoConcept]
) -> TargetStructure:
    """The structure of ``targets`` in ESCO's skills pillar (``groups``: the skill groups;
    ``every``: all concepts, to follow a skill's broader skills up to its groups)."""
    by_uri = {c.uri: c for c in every}
    group_index = {g.uri: i for i, g in enumerate(groups)}

    def nearest(concept: EscoConcept, seen: set[str]) -> set[int]:
        found: set[int] = set()
        for parent in concept.broader:
            if parent in group_index:
                found.add(group_index[parent])
            elif parent in by_uri and parent not in seen:
                seen.add(parent)
                found |= nearest(by_uri[parent], seen)
        return found

    near = [sorted(nearest(t, {t.uri})) for t in targets]
    width = max((len(n) for n in near), default=0)
    padded = np.full((len(targets), width), len(groups), dtype=int)
    knowledge = np.zeros(len(targets), dtype=np.float32)
    reuse = np.zeros((len(targets), len(REUSE_LEVELS)), dtype=np.float32)
    for i, (target, indices) in enumerate(zip(targets, near, strict=True)):
        padded[i, : len(indices)] = indices
        if target.skill_type:
            knowledge[i] = target.skill_type == "knowledge"
        else:
            knowledge[i] = bool(indices) and all(_is_knowledge_group(groups[j]) for j in indices)
        level = target.reuse_level if target.reuse_level in REUSE_LEVELS else ""
        reuse[i, REUSE_LEVELS.index(level)] = 1
    below = Counter(parent for c in every for parent in c.broader)
    narrower = np.array([below[t.uri] for t in targets], dtype=np.float32)
    return TargetStructure([g.pref_label for g in groups], padded, knowledge, reuse, narrower)
