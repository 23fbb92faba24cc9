"""The terms kcgraph's mappings are made of: SKOS mapping predicates, SEMAPV justifications,
and the licence of the data kcgraph makes.

Each CURIE comes from :mod:`curies.vocabulary`; nothing else in kcgraph spells one as a
string (semra's ``vocabulary.py`` is the model).

>>> EXACT_MATCH, MANUAL_MAPPING_CURATION
('skos:exactMatch', 'semapv:ManualMappingCuration')
"""

from __future__ import annotations

from curies import vocabulary as _v

from .errors import KcgraphError

__all__ = [
    "BROAD_MATCH",
    "CLOSE_MATCH",
    "COMPOSITE_MATCHING",
    "DATA_LICENSE",
    "EQUIVALENCE_PREDICATES",
    "EXACT_MATCH",
    "LEXICAL_MATCHING",
    "MANUAL_MAPPING_CURATION",
    "MAPPING_CHAINING",
    "MAPPING_PREDICATES",
    "NARROW_MATCH",
    "RELATED_MATCH",
    "SEMANTIC_SIMILARITY",
    "SKOS_CONCEPT",
    "mapping_predicate",
]

#: The SKOS mapping predicates.
EXACT_MATCH = _v.exact_match.curie
CLOSE_MATCH = _v.close_match.curie
BROAD_MATCH = _v.broad_match.curie
NARROW_MATCH = _v.narrow_match.curie
RELATED_MATCH = _v.related_match.curie
#: What a reviewer may choose when accepting, in the order offered (workbench keys 1-5).
MAPPING_PREDICATES = (EXACT_MATCH, CLOSE_MATCH, BROAD_MATCH, NARROW_MATCH, RELATED_MATCH)
#: Accepted predicates that count as equivalence: what the crosswalk proposes and learns.
EQUIVALENCE_PREDICATES = frozenset({EXACT_MATCH, CLOSE_MATCH})


def mapping_predicate(text: str) -> str:
    """A SKOS mapping predicate as a person writes it (``exact``, ``exactMatch`` or
    ``skos:exactMatch``), as its CURIE; anything else is an error naming the five.

    >>> mapping_predicate("broad"), mapping_predicate("skos:closeMatch")
    ('skos:broadMatch', 'skos:closeMatch')
    """
    local = text.removeprefix("skos:")
    curie = f"skos:{local}" if local.endswith("Match") else f"skos:{local}Match"
    if curie not in MAPPING_PREDICATES:
        raise KcgraphError(f"{text}: not one of {', '.join(MAPPING_PREDICATES)}")
    return curie


#: Justification of every review decision (and of an ISCO code the source states).
MANUAL_MAPPING_CURATION = _v.manual_mapping_curation.curie
#: Justification of identical texts (and of the TF-IDF signal alone).
LEXICAL_MATCHING = _v.lexical_matching_process.curie
#: Justification of one encoder's cosine above a threshold.
SEMANTIC_SIMILARITY = _v.semantic_similarity.curie
#: Justification of a link inferred from reviewed links (A = B and B = C propose A - C).
MAPPING_CHAINING = _v.mapping_chaining.curie
#: Justification of several signals fused.
COMPOSITE_MATCHING = _v.composite_matching_process.curie

#: The SSSOM category of an ISCO-08 group (a plain SKOS concept).
SKOS_CONCEPT = _v.skos_concept.curie

#: Licence of the data kcgraph makes: graphs, ontology, shapes, proposals and decisions
#: (the code is MIT; the sources and ESCO keep their own rights).
DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
