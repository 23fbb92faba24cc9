"""kcgraph: occupational competency profiles as RDF/SKOS knowledge graphs, with crosswalks."""

from .build import parse_profiles, run_build
from .errors import InputError, KcgraphError
from .graph import build_graph
from .model import Kind, Profile, Statement
from .version import VERSION

__all__ = [
    "VERSION",
    "InputError",
    "KcgraphError",
    "Kind",
    "Profile",
    "Statement",
    "build_graph",
    "parse_profiles",
    "run_build",
]

__version__ = VERSION
