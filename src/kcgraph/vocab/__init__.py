"""ESCO and ISCO-08: the official CSV files read (:mod:`.read`), held as typed concepts
(:mod:`.model`), written as SKOS (:mod:`.skos`)."""

from __future__ import annotations

from .model import ESCO_SCHEMES, ESCO_VERSION, EscoConcept, EscoData
from .read import load_default_esco, read_esco_csv
from .skos import esco_graph, isco_graph

__all__ = [
    "ESCO_SCHEMES",
    "ESCO_VERSION",
    "EscoConcept",
    "EscoData",
    "esco_graph",
    "isco_graph",
    "load_default_esco",
    "read_esco_csv",
]
