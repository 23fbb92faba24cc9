"""kcgraph: occupational competency profiles as RDF/SKOS knowledge graphs, with crosswalks."""

from .build import run_build
from .errors import InputError, KcgraphError
from .graph import build_graph
from .model import Kind, Profile, Statement
from .parse import parse_profiles
from .settings import Settings
from .version import VERSION
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
