"""The graphs kcgraph builds: the profiles (:mod:`.profiles`), the accepted mappings
(:mod:`.mappings`), the description of a build (:mod:`.dataset`), and their deterministic
serialisations (:mod:`.formats`)."""

from __future__ import annotations

from .formats import serialize
from .mappings import mapping_graph
from .profiles import build_graph

__all__ = ["build_graph", "mapping_graph", "serialize"]
