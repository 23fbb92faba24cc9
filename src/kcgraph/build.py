"""The main job: manifest -> parsed profiles -> graphs -> validated -> files in ``out/``.

``out/`` receives the profile graph, the accepted review decisions as their own graph, ISCO-08
and ESCO, and the DCAT description of them all (the names: :mod:`kcgraph.layout`). They are
replaced together (:func:`kcgraph.files.replace_together`): a build killed midway leaves the
previous generation whole. ESCO and ISCO are built once per input and reused from the cache
folder afterwards (:mod:`kcgraph.vocab.cache`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph
from sssom_pydantic import SemanticMapping

from .errors import GraphInvalid
from .files import read_text, replace_together, write_atomic
from .graph import mapping_graph, serialize
from .graph.formats import write
from .graph.ntriples import NTriples
from .graph.profiles import build_ntriples
from .layout import DATASET_FILE, MAPPINGS_FILE, PROFILE_FORMATS
from .parse.model import Kind, Profile
from .review.decisions.inference import Clash, clashes
from .version import VERSION

if TYPE_CHECKING:
    from .shapes.validate import ValidationReport
    from .workspace import Workspace

__all__ = ["BuildResult", "count_table", "run_build"]


@dataclass
class BuildResult:
    profiles: list[Profile]
    #: The profile graph, as the canonical N-Triples every output is written from.
    triples: NTriples
    mappings: Graph
    files: list[Path] = field(default_factory=list)
    report: ValidationReport | None = None
    skipped_decisions: list[SemanticMapping] = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)

    @property
    def graph(self) -> Graph:
        """The profile graph as an rdflib graph (made on demand: 1.4 GB at 100,000 rows)."""
        return self.triples.to_graph()

    def summary(self) -> list[str]:
        """What ``kcgraph build`` prints (warnings start with ``kcgraph: warning``)."""
        state = "conforms to the shapes" if self.report else "not validated"
        lines = [
            count_table(self.profiles),
            f"{len(self.triples)} triples, {len(self.mappings)} mapping triples; {state}",
        ]
        if self.skipped_decisions:
            lines.append(
                f"kcgraph: warning: {len(self.skipped_decisions)} accepted decision(s) refer to "
                "statements that no longer exist (see kcgraph review status)"
            )
        lines += [f"kcgraph: warning: {clash.line()}" for clash in self.clashes]
        return lines + [f"wrote {path}" for path in self.files]


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
    triples = build_ntriples(ws.profiles, minter=ws.minter)
    if ws.settings.previous is not None:  # the statements gone since, kept as deprecated
        triples = triples.union(NTriples.of(_history(ws, ws.settings.previous)))
    # reviewed links flow back, in their own graph; rejected and unsure ones never do
    decisions = ws.store(check_ids=False).decisions()
    accepted = [d.mapping for d in decisions if d.verdict == "accept"]
    mappings, skipped = mapping_graph(
        accepted, converter=ws.converter, is_known=ws.is_known, minter=ws.minter
    )
    result = BuildResult(ws.profiles, triples, mappings, skipped_decisions=skipped)
    result.clashes = clashes(decisions, frozenset(ws.profile_ids))
    memo = _BuildMemo(ws, triples, mappings)
    if validate:
        result.report = _validated(memo, triples.union(NTriples.of(mappings)))
    if write:
        result.files = _write(ws, memo, mappings, vocabularies=vocabularies)
    return result


def _history(ws: Workspace, previous: Path) -> Graph:
    from .graph.history import history_graph
    from .review.decisions.versions import gone_since

    return history_graph(gone_since(previous, ws.profiles, ws.minter), ws.profiles, ws.minter)


def _validated(memo: _BuildMemo, triples: NTriples) -> ValidationReport:
    """The shapes' report on the graph; :class:`GraphInvalid` when it does not conform."""
    from .shapes.validate import ValidationReport, validate_ntriples

    if memo.conforms:  # the same graph passed the same shapes before
        return ValidationReport(conforms=True)
    report = validate_ntriples(triples, workers=memo.workers)
    if not report.conforms:
        raise GraphInvalid(
            report,
            f"the built graph violates {len(report.violations)} shape constraint(s); nothing "
            "was written (kcgraph build --no-validate writes it anyway)",
        )
    memo.remember_conforms()
    return report


def _write(ws: Workspace, memo: _BuildMemo, mappings: Graph, *, vocabularies: bool) -> list[Path]:
    """Every file of ``out/``, replaced together; returns the paths written."""
    from .graph.dataset import dataset_graph
    from .vocab.cache import vocabulary_texts

    contents = memo.graph_files()
    contents[MAPPINGS_FILE] = serialize(mappings, "turtle")
    counts = {name: len(memo.triples) for name in contents}
    counts[MAPPINGS_FILE] = len(mappings)
    if vocabularies:
        texts, vocabulary_counts = vocabulary_texts(ws)
        contents.update(texts)
        counts.update(vocabulary_counts)
    description = dataset_graph(ws.profiles, ws.minter, contents, counts)
    contents[DATASET_FILE] = serialize(description, "turtle")
    return replace_together(ws.settings.out_dir, contents)


class _BuildMemo:
    """What an identical build computed before: the serialisations of the profile graph and
    whether it conformed to the shapes. Keyed by the graph's canonical N-Triples (IRIs only,
    no blank nodes), the shapes, the ontology and kcgraph's version; kept in the cache folder."""

    def __init__(self, ws: Workspace, triples: NTriples, mappings: Graph) -> None:
        from .resources import ontology_path
        from .vocab.cache import source_digest

        self.triples = triples
        self.workers = ws.settings.build_workers
        self.nt = triples.text()
        digest = hashlib.sha256(f"kcgraph {VERSION}\n".encode())
        digest.update(
            source_digest(
                "kcgraph.graph.formats", "kcgraph.graph.ntriples", "kcgraph.shapes.validate"
            )
        )
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
        """The profile graph in each format of :data:`~kcgraph.layout.PROFILE_FORMATS`."""
        kept = {name: fmt for name, fmt in PROFILE_FORMATS.items() if fmt != "nt"}
        if all((self.folder / name).is_file() for name in kept):
            texts = {name: read_text(self.folder / name) for name in kept}
        else:
            texts = {
                name: write(self.triples, fmt, workers=self.workers) for name, fmt in kept.items()
            }
            for name, text in texts.items():
                write_atomic(self.folder / name, text)
        return {
            name: texts[name] if fmt != "nt" else self.nt for name, fmt in PROFILE_FORMATS.items()
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
