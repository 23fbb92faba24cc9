"""SHACL validation of profile graphs with the shapes in ``ontology/shapes.ttl``."""

from __future__ import annotations

import functools
import itertools
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from ..errors import InputError
from ..files import read_text
from ..graph.namespaces import KCG
from ..graph.ntriples import NTriples, rdflib_graph
from ..graph.tasks import run_tasks
from ..resources import ontology_path

__all__ = [
    "REPORT_FORMATS",
    "ValidationReport",
    "Violation",
    "load_graph",
    "load_shapes",
    "validate_graph",
    "validate_ntriples",
]

SH = Namespace("http://www.w3.org/ns/shacl#")

#: Output formats of ``kcgraph validate``.
REPORT_FORMATS = ("text", "json", "turtle")

#: rdflib parser names by file suffix for the graphs ``kcgraph validate`` reads.
_PARSERS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".n3": "n3",
    ".trig": "trig",
    ".nq": "nquads",
}


@dataclass(frozen=True)
class Violation:
    """One validation result, with what a reader needs to find and fix it."""

    shape: str
    focus: str
    focus_label: str | None
    path: str | None
    value: str | None
    message: str
    severity: str


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    results_graph: Graph | None = None

    def by_shape(self) -> dict[str, list[Violation]]:
        groups: dict[str, list[Violation]] = {}
        for violation in sorted(
            self.violations, key=lambda v: (v.shape, v.focus, v.path or "", v.value or "")
        ):
            groups.setdefault(violation.shape, []).append(violation)
        return groups

    def to_text(self, *, source: str = "graph") -> str:
        if self.conforms:
            return f"{source}: conforms to the kcgraph shapes\n"
        groups = self.by_shape()
        lines = [f"{source}: {len(self.violations)} violation(s) of {len(groups)} shape(s)", ""]
        for shape, violations in groups.items():
            lines.append(f"{shape} ({len(violations)})")
            for v in violations:
                label = f' "{v.focus_label}"' if v.focus_label else ""
                lines.append(f"  - {v.focus}{label}")
                if v.path:
                    lines.append(f"      path:    {v.path}")
                if v.value:
                    lines.append(f"      value:   {v.value}")
                lines.append(f"      message: {v.message}")
            lines.append("")
        return "\n".join(lines)

    def to_json(self) -> str:
        data = {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "shapes": {s: [asdict(v) for v in vs] for s, vs in self.by_shape().items()},
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def to_turtle(self) -> str:
        graph = self.results_graph if self.results_graph is not None else Graph()
        return graph.serialize(format="turtle")


def load_shapes(path: str | Path | None = None) -> Graph:
    return load_graph(path or ontology_path("shapes.ttl"))


def load_graph(path: str | Path) -> Graph:
    """Parse an RDF file (format from its suffix); unusable input is an :class:`InputError`.

    Parsing never reaches the network and is bounded: a JSON-LD ``@context`` that names a
    remote document is refused (kcgraph's own context is inline), and so is an XML document
    type declaration (the entities of a "billion laughs" document).
    """
    path = Path(path)
    fmt = _PARSERS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"unknown RDF file type {path.suffix!r} (known: {', '.join(_PARSERS)})", path=path
        )
    text = read_text(path, what="RDF file")
    if not text.strip():
        raise InputError("file is empty", path=path)
    declaration = re.search(r"<!(DOCTYPE|ENTITY)", text) if fmt == "xml" else None
    if declaration is not None:
        line = text[: declaration.start()].count("\n") + 1
        raise InputError(
            "XML document type declarations (entities) are refused", path=path, line=line
        )
    if fmt == "json-ld":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg})", path=path, line=exc.lineno) from None
        if remote := _remote_context(document):
            raise InputError(
                f"JSON-LD @context {remote!r} is remote; kcgraph never fetches it "
                "(put the context inline)",
                path=path,
            )
    try:
        return Graph().parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many types; all mean the file is unusable
        raise InputError(
            f"not valid {fmt}: {_first_line(exc)}", path=path, line=_error_line(exc, path, fmt)
        ) from None


def _remote_context(node: object) -> str | None:
    """The first remote reference among a JSON-LD document's contexts (``@context`` as a
    string, in a list, or as ``@import``), else ``None``."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "@context":
                    for ctx in value if isinstance(value, list) else [value]:
                        if isinstance(ctx, str):
                            return ctx
                        if isinstance(ctx, dict) and isinstance(ctx.get("@import"), str):
                            return ctx["@import"]
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _first_line(exc: Exception) -> str:
    """The informative line of a parser error (rdflib's Turtle errors span several lines)."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    why = next((line for line in lines if line.startswith("Bad syntax")), None)
    text = why.removesuffix(" at ^ in:") if why else (lines[0] if lines else type(exc).__name__)
    return re.sub(r"\s+", " ", text)[:200]


def _error_line(exc: Exception, path: Path, fmt: str) -> int | None:
    if match := re.search(r"at line (\d+)", str(exc)):
        return int(match.group(1))
    if isinstance(exc, json.JSONDecodeError):
        return exc.lineno
    if fmt == "nt":  # find the offending line: N-Triples are one statement a line
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1
        ):
            if line.strip() and not line.lstrip().startswith("#"):
                try:
                    Graph().parse(data=line, format="nt")
                except Exception:
                    return number
    return None


