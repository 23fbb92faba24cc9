"""The SHACL stage: the graph checked against the shapes in ``ontology/shapes.ttl``, with
the real engine (pySHACL), in parts for a big graph (:mod:`.validate`)."""

from __future__ import annotations

from .validate import (
    REPORT_FORMATS,
    ValidationReport,
    Violation,
    load_graph,
    load_shapes,
    validate_graph,
    validate_ntriples,
)

__all__ = [
    "REPORT_FORMATS",
    "ValidationReport",
    "Violation",
    "load_graph",
    "load_shapes",
    "validate_graph",
    "validate_ntriples",
]
