"""``kcgraph link``: any list of terms (a national classification's titles, a list of
competences, a spreadsheet column) linked to ESCO occupations or skills, ISCO-08 unit groups
or the built profiles' statements, as SSSOM for review.

The list is a table (:func:`~kcgraph.parse.sheets.read_sheet`) with a header holding ``id``
and ``text`` (and optionally ``language``). Each row becomes an
:class:`~kcgraph.match.items.Item` under a prefix of its own (declared in the output's curie
map), so ``subject_id`` is a CURIE of the row's id and ``subject_label`` its text. The
matching is the one ``kcgraph match`` runs towards the same target: towards ESCO skills the
ranker learnt from the ESCO decisions (its probability is ``confidence``), elsewhere the
fused cosine of the multilingual encoders.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import curies
from sssom_pydantic import MappingSetRecord, SemanticMapping

from ..errors import InputError
from ..layout import LINK_TARGETS, LinkTarget
from ..parse.sheets import read_sheet
from ..terms import DATA_LICENSE, SKOS_CONCEPT
from .cache import EmbeddingCache
from .items import Item, matchable_items
from .proposals import (
    Candidate,
    extension_definitions,
    mapping_set_id,
    source_versions,
    to_semantic_mapping,
)

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = ["LINK_TARGETS", "LinkTarget", "Linked", "Term", "link_terms", "read_terms"]

_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Term:
    """One row of the list: its id, text, language and row number."""

    id: str
    text: str
    language: str
    row: int


def read_terms(path: str | Path, *, language: str) -> list[Term]:
    """The rows of a term list (``language``: where a row states none); every problem is one
    error naming the file and row."""
    sheet = read_sheet(path, what="term list")
    missing = [c for c in ("id", "text") if c not in sheet.header]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; the header needs id and text "
            "(and may have language)",
            path=sheet.path,
            line=1,
        )
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        identifier, text = cells.get("id", ""), " ".join(cells.get("text", "").split())
        if not identifier:
            raise InputError("column id: empty", path=sheet.path, line=number)
        if not text:
            raise InputError("column text: empty", path=sheet.path, line=number)
        if identifier in seen:
            raise InputError(
                f"column id: {identifier!r} is also the id of row {seen[identifier]}",
                path=sheet.path,
                line=number,
            )
        seen[identifier] = number
        terms.append(Term(identifier, text, cells.get("language") or language, number))
    if not terms:
        raise InputError("no terms: the table has a header only", path=sheet.path, line=1)
    return terms


@dataclass
class Linked:
    """What ``kcgraph link`` produced: the mappings, the converter that names them, and the
    set's description."""

    mappings: list[SemanticMapping]
    converter: curies.Converter
    metadata: MappingSetRecord
    terms: int
    learned: bool


def link_terms(
    ws: Workspace,
    terms: Sequence[Term],
    target: LinkTarget,
    *,
    prefix: str,
    top_k: int,
    output: str | Path,
    progress: bool = True,
) -> Linked:
    """The top-K candidates of ``target`` for each term, best first, as SSSOM records."""
    if not _PREFIX.match(prefix):
        raise InputError(
            f"prefix {prefix!r}: letters, digits and _ only, a letter first", path=output
        )
    if prefix in ws.converter.prefix_map:
        raise InputError(f"prefix {prefix!r} is taken (choose another with --prefix)", path=output)
    base = ws.settings.base
    namespace, scheme = f"{base}{prefix}/", f"{base}{prefix}"
    converter = curies.chain([ws.converter, curies.Converter.from_prefix_map({prefix: namespace})])
    items = [
        Item(prefix, namespace + quote(t.id, safe=""), t.text, SKOS_CONCEPT, scheme) for t in terms
    ]
    candidates, learned = _candidates(ws, items, target, top_k=top_k, progress=progress)
    names = [e.id.split("@")[0] for e in ws.encoders]
    measure = "mean cosine (" + ", ".join(names) + ")"
    versions = source_versions(ws.profiles, ws.minter) | ws.vocabulary_versions
    order = {item.iri: i for i, item in enumerate(items)}
    ranked = sorted(candidates, key=lambda c: (order[c.subject.iri], c.rank, c.object.iri))
    mappings = [
        to_semantic_mapping(c, converter, measure=measure, versions=versions) for c in ranked
    ]
    how = (
        "ranked by the ranker learnt from the ESCO review decisions; confidence = its "
        "calibrated probability"
        if learned
        else f"ranked by the fused score (mean cosine of {', '.join(names)})"
    )
    metadata = MappingSetRecord(
        mapping_set_id=mapping_set_id(base, output),
        mapping_set_title=f"kcgraph links of {prefix} to {target} for review",
        mapping_set_description=(
            f"Top-{top_k} {target} per term of the list {prefix}, {how}. "
            "Proposals, not reviewed links."
        ),
        license=DATA_LICENSE,
        extension_definitions=extension_definitions(names),
    )
    return Linked(mappings, converter, metadata, len(items), learned)


def _candidates(
    ws: Workspace, items: list[Item], target: LinkTarget, *, top_k: int, progress: bool
) -> tuple[list[Candidate], bool]:
    from .run import esco_skill_matcher, per_encoder
    from .vocabulary.matcher import TargetMatcher, predict_target_candidates
    from .vocabulary.structure import target_structure

    encoders, settings = ws.encoders, ws.settings
    cache = EmbeddingCache.of(settings)
    try:
        if target == "esco-skills":
            data = ws.esco
            matcher = TargetMatcher(
                items,
                per_encoder(ws, data.skills),
                encoders=encoders,
                cache=cache,
                structure=target_structure(
                    data.skills, data.groups, every=[*data.skills, *data.groups]
                ),
                progress=progress,
            )
            ranker = None
            if settings.learn and ws.decisions:
                statements = esco_skill_matcher(ws, encoders=encoders, cache=cache, progress=False)
                ranker = statements.train(ws.decisions, ws.converter)
            found = matcher.candidates(top_k=top_k, ranker=ranker)
            return found, ranker is not None and ranker.trained
        if target == "esco-occupations":
            targets = per_encoder(ws, ws.esco.occupations)
        elif target == "isco":
            targets = per_encoder(ws, [g for g in ws.isco_groups if len(g.code) == 4])
        else:
            statements_items = matchable_items(ws.profiles, ws.minter)
            found = predict_target_candidates(
                items,
                statements_items,
                encoders=encoders,
                cache=cache,
                top_k=top_k,
                progress=progress,
            )
            return found, False
        found = predict_target_candidates(
            items, targets, encoders=encoders, cache=cache, top_k=top_k, progress=progress
        )
        return found, False
    finally:
        cache.close()