def validate_graph(
    graph: Graph,
    *,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    lang: str = "en",
    focus: set[str] | None = None,
    use: list[str] | None = None,
) -> ValidationReport:
    """Validate ``graph`` with the real SHACL engine (pySHACL, SHACL-SPARQL enabled); with
    ``focus``, the results on those nodes only (and the graph is the engine's to change: the
    ontology is mixed into it rather than into a copy); with ``use``, those shapes only."""
    import pyshacl

    shapes = shapes if shapes is not None else load_shapes()
    if ontology is None and ontology_path().is_file():
        ontology = Graph().parse(ontology_path())
    conforms, results, _ = pyshacl.validate(
        graph,
        shacl_graph=shapes,
        ont_graph=ontology,
        advanced=True,
        inference="none",
        allow_warnings=False,
        inplace=focus is not None,
        use_shapes=use,
    )
    violations = [
        _violation(results, result, graph, shapes, lang)
        for result in results.subjects(RDF.type, SH.ValidationResult)
        if focus is None or str(results.value(result, SH.focusNode)) in focus
    ]
    conforms = not violations if focus is not None or use is not None else conforms
    return ValidationReport(bool(conforms), violations, results)


#: Lines of N-Triples validated at once by :func:`validate_ntriples` (whole subjects).
VALIDATION_CHUNK = 20_000


def validate_ntriples(
    nt: NTriples, *, workers: int = 1, lang: str = "en", chunk: int = VALIDATION_CHUNK
) -> ValidationReport:
    """:func:`validate_graph`'s violations for a graph given as canonical N-Triples, found in
    parts of about ``chunk`` lines, in ``workers`` processes.

    Every shape looks at its focus node's own triples and one step beyond (a value's types and
    scheme, a triple from a value back to the focus), except the shapes on the objects of
    ``skos:broader`` (the cycle check), which follow the hierarchy as far as it goes. So each
    part is a run of whole subjects, with those one-step triples of the nodes they point to,
    checked against every other shape, its results kept for its own subjects. The hierarchy
    shapes are checked on one more part: the ``skos:broader`` triples that lie on a cycle
    (within a strongly connected component, networkx), with their concepts' labels; a node on
    no cycle cannot break them. A graph that fits in one part is validated whole.
    ``tests/test_shapes.py`` checks that the parts find exactly what the whole finds, for
    every shape's violating case.
    """
    if len(nt) <= chunk:
        return validate_graph(nt.to_graph(), lang=lang)
    shapes = _cached_shapes()
    hierarchy = _hierarchy_shapes(shapes)
    others = sorted({str(s) for s in shapes.subjects(RDF.type, SH.NodeShape)} - hierarchy)
    groups = _groups(nt, chunk)
    common = (nt.namespaces, dict(nt.tags), lang)
    tasks = [((_cycles(nt), None, sorted(hierarchy)), *common)]
    parts = (((*_part(nt, group), others), *common) for group in groups)
    found = run_tasks(
        _validate_part,
        itertools.chain(tasks, parts),
        total=len(groups) + 1,
        workers=workers,
        label="SHACL validation",
        unit="part",
    )
    violations = sorted({v for part in found for v in part}, key=_violation_key)
    return ValidationReport(not violations, violations)


def _hierarchy_shapes(shapes: Graph) -> set[str]:
    """The node shapes that target the objects of ``skos:broader``."""
    return {str(s) for s in shapes.subjects(SH.targetObjectsOf, SKOS.broader)}


_NEIGHBOUR_PREDICATES = (f"<{RDF.type}>", f"<{SKOS.inScheme}>")


#: The links that keep a concept's family in one part: to its parent and its occurrences.
_FAMILY = (f" <{SKOS.broader}> ", f" <{KCG.occurrence}> ")


