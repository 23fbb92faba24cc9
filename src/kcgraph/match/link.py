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
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import curies
import numpy as np
from sssom_pydantic import MappingSetRecord, SemanticMapping

from ..errors import InputError
from ..layout import LINK_TARGETS, LinkTarget
from ..parse.sheets import read_sheet
from ..terms import CLOSE_MATCH, COMPOSITE_MATCHING, DATA_LICENSE, SEMANTIC_SIMILARITY, SKOS_CONCEPT
from ..vocab.model import TEXT_WORDS
from .cache import EmbeddingCache
from .items import Item, matchable_items
from .proposals import (
    Candidate,
    extension_definitions,
    mapping_set_id,
    source_versions,
    to_semantic_mapping,
)
from .vocabulary.matcher import BLOCK, TargetSet

if TYPE_CHECKING:
    from ..workspace import Workspace
    from .vocabulary.relations import Reference

__all__ = [
    "LINK_TARGETS",
    "LinkTarget",
    "Linked",
    "OccupationRanking",
    "Prepared",
    "SkillRanking",
    "Term",
    "link_terms",
    "occupation_signals",
    "rank_candidates",
    "read_terms",
]

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
    _check_prefix(ws, prefix, output)
    base = ws.settings.base
    namespace, scheme = f"{base}{prefix}/", f"{base}{prefix}"
    converter = curies.chain([ws.converter, curies.Converter.from_prefix_map({prefix: namespace})])
    items = [
        Item(prefix, namespace + quote(t.id, safe=""), t.text, SKOS_CONCEPT, scheme) for t in terms
    ]
    languages = [_base(t.language) for t in terms]
    candidates, learned = rank_candidates(
        ws, items, languages, target, top_k=top_k, progress=progress
    )
    names = [e.id.split("@")[0] for e in ws.encoders]
    measure = "mean cosine (" + ", ".join(names) + ")"
    if target == "esco-occupations":  # in a language ESCO has labels in, the words count too
        measure = f"mean of character TF-IDF (in the term's language) and {measure}"
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
        else f"ranked by the fused score ({measure})"
    )
    metadata = MappingSetRecord(
        mapping_set_id=mapping_set_id(base, output),
        mapping_set_title=f"kcgraph links of {prefix} to {target} for review",
        mapping_set_description=(
            f"Top-{top_k} {target} per term of the list {prefix}, {how}. "
            "Proposals, not reviewed links."
        ),
        license=DATA_LICENSE,
        extension_definitions=extension_definitions(["tfidf", *names]),
    )
    return Linked(mappings, converter, metadata, len(items), learned)


def _check_prefix(ws: Workspace, prefix: str, output: str | Path) -> None:
    if not _PREFIX.match(prefix):
        raise InputError(
            f"prefix {prefix!r}: letters, digits and _ only, a letter first", path=output
        )
    if prefix in ws.converter.prefix_map:
        raise InputError(f"prefix {prefix!r} is taken (choose another with --prefix)", path=output)


def rank_candidates(
    ws: Workspace,
    items: list[Item],
    languages: list[str],
    target: LinkTarget,
    *,
    top_k: int,
    progress: bool,
    profile: str | None = None,
    prepared: Prepared | None = None,
) -> tuple[list[Candidate], bool]:
    """The top-K candidates of ``target`` for each item as ``kcgraph link`` ranks them, and
    whether a learnt ranker ranked them. ``profile``: only its statements (``profiles``);
    ``prepared``: what earlier calls made ready, kept for the next (a service's)."""
    from .run import per_encoder
    from .vocabulary.matcher import predict_target_candidates

    encoders = ws.encoders
    cache = EmbeddingCache.of(ws.settings)
    try:
        prepared = prepared or Prepared()
        if target == "esco-skills":
            if prepared.skills is None:
                prepared.skills = SkillRanking(ws, cache=cache, progress=progress)
            skills = prepared.skills
            found = skills.candidates(items, top_k=top_k, cache=cache, stable=prepared.stable)
            return found, skills.learned
        if target == "esco-occupations":
            found = occupation_candidates(
                ws,
                items,
                languages,
                top_k=top_k,
                cache=cache,
                progress=progress,
                rankings=prepared.occupations,
            )
            return found, False
        targets: Sequence[TargetSet] | Sequence[Item]
        if target == "isco":
            targets = per_encoder(ws, [g for g in ws.isco_groups if len(g.code) == 4])
        else:
            every = matchable_items(ws.profiles, ws.minter)
            targets = [i for i in every if profile is None or i.profile == profile]
        found = predict_target_candidates(
            items, targets, encoders=encoders, cache=cache, top_k=top_k, progress=progress
        )
        return found, False
    finally:
        cache.close()


