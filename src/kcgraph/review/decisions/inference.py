"""What follows from decisions: links the accepted ones imply, and clashes among them.

**Chains** (semra's chaining rules, biomappings' incomplete triangles). The accepted
``exactMatch``/``closeMatch`` links form a graph (networkx); two concepts of different
schemes in one connected component, not decided yet, are proposed for review with the
shortest path between them as the chain: accepted A = B and B = C propose A - C; an accepted
A = B and an accepted A -> ESCO skill propose B -> that skill. A chained proposal's predicate
is ``exactMatch`` when every link of the chain is, else ``closeMatch``; its justification
``semapv:MappingChaining``. It never becomes a link without review. Its confidence is the
product of the links' confidences (a reviewed link without one counts 1), times the
*transitivity* once per step past the first: how often two accepted links that meet at a
statement have had their ends accepted too, among the decided such pairs (with Laplace's
rule of succession, so never 0 or 1). A chain is evidence, not certainty: it never shows a
bare 1.00.

**Clashes** (qSKOS "mapping clashes"): an equivalence component that holds two statements of
one profile; a pair decided twice with different verdicts; ``exactMatch`` against
``broadMatch``/``narrowMatch`` on the same pair.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
from curies import NamableReference
from sssom_pydantic import SemanticMapping

from ...mappings import pair_key
from ...terms import (
    BROAD_MATCH,
    CLOSE_MATCH,
    EQUIVALENCE_PREDICATES,
    EXACT_MATCH,
    MAPPING_CHAINING,
    NARROW_MATCH,
)
from .decision import Decision

__all__ = ["Chained", "Clash", "chained_proposals", "clashes", "transitivity"]


@dataclass(frozen=True)
class Chained:
    """A link the accepted ones imply: its proposal and the decisions it follows from."""

    mapping: SemanticMapping
    chain: tuple[SemanticMapping, ...]

    @property
    def confidence(self) -> float:
        return self.mapping.confidence or 0.0


def _graph(accepted: Iterable[SemanticMapping], within: frozenset[str] | None = None) -> nx.Graph:
    """The accepted equivalences as a graph of CURIEs (``within``: only links between
    concepts of these prefixes)."""
    graph = nx.Graph()
    for m in accepted:
        if m.negated or m.predicate.curie not in EQUIVALENCE_PREDICATES:
            continue
        if within is not None and not {m.subject.prefix, m.object.prefix} <= within:
            continue
        graph.add_edge(m.subject.curie, m.object.curie, mapping=m)
        for ref in (m.subject, m.object):
            if ref.name and not graph.nodes[ref.curie].get("name"):
                graph.nodes[ref.curie]["name"] = ref.name
    return graph


def _describe(chain: Sequence[SemanticMapping]) -> str:
    return "chain: " + "; ".join(
        f"{m.subject.curie} {m.predicate.curie} {m.object.curie}" for m in chain
    )


def _path(graph: nx.Graph, a: str, b: str) -> tuple[SemanticMapping, ...]:
    path = nx.shortest_path(graph, a, b)
    return tuple(graph.edges[x, y]["mapping"] for x, y in itertools.pairwise(path))


def chained_proposals(
    accepted: Iterable[SemanticMapping],
    decided: set[frozenset[str]],
    statements: frozenset[str],
) -> list[Chained]:
    """Every undecided pair the accepted equivalences imply, with its shortest chain, sorted
    (deterministic). ``statements`` are the profiles' CURIE prefixes: chains run through
    statements only (two statements linked to one broad ESCO skill are not thereby
    equivalent), and end at a statement or at a concept a chain member is linked to."""
    accepted = [m for m in accepted if not m.negated]
    graph = _graph(accepted, statements)
    step = transitivity(graph, decided)
    outside = nx.Graph()
    for m in accepted:
        if m.predicate.curie in EQUIVALENCE_PREDICATES and (
            (m.subject.prefix in statements) != (m.object.prefix in statements)
        ):
            s, o = (
                (m.subject, m.object) if m.subject.prefix in statements else (m.object, m.subject)
            )
            outside.add_edge(s.curie, o.curie, mapping=m)
            for ref in (s, o):
                if ref.name:
                    outside.nodes[ref.curie]["name"] = ref.name
    out: dict[frozenset[str], Chained] = {}
    names = {**dict(graph.nodes(data="name")), **dict(outside.nodes(data="name"))}
    for component in sorted(nx.connected_components(graph), key=min):
        nodes = sorted(component)
        for a, b in itertools.combinations(nodes, 2):
            if (
                a.split(":")[0] != b.split(":")[0]
                and frozenset((a, b)) not in decided
                and not graph.has_edge(a, b)
            ):
                chain = _path(graph, a, b)
                out[frozenset((a, b))] = Chained(_chained_mapping(names, a, b, chain, step), chain)
        for a, b in itertools.permutations(nodes, 2):
            for concept in sorted(outside.neighbors(a)) if a in outside else ():
                key = frozenset((b, concept))
                if key in decided or key in out or outside.has_edge(b, concept):
                    continue
                chain = (*_path(graph, b, a), outside.edges[a, concept]["mapping"])
                out[key] = Chained(_chained_mapping(names, b, concept, chain, step), chain)
    return [out[k] for k in sorted(out, key=sorted)]


def transitivity(graph: nx.Graph, decided: set[frozenset[str]]) -> float:
    """How often the ends of two accepted links that meet are accepted as equivalent too:
    (accepted + 1) / (decided + 2) over the decided pairs of ends of different schemes.

    >>> g = nx.Graph([("a:1", "b:1"), ("b:1", "c:1")])
    >>> transitivity(g, set()), round(transitivity(g, {frozenset(("a:1", "c:1"))}), 3)
    (0.5, 0.333)
    """
    accepted = decided_pairs = 0
    for middle in sorted(graph.nodes):
        for a, b in itertools.combinations(sorted(graph.neighbors(middle)), 2):
            if a.split(":")[0] == b.split(":")[0]:
                continue
            if graph.has_edge(a, b):
                accepted += 1
                decided_pairs += 1
            elif frozenset((a, b)) in decided:
                decided_pairs += 1
    return (accepted + 1) / (decided_pairs + 2)


def _chained_mapping(
    names: dict[str, str | None],
    a: str,
    b: str,
    chain: tuple[SemanticMapping, ...],
    step: float,
) -> SemanticMapping:
    exact = all(m.predicate.curie == EXACT_MATCH for m in chain)
    links = math.prod(m.confidence if m.confidence is not None else 1.0 for m in chain)
    confidence = links * step ** (len(chain) - 1)

    def ref(curie: str) -> NamableReference:
        prefix, identifier = curie.split(":", 1)
        return NamableReference(prefix=prefix, identifier=identifier, name=names.get(curie))

    return SemanticMapping(
        subject=ref(a),
        predicate=EXACT_MATCH if exact else CLOSE_MATCH,
        object=ref(b),
        justification=MAPPING_CHAINING,
        confidence=round(confidence, 4),
        comment=_describe(chain),
    )


@dataclass(frozen=True)
class Clash:
    """Decisions that cannot all be right, and why."""

    why: str
    mappings: tuple[SemanticMapping, ...]  # the decisions' records

    def line(self) -> str:
        rows = "; ".join(
            f"{'NOT ' if m.negated else ''}{m.subject.curie} {m.predicate.curie} {m.object.curie}"
            f" ({', '.join(r.curie for r in m.reviewers or ())})"
            for m in self.mappings
        )
        return f"clash: {self.why}: {rows}"


def _pair_clashes(pair: str, found: Sequence[Decision]) -> list[Clash]:
    """Clashes among the decisions on one pair (a merge of two reviewers' files leaves
    both of two different decisions, for a reviewer to settle)."""
    rows = tuple(d.mapping for d in found)
    out = []
    if len({m.negated for m in rows}) > 1:
        out.append(Clash(f"{pair} accepted and rejected", rows))
    predicates = {m.predicate.curie for m in rows if not m.negated}
    if EXACT_MATCH in predicates and predicates & {BROAD_MATCH, NARROW_MATCH}:
        out.append(Clash(f"{pair} exact and broader/narrower", rows))
    elif not out and len({(d.verdict, d.mapping.predicate.curie) for d in found}) > 1:
        out.append(Clash(f"{pair} decided differently", rows))
    return out


def clashes(decisions: Sequence[Decision], profiles: frozenset[str]) -> list[Clash]:
    """Mapping clashes among decisions; ``profiles`` are the CURIE prefixes of profile
    statements (two statements of one profile in one equivalence component clash)."""
    out: list[Clash] = []
    by_pair: dict[frozenset[str], list[Decision]] = {}
    for d in decisions:
        by_pair.setdefault(pair_key(d.mapping), []).append(d)
    for pair, found in sorted(by_pair.items(), key=lambda kv: sorted(kv[0])):
        out += _pair_clashes(" and ".join(sorted(pair)), found)
    graph = _graph((d.mapping for d in decisions if d.verdict == "accept"), profiles)
    for component in sorted(nx.connected_components(graph), key=min):
        by_profile: dict[str, list[str]] = {}
        for node in sorted(component):
            prefix = node.split(":")[0]
            if prefix in profiles:
                by_profile.setdefault(prefix, []).append(node)
        for prefix, nodes in sorted(by_profile.items()):
            if len(nodes) > 1:
                chain = _path(graph.subgraph(component), nodes[0], nodes[1])
                out.append(
                    Clash(
                        f"{nodes[0]} and {nodes[1]} of {prefix} are equivalent through accepted "
                        "links",
                        chain,
                    )
                )
    return out
