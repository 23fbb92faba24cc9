"""Publishing like a vocabulary service: ``kcgraph serve`` (a read-only SPARQL 1.1 Protocol
endpoint and dereferenceable IRIs, :mod:`.app`) and ``kcgraph site`` (the same pages as a
static site, :mod:`.site`), both from one description of a resource (:mod:`.describe`) and
one set of page templates (:mod:`.pages`)."""

from __future__ import annotations

__all__ = ["app", "describe", "formats", "pages", "search", "server", "service", "site", "workers"]