def _groups(nt: NTriples, size: int) -> list[list[tuple[int, int]]]:
    """The subjects (their line spans) in parts of about ``size`` lines, a concept with its
    descendants and occurrences together where they fit (connected components of the
    ``skos:broader`` and ``kcg:occurrence`` links, scipy), so that few triples point out of a
    part."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    spans = nt.subject_spans()
    number = {
        nt.lines[start][1 : nt.lines[start].index(">")]: i for i, (start, _) in enumerate(spans)
    }
    pairs = []
    for i, (start, end) in enumerate(spans):
        for line in nt.lines[start:end]:
            if any(link in line for link in _FAMILY):
                value = line.split(" ", 2)[2]
                target = number.get(value[1 : value.index(">")])
                if target is not None:
                    pairs.append((i, target))
    rows = np.array([a for a, _ in pairs] + [len(spans) - 1], dtype=np.int64)
    cols = np.array([b for _, b in pairs] + [len(spans) - 1], dtype=np.int64)
    adjacency = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(spans), len(spans)))
    _, labels = connected_components(adjacency, directed=False)
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels.tolist()):
        members.setdefault(label, []).append(i)
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    lines = 0
    for component in members.values():  # in order of their first subject
        for i in component:
            current.append(spans[i])
            lines += spans[i][1] - spans[i][0]
            if lines >= size:
                groups.append(current)
                current, lines = [], 0
    if current:
        groups.append(current)
    return groups


def _part(nt: NTriples, group: list[tuple[int, int]]) -> tuple[str, set[str]]:
    """A group's lines with what their shapes look at one step away, and their subjects (the
    focus nodes)."""
    lines = [line for start, end in group for line in nt.lines[start:end]]
    focus = {nt.lines[start][1 : nt.lines[start].index(">")] for start, _ in group}
    seen: set[str] = set()
    extra: list[str] = []
    for line in lines:
        rest = line.split(" ", 2)[2]
        if not rest.startswith("<"):
            continue
        node = rest[1 : rest.index(">")]
        if node in focus or node in seen:
            continue
        seen.add(node)
        for other in nt.subject_lines(node):
            predicate, value = other.split(" ", 2)[1:]
            if predicate in _NEIGHBOUR_PREDICATES or value[1 : value.find(">")] in focus:
                extra.append(other)
    return "\n".join(lines + extra) + "\n", focus


def _cycles(nt: NTriples) -> str:
    """The ``skos:broader`` triples within a strongly connected component (a cycle), and the
    labels of their concepts."""
    import networkx as nx

    broader, label = f" <{SKOS.broader}> ", f" <{SKOS.prefLabel}> "
    edges = {}
    for line in nt.lines:
        if broader in line:
            child, _, parent = line.split(" ", 2)
            edges[line] = (child, parent[: parent.index(">") + 1])
    hierarchy = nx.DiGraph(list(edges.values()))
    component = {}
    for number, nodes in enumerate(nx.strongly_connected_components(hierarchy)):
        for node in nodes:
            component[node] = number
    on_cycle = [line for line, (a, b) in edges.items() if component[a] == component[b]]
    nodes = {a for line in on_cycle for a in edges[line]}
    labels = [line for line in nt.lines if label in line and line.split(" ", 1)[0] in nodes]
    return "\n".join(on_cycle + labels) + "\n"


def _validate_part(
    part: tuple[
        tuple[str, set[str] | None, list[str]], tuple[tuple[str, str], ...], dict[str, str], str
    ],
) -> list[Violation]:
    (text, focus, use), namespaces, tags, lang = part
    if not text.strip():
        return []
    graph = rdflib_graph(text, tags, namespaces)
    shapes, ontology = _cached_shapes(), _cached_ontology()
    report = validate_graph(
        graph, lang=lang, focus=focus, use=use, shapes=shapes, ontology=ontology
    )
    return report.violations


@functools.cache
def _cached_shapes() -> Graph:
    return load_shapes()


@functools.cache
def _cached_ontology() -> Graph:
    return Graph().parse(ontology_path())


def _violation_key(v: Violation) -> tuple[str, ...]:
    return (v.shape, v.focus, v.path or "", v.value or "", v.message)


def _violation(results: Graph, result: Node, data: Graph, shapes: Graph, lang: str) -> Violation:
    shape = source = results.value(result, SH.sourceShape)
    if isinstance(source, BNode):  # a property shape: report the node shape that holds it
        shape = shapes.value(None, SH.property, source) or source
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    message = _message(
        results, result, shapes, lang, (results.value(result, SH.sourceConstraint), source, shape)
    )
    for placeholder, node in (("{?value}", value), ("{?path}", path), ("{$this}", focus)):
        if node is not None:
            message = message.replace(placeholder, _short(data, node))
    labels = sorted(map(str, data.objects(focus, SKOS.prefLabel))) or sorted(
        map(str, data.objects(focus, RDFS.label))
    )
    label = labels[0] if labels else None  # the first, so that two labels give one answer
    severity = results.value(result, SH.resultSeverity)
    return Violation(
        shape=_short(data, shape),
        focus=_short(data, focus),
        focus_label=str(label) if label is not None else None,
        path=_short(data, path) if path is not None else None,
        value=_short(data, value) if value is not None else None,
        message=str(message),
        severity=_short(data, severity) if severity is not None else "sh:Violation",
    )


def _message(
    results: Graph, result: Node, shapes: Graph, lang: str, declarers: tuple[Node | None, ...]
) -> str:
    """The shape's own message in ``lang`` (pySHACL drops the language of SPARQL messages)."""
    for node in declarers:
        if node is None:
            continue
        messages = list(shapes.objects(node, SH.message))
        chosen = [m for m in messages if isinstance(m, Literal) and m.language == lang]
        if chosen or messages:
            return str((chosen or messages)[0])
    fallback = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    return fallback[0] if fallback else ""


def _short(graph: Graph, node: Node | None) -> str:
    if isinstance(node, Literal):
        return node.n3()
    if isinstance(node, BNode):
        return "[]"
    try:
        return graph.namespace_manager.curie(str(node), generate=False)
    except (ValueError, KeyError):
        text = str(node)
        if text.startswith("https://w3id.org/kcgraph/shapes#"):
            return "kcgsh:" + text.split("#", 1)[1]
        return f"<{text}>"
