"""kcgraph: occupational competency profiles as RDF/SKOS knowledge graphs, with crosswalks.

The names below are imported when first used, so ``kcgraph --help`` starts without loading
rdflib, pydantic or the SSSOM library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import InputError, KcgraphError
from .version import VERSION

if TYPE_CHECKING:
    from .build import run_build
    from .graph import build_graph
    from .parse import parse_profiles
    from .parse.model import Kind, Profile, Statement
    from .settings import Settings
    from .workspace import Workspace

__all__ = [
    "VERSION",
    "InputError",
    "KcgraphError",
    "Kind",
    "Profile",
    "Settings",
    "Statement",
    "Workspace",
    "build_graph",
    "parse_profiles",
    "run_build",
]

__version__ = VERSION

#: Where each public name lives (imported on first use).
_LAZY = {
    "Kind": ".parse.model",
    "Profile": ".parse.model",
    "Settings": ".settings",
    "Statement": ".parse.model",
    "Workspace": ".workspace",
    "build_graph": ".graph",
    "parse_profiles": ".parse",
    "run_build": ".build",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
