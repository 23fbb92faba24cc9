"""What ``kcgraph match`` runs, on one workspace: proposals between profiles
(:func:`match_profiles`) and to ESCO or ISCO-08 (:func:`match_targets`).

Both take the :class:`~kcgraph.workspace.Workspace` whole: its settings, profiles, converter,
decisions, scorer and ESCO are made once there, never here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..layout import Target
from ..parse.model import Kind
from .cache import EmbeddingCache
from .crosswalk.neighbours import Approximate
from .crosswalk.predict import predict_mappings
from .crosswalk.ranker import Ranker
from .crosswalk.scoring import Scorer
from .encoders import Encoder
from .items import Item, matchable_items, statement_item, statement_texts
from .proposals import Candidate, MatchResult, source_versions, to_semantic_mapping

if TYPE_CHECKING:
    from pathlib import Path

    from ..settings import Settings
    from ..vocab.model import EscoConcept, EscoData
    from ..workspace import Workspace
    from .vocabulary.languages import OwnLanguage
    from .vocabulary.matcher import TargetMatcher, TargetSet
    from .vocabulary.ranker import TargetRanker
    from .vocabulary.relations import Reference

__all__ = [
    "build_scorer",
    "esco_skill_matcher",
    "match_profiles",
    "match_targets",
    "match_to_file",
    "per_encoder",
    "typed_decisions",
]


def match_to_file(ws: Workspace, target: Target, path: Path, *, fresh: bool = False) -> list[str]:
    """``kcgraph match``: the queue of ``target`` written to ``path`` (from the cache when an
    identical match made it, unless ``fresh``: :mod:`.memo`); the lines to print."""
    from .memo import MatchMemo
    from .proposals import write_proposals

    memo = MatchMemo.of(ws, target, path)
    kept = None if fresh else memo.replay(path)
    if kept is not None:
        return ["nothing changed since an identical match: its queue, from the cache", *kept]
    with ws.running():
        result = match_profiles(ws) if target == "profiles" else match_targets(ws, target)
    write_proposals(path, result, ws.converter)
    summary = result.summary()
    memo.remember(path, [line for line in summary if not line.startswith("embeddings:")])
    return summary


def build_scorer(ws: Workspace, *, progress: bool = True) -> Scorer:
    """Load the encoders and embed every matchable statement (through the on-disk cache)."""
    settings = ws.settings
    cache = EmbeddingCache.of(settings, ws.engine)
    try:
        return Scorer(
            matchable_items(ws.profiles, ws.minter),
            encoders=ws.encoders,
            cache=cache,
            lexical=settings.lexical,
            progress=progress,
        )
    finally:
        cache.close()


def match_profiles(ws: Workspace) -> MatchResult:
    """Proposals between the statements of different profiles, decided pairs left out.

    With decisions (and :attr:`Settings.learn`), a ranker learns from them first: its
    probability orders the candidates, becomes each proposal's ``confidence``, and cuts the
    queue at :attr:`Settings.min_precision` expected precision.
    """
    settings, scorer = ws.settings, ws.scorer
    ranker = Ranker(scorer)
    if settings.learn and ws.examples:
        ranker.train(ws.examples, ws.converter, cache=settings.fitted_dir)
    mappings = predict_mappings(
        scorer,
        ws.converter,
        top_k=settings.top_k,
        threshold=settings.threshold,
        exclude=ws.decided_pairs,
        ranker=ranker,
        target_precision=settings.min_precision,
        versions=source_versions(ws.profiles, ws.minter),
        approximate=_approximate(settings),
        engine=ws.engine,
    )
    return MatchResult(
        "profiles",
        mappings,
        list(scorer.names),
        settings,
        settings.top_k,
        settings.threshold,
        len(scorer.items),
        scorer.cache_hits,
        scorer.cache_misses,
        ranker,
    )


def _approximate(settings: Settings) -> Approximate | None:
    """When the settings have candidates come from the approximate index (``None``: never)."""
    if settings.ann_min_items is None:
        return None
    return Approximate(settings.ann_min_items, settings.ann_pool)


def match_targets(ws: Workspace, target: Target) -> MatchResult:
    """Proposals from the profiles to ESCO (statements -> skills, occupations ->
    occupations) or to ISCO-08 unit groups (occupations whose source states no ISCO code).

    Lexical overlap means little between Dutch and English: only the encoders score these.
    Statements are ranked against ESCO skills by a ranker that learns from the ESCO
    decisions (with :attr:`Settings.learn`), using ESCO's structure as well as its words
    (:mod:`kcgraph.match.vocabulary.ranker`); without enough decisions, by the fused cosine.
    """
    if target not in ("esco", "isco"):
        raise ValueError(f"unknown target {target!r}")
    settings, encoders = ws.settings, ws.encoders
    cache = EmbeddingCache.of(settings, ws.engine)
    try:
        if target == "isco":
            candidates, ranker = _isco_candidates(ws, encoders, cache), None
            top_k = settings.occupation_top_k
        else:
            candidates, ranker = _esco_candidates(ws, encoders, cache)
            top_k = settings.esco_skill_top_k
        hits, misses = cache.hits, cache.misses
    finally:
        cache.close()
    names = [e.id.split("@")[0] for e in encoders]
    for candidate in candidates:  # and a map learnt from published crosswalks, if any
        names += [name for name in candidate.signals if name not in names]
    measure = "mean cosine (" + ", ".join(names) + ")"
    versions = source_versions(ws.profiles, ws.minter) | ws.vocabulary_versions
    mappings = [
        to_semantic_mapping(c, ws.converter, measure=measure, versions=versions) for c in candidates
    ]
    threshold = settings.target_threshold
    return MatchResult(target, mappings, names, settings, top_k, threshold, 0, hits, misses, ranker)


def _occupations(ws: Workspace, *, stated_isco: bool = True) -> tuple[list[Item], list[str]]:
    """Every occupation of every profile (a profile may list many), read with its first
    alternative titles, and the language of its profile (primary subtag); with
    ``stated_isco=False``, only those whose source states no ISCO code."""
    items, languages = [], []
    for p in ws.profiles:
        for s in p.statements.values():
            if s.kind is Kind.OCCUPATION and (stated_isco or not s.isco_codes):
                items.append(
                    statement_item(p, s, ws.minter, " | ".join([s.label, *s.alt_labels[:12]]))
                )
                languages.append(p.source.language.split("-")[0].lower())
    return items, languages


def per_encoder(ws: Workspace, concepts: Sequence[EscoConcept]) -> list[TargetSet]:
    """The concepts' texts as each encoder reads them (every label, or one main text)."""
    from .vocabulary.matcher import target_set

    settings = ws.settings
    sets = [
        target_set(concepts, labels=name in settings.label_encoders) for name in settings.models
    ]
    shown = [replace(i, label=ws.esco_label(i.iri, i.label)) for i in sets[0].items]
    return [replace(s, items=shown) for s in sets]  # labels in the reader's language


