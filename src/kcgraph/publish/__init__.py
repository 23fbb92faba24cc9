"""Publishing to a SPARQL store: the graphs uploaded through the Graph Store Protocol
(:mod:`.upload`), over HTTP that goes only to the origin the user gave (:mod:`.http`)."""

from __future__ import annotations

from .upload import publish

__all__ = ["publish"]
