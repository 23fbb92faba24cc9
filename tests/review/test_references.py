"""Published crosswalks (the ESCO portal's mapping tables, MELO's lists) imported as training
examples of the vocabulary matcher, kept apart from the profiles' decisions, and what the
matcher learns from them, measured on statements it never saw."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from kcgraph.evaluate.metrics import rank_metrics
from kcgraph.layout import REFERENCES_FOLDER
from kcgraph.match.cache import EmbeddingCache
from kcgraph.match.run import esco_skill_matcher, reference_links
from kcgraph.match.vocabulary.matcher import TargetMatcher
from kcgraph.match.vocabulary.relations import Reference
from kcgraph.terms import BROAD_MATCH, CLOSE_MATCH, RELATED_MATCH

from ..conftest import run_cli, workspace
from ..match.test_learning import COMMITTED

REVIEWER = "orcid:0000-0002-1825-0097"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture(scope="module")
def esco():
    return workspace().esco


def _import(path, decisions, *extra):
    return run_cli(
        "review", "import", path, "--reviewer", REVIEWER, "--mappings", decisions, *extra
    )


def test_an_esco_portal_mapping_table_is_kept_apart_and_reimports_identically(esco, tmp_path):
    skills = esco.skills
    table = tmp_path / "ESCO - VDAB Competences.csv"
    table.write_text(
        "Classification 1 URI;Classification 1 ID;Classification 1 PrefLabel NL;"
        "Classification 2 URI;Classification 2 PrefLabel EN;Mapping Relation\n"
        f"x;KN-1;Klantvriendelijkheid;{skills[0].uri};{skills[0].pref_label};exactMatch\n"
        f"x;KN-1;Klantvriendelijkheid;{skills[1].uri};{skills[1].pref_label};broad match\n"
        f"x;SK-2;Telefoneren;{skills[2].uri};;skos:narrowMatch\n"
        "x;SK-3;Onbekend;http://data.europa.eu/esco/skill/not-there;;closeMatch\n",
        encoding="utf-8",
    )
    decisions = tmp_path / "decisions"
    first = _import(table, decisions, "--license", CC_BY)
    assert first.returncode == 0, first.stderr
    assert "3 links of 2 subjects" in first.stdout and "1 links name a concept" in first.stdout
    written = decisions / REFERENCES_FOLDER / "esco-vdab-competences.sssom.tsv"
    text = written.read_text(encoding="utf-8")
    assert "Klantvriendelijkheid\tskos:broadMatch" in text and "skos:narrowMatch" in text
    assert not (decisions / "positive.sssom.tsv").exists()  # no decision on a profile
    assert _import(table, decisions, "--license", CC_BY).returncode == 0
    assert written.read_text(encoding="utf-8") == text
    links = reference_links(workspace(mappings_dir=decisions))
    assert ("Klantvriendelijkheid", skills[1].uri, BROAD_MATCH) in links and len(links) == 3


def test_melo_and_short_layouts_and_their_mistakes(esco, tmp_path):
    occupations = esco.occupations
    melo = tmp_path / "melo.tsv"
    melo.write_text(
        "query_id\ttitle\tesco_occupation_uris\n"
        f"Q1\tSlager\t{occupations[0].uri} {occupations[1].uri}\n",
        encoding="utf-8",
    )
    decisions = tmp_path / "decisions"
    assert _import(melo, decisions, "--license", CC_BY).returncode == 0
    text = (decisions / REFERENCES_FOLDER / "melo.sssom.tsv").read_text(encoding="utf-8")
    assert text.count("Slager\tskos:closeMatch") == 2
    unlicensed = _import(melo, tmp_path / "other")
    assert unlicensed.returncode != 0 and "--license" in unlicensed.stderr
    bad = tmp_path / "short.tsv"
    bad.write_text(
        "vdab_id\tlabel_nl\tesco_skill_uri\trelation\n"
        f"KN-1\tTekst\t{esco.skills[0].uri}\tskos:exactMatch\n"
        f"KN-2\tTekst\t{esco.skills[0].uri}\tmostly the same\n",
        encoding="utf-8",
    )
    run = _import(bad, decisions, "--license", CC_BY)
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert f"{bad}:3:" in run.stderr and "mapping relation 'mostly the same'" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_a_map_learnt_from_published_links_ranks_unseen_statements_better(esco):
    """The committed ESCO decisions stand in for a published crosswalk: a statement's text and
    its skill. Split by statement into four folds, the map learnt on three ranks the skills of
    the fourth's statements; the fused score with the mapped cosines is compared with the
    encoders' own."""
    ws = workspace(mappings_dir=COMMITTED)
    cache = EmbeddingCache.of(ws.settings)
    matcher = esco_skill_matcher(ws, encoders=ws.encoders, cache=cache, progress=False)
    column = {t.iri: j for j, t in enumerate(matcher.targets.items)}
    row = {q.iri: i for i, q in enumerate(matcher.queries)}
    links = set()
    for decision in ws.examples:
        if str(decision.predicate.curie) == RELATED_MATCH:
            continue
        ends = [
            ws.converter.expand(decision.subject.curie),
            ws.converter.expand(decision.object.curie),
        ]
        for a, b in (ends, ends[::-1]):
            if a in row and b in column:
                links.add((row[a], column[b]))

    def fold(i: int) -> int:
        return int(hashlib.sha256(matcher.queries[i].iri.encode()).hexdigest(), 16) % 4

    cold, learnt = [], []
    for f in range(4):
        test = sorted({a for a, _ in links if fold(a) == f})
        taught = [
            Reference(matcher.queries[a].embed_text, matcher.targets.items[b].iri, CLOSE_MATCH)
            for a, b in links
            if fold(a) != f
        ]
        unseen = TargetMatcher(
            [matcher.queries[i] for i in test],
            matcher.per_encoder,
            encoders=ws.encoders,
            cache=cache,
            references=taught,
            progress=False,
        )
        assert unseen.names[len(matcher.names) :] == [f"{n}+map" for n in matcher.names]
        signals = unseen.block(slice(0, len(test)), context=False).signals
        for r, i in enumerate(test):
            right = [b for a, b in links if a == i]
            for scores, ranks in (
                (signals[: len(matcher.names), r].mean(0), cold),
                (signals[:, r].mean(0), learnt),
            ):
                ranks.append(1 + int(np.sum(scores > max(scores[j] for j in right))))
    cache.close()
    before, after = rank_metrics(cold, hits=(1, 10)), rank_metrics(learnt, hits=(1, 10))
    print(f"\n{len(cold)} held-out statements: cold {before}, with the learnt map {after}")
    assert len(cold) >= 50
    assert after["mrr"] > before["mrr"] and after["hits@1"] > before["hits@1"]