@dataclass
class Prepared:
    """What ranking against ESCO needs that the terms do not change, made when first needed
    and kept for the next call: the skills' ranking, the occupations' per language."""

    skills: SkillRanking | None = None
    occupations: dict[str, OccupationRanking] = field(default_factory=dict)
    #: Rank each term alike whatever terms come with it: the learnt skill ranker's hubness
    #: (how near a skill is to everything) measured on the profiles' statements, not on the
    #: terms of the call (a service's batches; ``kcgraph link`` measures it on its list).
    stable: bool = False


class SkillRanking:
    """What ranking terms against ESCO's skills needs that the terms do not change: the
    skills embedded, their structure, the maps and relations learnt from published links, and
    the ranker learnt from the ESCO decisions; made once, then any batch of terms is ranked
    against it (``TargetMatcher.for_queries``)."""

    def __init__(self, ws: Workspace, *, cache: EmbeddingCache, progress: bool) -> None:
        from .items import matchable_items
        from .run import esco_skill_matcher, per_encoder, reference_links, typed_decisions
        from .vocabulary.matcher import TargetMatcher
        from .vocabulary.structure import target_structure

        data, self.encoders = ws.esco, ws.encoders
        self.matcher = TargetMatcher(
            [],
            per_encoder(ws, data.skills),
            encoders=self.encoders,
            cache=cache,
            structure=target_structure(
                data.skills, data.groups, every=[*data.skills, *data.groups]
            ),
            references=reference_links(ws),
            typed=typed_decisions(ws, matchable_items(ws.profiles, ws.minter)),
            progress=progress,
        )
        self.ranker = None
        self.statements_hubness: np.ndarray | None = None
        if ws.settings.learn and ws.examples:
            statements = esco_skill_matcher(ws, encoders=self.encoders, cache=cache, progress=False)
            self.ranker = statements.train(ws.examples, ws.converter)
            self.statements_hubness = statements.hubness

    @property
    def learned(self) -> bool:
        return self.ranker is not None and self.ranker.trained

    def candidates(
        self, items: Sequence[Item], *, top_k: int, cache: EmbeddingCache, stable: bool = False
    ) -> list[Candidate]:
        """The top-K skills of each of ``items`` (``stable``: see :attr:`Prepared.stable`)."""
        matcher = self.matcher.for_queries(items, encoders=self.encoders, cache=cache)
        if stable and self.statements_hubness is not None:
            matcher.hubness = self.statements_hubness
        return matcher.candidates(top_k=top_k, ranker=self.ranker)


def _base(language: str) -> str:
    """The language of a tag without its region (``nl-BE`` -> ``nl``)."""
    return language.split("-")[0].lower()


def occupation_signals(
    ws: Workspace,
    items: Sequence[Item],
    language: str,
    *,
    cache: EmbeddingCache,
    progress: bool,
    references: Sequence[Reference] | None = None,
) -> tuple[list[Item], list[str], Callable[[slice], np.ndarray]]:
    """How terms in ``language`` compare with ESCO's occupations in that language, where
    ESCO's files of it are at hand (the concepts' own, or ``EscoData.translations``), else in
    the concepts' own (English): the targets, the signals' names, and a function that gives
    the signals (signals x rows x targets) of a slice of ``items``.

    In one language the words count: the signals are character TF-IDF (the crosswalk's
    lexical signal) and each encoder, each over a concept's best label (every label for the
    encoders of ``Settings.label_encoders``, the preferred one for the rest); across
    languages, the encoders alone (the TF-IDF of a Dutch title against English labels
    measured 0.149 accuracy@1 on MELO's development set)."""
    ranking = OccupationRanking(ws, language, cache=cache, progress=progress, references=references)
    return ranking.signals(items, cache=cache)


