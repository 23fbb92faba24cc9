"""Crosswalks that others published, as training examples for the vocabulary matcher.

The ESCO portal publishes national mapping tables (e.g. ESCO–VDAB Competences: columns
``Classification 1 URI``/``ID``/label, ``Classification 2 URI``, ``Mapping Relation``); MELO
publishes national occupation titles with their ESCO occupations. Their subjects are not
statements of the bundled profiles, so they are kept apart from the profiles' decisions: each
imported table is one SSSOM file in the decisions folder's ``references/``, whose subjects
are minted under ``{base}reference/{set}/`` and carry their label (the text that is learnt
from). :mod:`kcgraph.match.vocabulary.crosslingual` reads them and learns from them.

Three layouts are read (all or nothing, :func:`~kcgraph.parse.sheets.read_sheet`):

- the ESCO portal's mapping table (``classification 1 id``, a ``classification 1 …label…``
  column, ``classification 2 uri``, ``mapping relation``);
- the same links in short (``vdab_id``, ``label_nl``, ``esco_skill_uri``, ``relation``);
- MELO (``query_id``, ``title``, ``esco_occupation_uris`` separated by spaces): each title
  and occupation as ``skos:closeMatch`` (MELO does not type its links).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import InputError
from ...layout import REFERENCES_FOLDER
from ...parse.sheets import Sheet, read_sheet
from ...terms import CLOSE_MATCH, MAPPING_PREDICATES

if TYPE_CHECKING:
    from sssom_pydantic import SemanticMapping

    from ...workspace import Workspace

__all__ = [
    "REFERENCES_FOLDER",
    "ReferencePair",
    "import_references",
    "is_reference_table",
    "read_reference_table",
]


@dataclass(frozen=True)
class ReferencePair:
    """One published link: the subject's identifier and text, the relation, the target IRI."""

    subject_id: str
    text: str
    predicate: str
    target: str
    line: int


def _columns(sheet: Sheet) -> tuple[str, str, str, str | None] | None:
    """The id, text, target and relation columns of a known layout, or None."""
    header = set(sheet.header)
    if {"vdab_id", "label_nl", "esco_skill_uri", "relation"} <= header:
        return "vdab_id", "label_nl", "esco_skill_uri", "relation"
    if {"query_id", "title", "esco_occupation_uris"} <= header:
        return "query_id", "title", "esco_occupation_uris", None
    labels = [h for h in sheet.header if h.startswith("classification 1") and "label" in h]
    wanted = {"classification 1 id", "classification 2 uri", "mapping relation"}
    if wanted <= header and labels:
        text = next((h for h in labels if h.endswith("nl")), labels[0])
        return "classification 1 id", text, "classification 2 uri", "mapping relation"
    return None


def is_reference_table(path: str | Path) -> bool:
    """Whether the table at ``path`` is a published crosswalk of a known layout."""
    try:
        return _columns(read_sheet(path, what="crosswalk table")) is not None
    except InputError:
        return False


def read_reference_table(path: str | Path) -> list[ReferencePair]:
    """The links of a published crosswalk table; any bad row is one error with file and row."""
    sheet = read_sheet(path, what="crosswalk table")
    columns = _columns(sheet)
    if columns is None:
        raise InputError(
            "not a crosswalk table: expected the ESCO portal's mapping-table columns, "
            "vdab_id/label_nl/esco_skill_uri/relation, or query_id/title/esco_occupation_uris",
            path=sheet.path,
            line=1,
        )
    id_column, text_column, target_column, relation_column = columns
    pairs = []
    for line, row in sheet.rows:
        subject, text = row.get(id_column, "").strip(), " ".join(row.get(text_column, "").split())
        predicate = (
            _predicate(row.get(relation_column, ""), sheet.path, line)
            if relation_column
            else CLOSE_MATCH
        )
        targets = row.get(target_column, "").split()
        if not subject or not text or not targets:
            raise InputError(
                f"a link needs {id_column}, {text_column} and {target_column}",
                path=sheet.path,
                line=line,
            )
        for target in targets:
            if not target.startswith(("http://", "https://")):
                raise InputError(
                    f"{target_column} {target!r} is not an IRI", path=sheet.path, line=line
                )
            pairs.append(ReferencePair(subject, text, predicate, target, line))
    return pairs


def _predicate(value: str, path: Path, line: int) -> str:
    """``exactMatch``, ``skos:exactMatch``, ``exact match`` -> ``skos:exactMatch``."""
    name = re.sub(r"[\s_-]", "", value.strip().lower()).removeprefix("skos:")
    for predicate in MAPPING_PREDICATES:
        if predicate.split(":", 1)[1].lower() in (name, f"{name}match"):
            return predicate
    known = ", ".join(p.split(":", 1)[1] for p in MAPPING_PREDICATES)
    raise InputError(f"mapping relation {value!r} is none of {known}", path=path, line=line)


def import_references(
    ws: Workspace, path: str | Path, *, reviewer: str, license: str | None
) -> Iterator[str]:
    """The table's links as ``references/<name>.sssom.tsv`` in the decisions folder (the
    same table imported again writes the same file)."""
    from sssom_pydantic import MappingSetRecord

    from ...layout import mapping_set_id
    from ...mappings import write_mappings
    from .reviewers import check_reviewer

    check_reviewer(reviewer, ws.converter)
    pairs = read_reference_table(path)
    if not license:
        raise InputError(
            "a published crosswalk needs --license IRI (its publisher's licence)", path=Path(path)
        )
    name = (
        re.sub(r"[^a-z0-9]+", "-", Path(path).name.split(".")[0].lower()).strip("-") or "crosswalk"
    )
    known = {c.uri for c in (*ws.esco.skills, *ws.esco.occupations)}
    kept = [p for p in pairs if p.target in known]
    mappings = _as_mappings(ws, kept, name, Path(path).name, reviewer)
    target = ws.settings.decisions_dir / REFERENCES_FOLDER / f"{name}.sssom.tsv"
    metadata = MappingSetRecord(
        mapping_set_id=mapping_set_id(ws.minter.base, target),
        mapping_set_title=f"published crosswalk {name}, imported as training examples",
        license=license,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    write_mappings(target, mappings, converter=ws.converter, metadata=metadata)
    yield (
        f"{len(mappings)} links of {len({p.subject_id for p in kept})} subjects written to "
        f"{target} (training examples for the vocabulary matcher, not decisions on profiles)"
    )
    if len(kept) < len(pairs):
        left = len(pairs) - len(kept)
        yield f"{left} links name a concept outside the ESCO data in use: left out"


def _as_mappings(
    ws: Workspace, pairs: list[ReferencePair], name: str, source: str, reviewer: str
) -> list[SemanticMapping]:
    """One SSSOM record per subject, relation and target, the subject minted under
    ``{base}reference/{name}/``, undated (a second import writes the same file)."""
    from ...mappings import manual_mapping

    base = f"{ws.minter.base}reference/{name}/"
    links = {}
    for p in pairs:
        link = manual_mapping(
            (base + p.subject_id, p.text),
            p.predicate,
            (p.target, ""),
            ws.converter,
            reviewer=reviewer,
        )
        links[(p.subject_id, p.predicate, p.target)] = link.model_copy(
            update={"mapping_date": None, "comment": f"{source} line {p.line}"}
        )
    return sorted(links.values())
