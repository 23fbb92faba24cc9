"""What the decisions so far say about a pair's surroundings: features that change as an
analyst reviews, learned by the ranker beside the fixed ones of
:class:`~kcgraph.match.crosswalk.features.PairFeatures`.

* ``query_linked_elsewhere`` / ``candidate_linked_elsewhere``: one side already has an
  accepted equivalence to *another* statement of the other side's profile (crosswalks are
  mostly one-to-one, so such a pair is less likely; the model learns how much);
* ``parents_linked``: the two statements' parents (``skos:broader``) are accepted as
  equivalent, the locality BERTMap's mapping extension relies on: children of matched
  parents tend to match.

Every feature is read *as it was when the pair's screen was answered*. A screen is one
statement and its candidates in one other profile (``(statement, profile)``, the unit of
review by statement); every decision between that statement and that profile is left out
when the features of a pair on it are read. Without that, the decisions would explain
themselves: an accepted pair makes every candidate its reviewer passed over "linked
elsewhere", so a model would learn "already linked => wrong" from the way examples are made
(it did, and lost a third of its hits on held-out pairs: ``tests/match/test_learning.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["LINK_FEATURES", "Links"]

LINK_FEATURES = ("query_linked_elsewhere", "candidate_linked_elsewhere", "parents_linked")


class Links:
    """Accepted equivalences among items (by index), with each item's profile and parents."""

    def __init__(
        self,
        accepted: Iterable[tuple[int, int]],
        owner: np.ndarray,
        parents: Sequence[Sequence[int]],
    ) -> None:
        self.owner = owner
        self.parents = parents
        self.partners: dict[int, set[int]] = {}
        #: item -> profile index -> its accepted partners there
        self.linked_in: dict[int, dict[int, set[int]]] = {}
        for a, b in accepted:
            self.partners.setdefault(a, set()).add(b)
            self.partners.setdefault(b, set()).add(a)
            self.linked_in.setdefault(a, {}).setdefault(int(owner[b]), set()).add(b)
            self.linked_in.setdefault(b, {}).setdefault(int(owner[a]), set()).add(a)

    def _partners(self, a: int, profile: int, screen: tuple[int, int]) -> set[int]:
        """``a``'s accepted partners in ``profile``, without the decisions of ``screen``
        (statement, profile): those were not made yet when the screen was answered."""
        there = self.linked_in.get(a, {}).get(profile, set())
        statement, other = screen
        if a == statement and profile == other:
            return set()
        if statement in there and int(self.owner[a]) == other:
            return there - {statement}
        return there

    def _elsewhere(self, a: int, b: int, screen: tuple[int, int]) -> float:
        """Whether ``a`` has an accepted partner in ``b``'s profile other than ``b``."""
        there = self._partners(a, int(self.owner[b]), screen)
        return float(bool(there - {b}))

    def _parents_linked(self, a: int, b: int, screen: tuple[int, int]) -> float:
        theirs = set(self.parents[b])
        return float(
            any(
                theirs & self._partners(p, int(self.owner[b]), screen)
                for p in self.parents[a]
                if p in self.partners
            )
        )

    def matrix(self, q: np.ndarray, c: np.ndarray, screens: np.ndarray | None = None) -> np.ndarray:
        """Features (rows: pairs ``q[i]``-``c[i]``, columns: :data:`LINK_FEATURES`), each
        read without the decisions of its screen ``screens[i]`` = (statement, profile index);
        by default the screen of ``q[i]`` in ``c[i]``'s profile."""
        out = np.zeros((len(q), len(LINK_FEATURES)))
        if not self.partners:
            return out
        if screens is None:
            screens = np.column_stack([q, self.owner[c]]) if len(q) else np.zeros((0, 2), int)
        linked = self.partners
        rows = zip(q.tolist(), c.tolist(), screens.tolist(), strict=True)
        for i, (a, b, (statement, profile)) in enumerate(rows):
            screen = (statement, profile)
            if a in linked or b in linked:
                out[i, 0] = self._elsewhere(a, b, screen)
                out[i, 1] = self._elsewhere(b, a, screen)
            if self.parents[a] and self.parents[b]:
                out[i, 2] = self._parents_linked(a, b, screen)
        return out
