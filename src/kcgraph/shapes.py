"""SHACL validation of profile graphs with the shapes in ``ontology/shapes.ttl``."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from .errors import InputError
from .files import read_text
from .resources import ontology_path

__all__ = [
    "REPORT_FORMATS",
    "ValidationReport",
    "Violation",
    "load_graph",
    "load_shapes",
    "validate_graph",
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
    graph: Graph, *, shapes: Graph | None = None, ontology: Graph | None = None, lang: str = "en"
) -> ValidationReport:
    """Validate ``graph`` with the real SHACL engine (pySHACL, SHACL-SPARQL enabled)."""
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
    )
    violations = [
        _violation(results, result, graph, shapes, lang)
        for result in results.subjects(RDF.type, SH.ValidationResult)
    ]
    return ValidationReport(bool(conforms), violations, results)


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
    label = data.value(focus, SKOS.prefLabel) or data.value(focus, RDFS.label)
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
