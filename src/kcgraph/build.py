"""The main job: manifest -> parsed profiles -> one graph -> files in ``out/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from .errors import GraphInvalid
from .graph import add_mapping_links, build_graph
from .model import Kind, Profile
from .namespaces import DEFAULT_BASE, Minter, curie_map
from .parse import parse_source
from .paths import default_manifest
from .sources import read_manifest

if TYPE_CHECKING:
    from .shapes import ValidationReport

__all__ = ["BuildResult", "count_table", "parse_profiles", "run_build"]


@dataclass
class BuildResult:
    profiles: list[Profile]
    graph: Graph
    files: list[Path]
    report: ValidationReport | None = None
    skipped_decisions: list[dict] = field(default_factory=list)
    vocabularies: dict[str, Graph] = field(default_factory=dict)


def parse_profiles(manifest: str | Path | None = None) -> list[Profile]:
    """Parse every document the manifest lists (all of them before anything is written)."""
    return [parse_source(source) for source in read_manifest(manifest or default_manifest())]


def run_build(
    out_dir: str | Path | None = None,
    *,
    manifest: str | Path | None = None,
    base: str = DEFAULT_BASE,
    validate: bool = True,
    mappings_dir: str | Path | None = None,
    esco_dir: str | Path | None = None,
    vocabularies: bool = True,
) -> BuildResult:
    """Parse, build and validate the graph; when ``out_dir`` is given, write it.

    A graph that does not conform to the shapes is never written (:class:`GraphInvalid`)
    unless ``validate`` is false.
    """
    from .export import write_graph_files
    from .review import ReviewStore

    profiles = parse_profiles(manifest)
    minter = Minter(base)
    graph = build_graph(profiles, minter=minter)
    # reviewed links flow back into the graph; rejected and unsure ones never do
    store = ReviewStore(mappings_dir, prefixes=curie_map([p.source.id for p in profiles], minter))
    known = {str(s) for s in graph.subjects(RDF.type, SKOS.Concept)}
    extra: dict[str, Graph] = {}
    if vocabularies:  # ESCO and ISCO-08, in their own files; links to them may be accepted
        from .esco import (
            esco_graph,
            isco_graph,
            load_isco_groups,
            load_packaged_esco,
            read_esco_csv,
        )

        extra["isco"] = isco_graph(load_isco_groups())
        extra["esco"] = esco_graph(read_esco_csv(esco_dir) if esco_dir else load_packaged_esco())
        for vocabulary in extra.values():
            known |= {str(s) for s in vocabulary.subjects(RDF.type, SKOS.Concept)}
    skipped = add_mapping_links(
        graph, store.accepted(), expand=store.iri, known=known, minter=minter
    )
    report = None
    if validate:
        from .shapes import validate_graph

        report = validate_graph(graph)
        if not report.conforms:
            raise GraphInvalid(
                report,
                f"the built graph violates {len(report.violations)} shape constraint(s); "
                "nothing was written (kcgraph build --no-validate writes it anyway)",
            )
    files = write_graph_files(graph, out_dir) if out_dir is not None else []
    if out_dir is not None:
        from .export import serialize, write_atomic

        for name, vocabulary in extra.items():
            path = Path(out_dir) / f"{name}.ttl"
            write_atomic(path, serialize(vocabulary, "turtle"))
            files.append(path)
    return BuildResult(profiles, graph, files, report, skipped, extra)


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