def _isco_candidates(
    ws: Workspace, encoders: Sequence[Encoder], cache: EmbeddingCache
) -> list[Candidate]:
    """ISCO-08 unit groups for the occupations whose source states no ISCO code."""
    from .vocabulary.matcher import predict_target_candidates

    units = per_encoder(ws, [g for g in ws.isco_groups if len(g.code) == 4])
    asked, _ = _occupations(ws, stated_isco=False)
    return predict_target_candidates(
        asked,
        units,
        encoders=encoders,
        cache=cache,
        top_k=ws.settings.occupation_top_k,
        threshold=ws.settings.target_threshold,
        exclude=ws.decided_pairs,
    )


def _esco_candidates(
    ws: Workspace, encoders: Sequence[Encoder], cache: EmbeddingCache
) -> tuple[list[Candidate], TargetRanker | None]:
    """ESCO skills per statement (learnt from the ESCO decisions where there are enough),
    then ESCO occupations per occupation, as ``kcgraph link --target esco-occupations``
    ranks them (in the profile's language where ESCO has its labels)."""
    from .link import occupation_candidates

    settings = ws.settings
    matcher = esco_skill_matcher(ws, encoders=encoders, cache=cache)
    ranker = matcher.train(ws.examples, ws.converter) if settings.learn and ws.examples else None
    candidates = matcher.candidates(
        top_k=settings.esco_skill_top_k,
        threshold=settings.target_threshold,
        exclude=ws.decided_pairs,
        ranker=ranker,
    )
    occupations, languages = _occupations(ws)
    candidates += occupation_candidates(
        ws,
        occupations,
        languages,
        top_k=settings.occupation_top_k,
        cache=cache,
        progress=True,
        threshold=settings.target_threshold,
        exclude=ws.decided_pairs,
    )
    return candidates, ranker