def test_a_matcher_made_ready_before_its_queries_learns_the_same_map(esco):
    """A service makes its matcher ready with no queries (``TargetMatcher.for_queries``): with
    a map learnt from published links, a batch then gets the signals a matcher made for it
    would give (no queries map to none: a first version crashed there)."""
    ws = workspace(mappings_dir=COMMITTED)
    cache = EmbeddingCache.of(ws.settings)
    matcher = esco_skill_matcher(ws, encoders=ws.encoders, cache=cache, progress=False)
    taught = [
        Reference(q.embed_text, t.iri, CLOSE_MATCH)
        for q, t in zip(matcher.queries[:60], matcher.targets.items[:60], strict=True)
    ]
    batch = matcher.queries[60:70]

    def made(queries):
        return TargetMatcher(
            queries,
            matcher.per_encoder,
            encoders=ws.encoders,
            cache=cache,
            references=taught,
            progress=False,
        )

    ready = made([])
    assert ready.map_matrices and ready.names[len(matcher.names) :]
    direct, later = made(batch), ready.for_queries(batch, encoders=ws.encoders, cache=cache)
    cache.close()
    rows = slice(0, len(batch))
    np.testing.assert_allclose(
        later.block(rows, context=False).signals, direct.block(rows, context=False).signals
    )