class OccupationRanking:
    """What comparing terms in one language with ESCO's occupations needs that the terms
    do not change (the occupations' labels embedded, the maps learnt from published links,
    the TF-IDF of their labels), made once; :meth:`signals` compares any batch of terms."""

    def __init__(
        self,
        ws: Workspace,
        language: str,
        *,
        cache: EmbeddingCache,
        progress: bool,
        references: Sequence[Reference] | None = None,
    ) -> None:
        from .lexical import fit_tfidf
        from .run import reference_links
        from .vocabulary.matcher import TargetMatcher

        self.targets, every, main, same = occupation_texts(ws, language)
        settings = ws.settings
        per_encoder = [
            every if name in settings.label_encoders else main for name in settings.models
        ]
        self.encoders = ws.encoders
        self.matcher = TargetMatcher(
            [],
            per_encoder,
            encoders=self.encoders,
            cache=cache,
            references=reference_links(ws) if references is None else references,
            progress=progress,
        )
        self.every = every
        self.tfidf = fit_tfidf(every.texts) if same else None

    def signals(
        self, items: Sequence[Item], *, cache: EmbeddingCache
    ) -> tuple[list[Item], list[str], Callable[[slice], np.ndarray]]:
        """The targets, the signals' names and the signals of a slice of ``items``."""
        matcher = self.matcher.for_queries(items, encoders=self.encoders, cache=cache)
        if self.tfidf is None:
            return (
                self.targets,
                matcher.names,
                lambda rows: matcher.block(rows, context=False).signals,
            )
        vectorizer, matrix = self.tfidf
        queries = vectorizer.transform([item.embed_text for item in items])
        starts = self.every.starts

        def signals(rows: slice) -> np.ndarray:
            lexical = (queries[rows] @ matrix.T).toarray()
            best = np.maximum.reduceat(lexical, starts, axis=1)
            return np.concatenate([best[None], matcher.block(rows, context=False).signals])

        return self.targets, ["tfidf", *matcher.names], signals


def occupation_texts(ws: Workspace, language: str) -> tuple[list[Item], TargetSet, TargetSet, bool]:
    """ESCO's occupations with their labels in ``language`` where ESCO has them: the items,
    every label (at most ``MAX_LABELS``), the preferred label only, and whether the labels
    are in ``language``."""
    from .vocabulary.matcher import MAX_LABELS, esco_items

    concepts = ws.esco.occupations
    translated = ws.esco.translations.get(language, {})
    labels = [translated.get(c.uri) or (c.pref_label, *c.alt_labels) for c in concepts]
    same = bool(translated) or language in {c.lang for c in concepts}
    texts, owner = [], []
    for j, own in enumerate(labels):
        for text in dict.fromkeys(" ".join(t.split()[:TEXT_WORDS]) for t in own[:MAX_LABELS]):
            texts.append(text)
            owner.append(j)
    targets = esco_items(concepts)
    every = TargetSet(targets, texts, np.asarray(owner))
    main = TargetSet(targets, [own[0] for own in labels], np.arange(len(concepts)))
    return targets, every, main, same


def occupation_candidates(
    ws: Workspace,
    items: list[Item],
    languages: list[str],
    *,
    top_k: int,
    cache: EmbeddingCache,
    progress: bool,
    threshold: float = 0.0,
    exclude: Collection[frozenset[str]] = (),
    rankings: dict[str, OccupationRanking] | None = None,
) -> list[Candidate]:
    """The top-K ESCO occupations of each term by the fused score (the mean of
    :func:`occupation_signals`), the terms of each language compared in theirs: what
    ``kcgraph link --target esco-occupations`` and ``match --target esco`` propose (those with
    a fused score under ``threshold`` or a pair in ``exclude`` left out; ``rankings``: the
    occupations made ready per language, kept there for the next call)."""
    out: list[Candidate] = []
    for language in sorted(set(languages)):
        chosen = [item for item, lang in zip(items, languages, strict=True) if lang == language]
        rankings = {} if rankings is None else rankings  # made once per language
        if language not in rankings:
            rankings[language] = OccupationRanking(ws, language, cache=cache, progress=progress)
        targets, names, signals = rankings[language].signals(chosen, cache=cache)
        k = min(top_k, len(targets))
        justification = COMPOSITE_MATCHING if len(names) > 1 else SEMANTIC_SIMILARITY
        for start in range(0, len(chosen), BLOCK):
            rows = slice(start, min(start + BLOCK, len(chosen)))
            values = signals(rows)
            fused = values.mean(axis=0)
            part = np.argpartition(-fused, k - 1, axis=1)[:, :k]
            order = np.lexsort((part, -np.take_along_axis(fused, part, axis=1)), axis=1)
            for r, columns in enumerate(np.take_along_axis(part, order, axis=1).tolist()):
                for rank, c in enumerate(columns, start=1):
                    pair = frozenset((chosen[start + r].iri, targets[c].iri))
                    if fused[r, c] < threshold or pair in exclude:
                        continue
                    detail = {n: round(float(values[i, r, c]), 4) for i, n in enumerate(names)}
                    out.append(
                        Candidate(
                            chosen[start + r],
                            targets[c],
                            CLOSE_MATCH,
                            justification,
                            round(float(fused[r, c]), 4),
                            rank,
                            detail,
                        )
                    )
    return out