def esco_skill_matcher(
    ws: Workspace,
    *,
    encoders: Sequence[Encoder],
    cache: EmbeddingCache,
    progress: bool = True,
) -> TargetMatcher:
    """Every matchable statement against every ESCO skill: each label (for the encoders of
    :attr:`Settings.label_encoders`) or the main text, the statement's parent, and the skills
    pillar above each skill."""
    from .vocabulary.matcher import TargetMatcher
    from .vocabulary.structure import target_structure

    data: EscoData = ws.esco
    statements = matchable_items(ws.profiles, ws.minter)
    texts = statement_texts(ws.profiles, ws.minter)
    languages = {p.source.id: p.source.language.split("-")[0].lower() for p in ws.profiles}
    return TargetMatcher(
        statements,
        per_encoder(ws, data.skills),
        encoders=encoders,
        cache=cache,
        structure=target_structure(data.skills, data.groups, every=[*data.skills, *data.groups]),
        parents=[texts.get(next(iter(s.parents), ""), s.embed_text) for s in statements],
        references=reference_links(ws),
        typed=typed_decisions(ws, statements),
        own=own_language_labels(
            ws, data.skills, [languages.get(s.profile, "") for s in statements]
        ),
        progress=progress,
    )


def own_language_labels(
    ws: Workspace, concepts: Sequence[EscoConcept], query_languages: Sequence[str]
) -> OwnLanguage | None:
    """ESCO's labels of ``concepts`` in the commonest language of the queries that ESCO has
    (``EscoData.translations``), as each encoder reads them."""
    from .vocabulary.languages import own_language

    if not ws.settings.own_language_labels:
        return None
    counts = {lang: query_languages.count(lang) for lang in set(query_languages)}
    known = sorted(
        (lang for lang in counts if ws.esco.translations.get(lang)),
        key=lambda lang: (-counts[lang], lang),
    )
    if not known:
        return None
    every = [name in ws.settings.label_encoders for name in ws.settings.models]
    labels = ws.esco.translations[known[0]]
    return own_language([c.uri for c in concepts], labels, known[0], query_languages, every)


def reference_links(ws: Workspace) -> list[Reference]:
    """The published crosswalks imported into the decisions folder (``kcgraph review import``):
    each subject's text, target IRI and relation, what the vocabulary matcher learns a map and
    the relations from."""
    from .vocabulary.crosslingual import reference_links as read_links

    return read_links(ws.settings.decisions_dir, ws.converter)


def typed_decisions(ws: Workspace, statements: Sequence[Item]) -> list[Reference]:
    """The reviewers' accepted links from ``statements`` (statement first, as stored): each
    statement's text, the target's IRI and the relation, what the relations are learnt from
    beside the published crosswalks."""
    from .vocabulary.relations import RELATIONS, Reference

    text = {s.iri: s.embed_text for s in statements}
    out = []
    for m in ws.examples:
        subject = ws.converter.expand(m.subject.curie)
        if not m.negated and m.predicate.curie in RELATIONS and subject in text:
            out.append(
                Reference(text[subject], ws.converter.expand(m.object.curie), m.predicate.curie)
            )
    return out
