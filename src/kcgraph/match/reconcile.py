"""Reconciliation: texts matched against one type of entity, as a spreadsheet tool asks
(the W3C Reconciliation Service API's queries, served by :mod:`kcgraph.web.reconcile`).

A batch of queries of one type is one ``kcgraph link`` of those texts to that type's target
(:func:`~kcgraph.match.link.rank_candidates`): the same encoders, the same learnt ranker
and the same scores, with one difference: a query's candidates do not depend on the other
queries of its batch (the skill ranker's hubness is the profiles' statements', see
:attr:`~kcgraph.match.link.Prepared.stable`). The types are each profile (its
statements), ESCO skills, ESCO occupations and ISCO-08 groups.

**The match rule.** A candidate is a certain match (``match: true``) only when it is the
query's first candidate and either its text is the query's text (after
:func:`~kcgraph.match.lexical.normalise`), or the learnt ranker's calibrated probability of
it is at least :attr:`~kcgraph.settings.Settings.reconcile_match_confidence` and no other
candidate of the query reaches that probability. Without a learnt ranker only identical texts
are certain.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..graph.namespaces import ESCO_OCCUPATION_PREFIX, ESCO_SKILL_PREFIX, ISCO_PREFIX
from ..layout import LinkTarget
from ..terms import SKOS_CONCEPT
from .items import Item
from .lexical import normalise
from .link import Prepared

if TYPE_CHECKING:
    from ..workspace import Workspace
    from .proposals import Candidate

__all__ = ["EntityType", "Found", "Query", "Reconciler", "entity_types"]

#: Candidates a query gets when it names no limit.
DEFAULT_LIMIT = 5
#: The most candidates one query may ask for.
MAX_LIMIT = 50


@dataclass(frozen=True)
class EntityType:
    """A type one reconciles against: its id and name, the target ``kcgraph link`` ranks,
    and the CURIE prefix of its entities (a profile's: its statements')."""

    id: str
    name: str
    target: LinkTarget
    prefix: str

    @property
    def profile(self) -> str | None:
        return self.prefix if self.target == "profiles" else None


@dataclass(frozen=True)
class Query:
    """One query of a batch: its key in the batch, the text, its type (None: the default)
    and how many candidates to return."""

    key: str
    text: str
    type: str | None = None
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class Found:
    """One candidate of a query, ranked."""

    iri: str
    name: str
    type: EntityType
    score: float  # 0-100: the calibrated probability where a ranker learnt, else the fused score
    match: bool
    features: dict[str, float] = field(default_factory=dict, hash=False, compare=False)


def entity_types(ws: Workspace) -> list[EntityType]:
    """Every type of the workspace: each profile, then ESCO skills, occupations, ISCO-08."""
    found = [EntityType(s.id, s.title, "profiles", s.id) for s in ws.sources]
    return [
        *found,
        EntityType("esco-skill", "ESCO skill", "esco-skills", ESCO_SKILL_PREFIX),
        EntityType(
            "esco-occupation", "ESCO occupation", "esco-occupations", ESCO_OCCUPATION_PREFIX
        ),
        EntityType("isco", "ISCO-08 group", "isco", ISCO_PREFIX),
    ]


class Reconciler:
    """Answers batches of queries over one workspace; thread-safe (one batch at a time)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.types = {t.id: t for t in entity_types(workspace)}
        self.default_type = next(t for t in self.types.values() if t.target == "esco-skills")
        self._lock = threading.Lock()
        self._prepared = Prepared(stable=True)

    def warm(self) -> None:
        """Make ready what the first batch of each kind would wait for (the encoders, ESCO,
        the skills' and the occupations' rankings): a service calls it as it starts."""
        self.reconcile(
            [Query(f"warm {t.id}", "klantcontact", t.id, 1) for t in self.types.values()]
        )

    def reconcile(self, queries: Sequence[Query]) -> dict[str, list[Found]]:
        """The candidates of every query, by its key (unknown types are the caller's check:
        :class:`KeyError`)."""
        by_type: dict[str, list[Query]] = {}
        for q in queries:
            by_type.setdefault(q.type or self.default_type.id, []).append(q)
        answers: dict[str, list[Found]] = {q.key: [] for q in queries}
        with self._lock:
            for type_id, group in by_type.items():
                answers.update(self._one_type(self.types[type_id], group))
        return answers

    def _one_type(self, kind: EntityType, queries: list[Query]) -> dict[str, list[Found]]:
        from .link import rank_candidates

        ws = self.workspace
        language = ws.sources[0].language.split("-")[0] if ws.sources else "nl"
        namespace = f"{ws.settings.base}reconcile/"
        items = [
            Item("reconcile", namespace + quote(q.key, safe=""), q.text, SKOS_CONCEPT, namespace)
            for q in queries
        ]
        found, _ = rank_candidates(
            ws,
            items,
            [language] * len(items),
            kind.target,
            top_k=max(q.limit for q in queries),
            progress=False,
            profile=kind.profile,
            prepared=self._prepared,
        )
        ranked: dict[str, list[Candidate]] = {item.iri: [] for item in items}
        for c in found:
            ranked[c.subject.iri].append(c)
        confidence = ws.settings.reconcile_match_confidence
        return {
            q.key: _found(ranked[item.iri][: q.limit], q.text, kind, confidence, ws)
            for q, item in zip(queries, items, strict=True)
        }


def _found(
    candidates: list[Candidate], text: str, kind: EntityType, confidence: float, ws: Workspace
) -> list[Found]:
    """The candidates as a query's answer, with the match rule of the module."""
    sure = [c for c in candidates if c.confidence is not None and c.confidence >= confidence]
    out = []
    for n, c in enumerate(sorted(candidates, key=lambda c: c.rank)):
        name = c.object.label if kind.profile else ws.esco_label(c.object.iri, c.object.label)
        same = normalise(text) == normalise(c.object.label) or normalise(text) == normalise(name)
        match = n == 0 and (same or (len(sure) == 1 and sure[0] is c))
        value = c.confidence if c.confidence is not None else c.score
        features = {"fused": c.score, **c.signals}
        if c.confidence is not None:
            features["confidence"] = c.confidence
        out.append(Found(c.object.iri, name, kind, round(100 * value, 2), match, features))
    return out
