"""The layout of ``out/``: which file holds what, and the named graph each one becomes.

``kcgraph build`` writes these files, the dataset description lists them, ``kcgraph query``
loads them and ``kcgraph publish`` uploads them; all of them read the names here, and so
do the proposal queues of ``kcgraph match``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from .errors import KcgraphError

__all__ = [
    "DATASET_FILE",
    "ESCO_FILE",
    "GRAPH_BASE",
    "ISCO_FILE",
    "LINK_TARGETS",
    "MAPPINGS_FILE",
    "NAMED_GRAPHS",
    "PROFILES_FILE",
    "PROFILE_FORMATS",
    "PROPOSALS_FILES",
    "REFERENCES_FOLDER",
    "SITE_MARKER",
    "TARGETS",
    "VOCABULARY_FILES",
    "LinkTarget",
    "Target",
    "check_built",
    "graph_iri",
    "mapping_set_id",
    "proposals_path",
]

#: The profile graph, in each serialisation ``kcgraph build`` writes (file -> format).
PROFILES_FILE = "kcgraph.ttl"
PROFILE_FORMATS = {PROFILES_FILE: "turtle", "kcgraph.jsonld": "json-ld", "kcgraph.nt": "nt"}
#: The decisions folder's subfolder of imported published crosswalks (training examples).
REFERENCES_FOLDER = "references"
#: The accepted review decisions, as their own graph.
MAPPINGS_FILE = "mappings.ttl"
#: ISCO-08 and ESCO, built once per ESCO input.
ISCO_FILE = "isco.ttl"
ESCO_FILE = "esco.ttl"
VOCABULARY_FILES = (ISCO_FILE, ESCO_FILE)
#: The DCAT description of the files.
DATASET_FILE = "dataset.ttl"

#: Named graphs of the embedded store and of a published store: ``GRAPH_BASE`` + name.
GRAPH_BASE = "https://w3id.org/kcgraph/graph/"
#: File of ``out/`` -> the name of its named graph.
NAMED_GRAPHS = {
    PROFILES_FILE: "profiles",
    MAPPINGS_FILE: "mappings",
    ISCO_FILE: "isco",
    ESCO_FILE: "esco",
    DATASET_FILE: "dataset",
}

#: What ``kcgraph match`` links the profile statements with, and the queue file of each.
Target = Literal["profiles", "esco", "isco"]
PROPOSALS_FILES: dict[Target, str] = {
    "profiles": "proposals.sssom.tsv",
    "esco": "esco-proposals.sssom.tsv",
    "isco": "isco-proposals.sssom.tsv",
}
TARGETS: tuple[Target, ...] = tuple(PROPOSALS_FILES)
#: The file that marks a folder ``kcgraph site`` wrote (and may replace whole).
SITE_MARKER = ".kcgraph-site"
#: What ``kcgraph link`` links a list of terms to.
LinkTarget = Literal["esco-occupations", "esco-skills", "isco", "profiles"]
LINK_TARGETS: tuple[LinkTarget, ...] = ("esco-occupations", "esco-skills", "isco", "profiles")


def graph_iri(name: str) -> str:
    """The IRI of a named graph.

    >>> graph_iri("isco")
    'https://w3id.org/kcgraph/graph/isco'
    """
    return f"{GRAPH_BASE}{name}"


def proposals_path(out_dir: Path, target: Target = "profiles") -> Path:
    """Where ``kcgraph match --target TARGET`` writes its queue."""
    return out_dir / PROPOSALS_FILES[target]


def mapping_set_id(base: str, path: str | Path) -> str:
    """The ``mapping_set_id`` of an SSSOM file: the base IRI's ``mappings/`` and the file's
    name without its suffixes, so it follows both ``--base`` and the file written.

    >>> mapping_set_id("https://example.org/kc/", "out/esco-proposals.sssom.tsv")
    'https://example.org/kc/mappings/esco-proposals'
    """
    return f"{base}mappings/{Path(path).name.split('.')[0]}"


def check_built(out_dir: Path, error: type[KcgraphError] = KcgraphError) -> None:
    """Raise ``error`` unless ``out_dir`` holds a build."""
    if not (out_dir / PROFILES_FILE).is_file():
        raise error(f"{out_dir / PROFILES_FILE} does not exist: run `kcgraph build` first")
