"""What the decisions so far say about a pair's surroundings: features that change as an
analyst reviews, learned by the ranker beside the fixed ones of
:class:`~kcgraph.match.crosswalk.features.PairFeatures`.

* ``query_linked_elsewhere`` / ``candidate_linked_elsewhere``: one side already has an
  accepted equivalence to *another* statement of the other side's profile (crosswalks are
  mostly one-to-one, so such a pair is less likely; the model learns how much);
* ``parents_linked``: the two statements' parents (``skos:broader``) are accepted as
  equivalent, the locality BERTMap's mapping extension relies on: children of matched
  parents tend to match.

Each feature leaves the pair itself out, so a decision never explains itself.
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

    def _elsewhere(self, a: int, b: int) -> float:
        """Whether ``a`` has an accepted partner in ``b``'s profile other than ``b``."""
        there = self.linked_in.get(a, {}).get(int(self.owner[b]))
        if not there:
            return 0.0
        return float(len(there) > 1 or b not in there)

    def _parents_linked(self, a: int, b: int) -> float:
        theirs = self.parents[b]
        return float(
            any(
                p in self.partners and any(x in self.partners[p] for x in theirs)
                for p in self.parents[a]
            )
        )

    def matrix(self, q: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Features (rows: pairs ``q[i]``-``c[i]``, columns: :data:`LINK_FEATURES`)."""
        out = np.zeros((len(q), len(LINK_FEATURES)))
        if not self.partners:
            return out
        linked = self.linked_in
        for i, (a, b) in enumerate(zip(q.tolist(), c.tolist(), strict=True)):
            if a in linked or b in linked:
                out[i, 0] = self._elsewhere(a, b)
                out[i, 1] = self._elsewhere(b, a)
            if self.parents[a] and self.parents[b]:
                out[i, 2] = self._parents_linked(a, b)
        return out
