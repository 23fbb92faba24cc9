"""Benchmarks made by others, side by side in one run: MELO's Belgian Dutch occupation titles
-> ESCO occupations, and the ESCO-VDAB mapping's Flemish competences -> ESCO skills.

Each set is linked the way ``kcgraph link`` links a list (:mod:`kcgraph.match.link`); every
concept of the target is ranked for every query. Beside each method, in the same run: a
lexical baseline (character n-gram TF-IDF against ESCO's English labels, as MELO's
"character TF-IDF") and the zero-shot fused score of the project's encoders. Towards ESCO
skills the learned ranker (trained on the committed ESCO decisions, never on these sets) is
compared with the cold fused score: the quality guard of ``make test`` on data made by
others.

    python bench/bench_external.py [--shared ../shared] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kcgraph.evaluate.metrics import expected_calibration_error, rank_metrics, reliability
from kcgraph.match.cache import EmbeddingCache
from kcgraph.match.items import Item
from kcgraph.match.link import occupation_signals
from kcgraph.match.run import esco_skill_matcher, own_language_labels, per_encoder
from kcgraph.match.vocabulary.matcher import TargetMatcher, TargetSet
from kcgraph.match.vocabulary.relations import Reference, chosen_relations
from kcgraph.match.vocabulary.structure import target_structure
from kcgraph.terms import EXACT_MATCH
from kcgraph.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
#: Published figures for MELO's bel_q_nl_c_en (accuracy@1 / @10 / MRR), from its README.
PUBLISHED = {
    "OpenAI embeddings": (0.457, 0.781, 0.570),
    "multilingual E5": (0.284, 0.595, 0.385),
    "mUSE": (0.229, 0.473, 0.315),
    "character TF-IDF": (0.149, 0.271, 0.197),
}
RELATIONS = {
    "exact": {"skos:exactMatch"},
    "exact+close": {"skos:exactMatch", "skos:closeMatch"},
    "any": {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch"},
}


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def items_of(rows: Sequence[tuple[str, str]], prefix: str) -> list[Item]:
    return [Item(prefix, f"urn:{prefix}:{i}", text, "skos:Concept", prefix) for i, text in rows]


def ranks(scores: np.ndarray, right: Sequence[int]) -> float:
    """1 + how many targets score above the best right one (inf: no right one known)."""
    if not right:
        return float("inf")
    return float(1 + np.sum(scores > max(scores[j] for j in right)))


def lexical(queries: Sequence[str], targets: TargetSet) -> np.ndarray:
    """Character TF-IDF cosine of each query with each target's best text."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    t = vectorizer.fit_transform(targets.texts)
    q = vectorizer.transform(queries)
    return np.maximum.reduceat((q @ t.T).toarray(), targets.starts, axis=1)


def rank_all(
    matcher: TargetMatcher,
    rights: dict[str, Sequence[Sequence[int]]],
    methods: dict[str, object],
    lexical_scores: np.ndarray,
    block: int = 128,
) -> dict[str, dict[str, list[float]]]:
    """Ranks of the right targets of every query, per set of right answers (``rights``:
    name -> per query) and method (``None``: fused); each block is scored once."""
    names = ["lexical (char TF-IDF)", *methods]
    out = {key: {name: [] for name in names} for key in rights}
    for start in range(0, len(matcher.queries), block):
        rows = slice(start, min(start + block, len(matcher.queries)))
        pairs = matcher.block(rows)
        scores = {"lexical (char TF-IDF)": lexical_scores[rows]}
        for name, ranker in methods.items():
            scores[name] = (
                pairs.fused if ranker is None else ranker.score(pairs, matcher.structure)  # type: ignore[attr-defined]
            )
        for key, right in rights.items():
            for name, score in scores.items():
                for r, i in enumerate(range(rows.start, rows.stop)):
                    out[key][name].append(ranks(score[r], right[i]))
    return out


#: Folds of the out-of-fold figures of what is learnt from a published crosswalk.
FOLDS = 5


def fold_of(identifier: str) -> int:
    """A query's fold, by a hash of its identifier (a competence or title is never in two)."""
    return int(hashlib.sha256(identifier.encode("utf-8")).hexdigest(), 16) % FOLDS


def print_table(title: str, figures: dict[str, list[float]], *, hits: tuple[int, ...]) -> None:
    print(f"\n{title}")
    columns = [f"@{k}" for k in hits] + ["MRR", "recall@50"]
    print(f"  {'method':<44}" + "".join(f"{c:>10}" for c in columns))
    for name, values in figures.items():
        m = rank_metrics(values, hits=(*hits, 50))
        row = [m[f"hits@{k}"] for k in hits] + [m["mrr"], m["hits@50"]]
        print(f"  {name:<44}" + "".join(f"{v:>10.3f}" for v in row))


def melo(ws: Workspace, shared: Path, cache: EmbeddingCache, limit: int | None) -> None:
    rows = read_tsv(shared / "eval" / "melo-bel-nl.tsv")[:limit]
    occupations = ws.esco.occupations
    index = {c.uri: j for j, c in enumerate(occupations)}
    right = [[index[u] for u in r["esco_occupation_uris"].split() if u in index] for r in rows]
    items = items_of([(r["query_id"], r["title"]) for r in rows], "melo")
    english = per_encoder(ws, occupations)[0]
    lexical_en = lexical([i.label for i in items], english)
    figures: dict[str, list[float]] = {"lexical (char TF-IDF, English labels)": []}
    figures["lexical (char TF-IDF, English labels)"] = [
        ranks(lexical_en[i], right[i]) for i in range(len(items))
    ]
    started = time.perf_counter()
    before = TargetMatcher(items, per_encoder(ws, occupations), encoders=ws.encoders, cache=cache)
    name = "encoders, English labels (link before)"
    figures[name] = rank_all(before, {"": right}, {name: None}, lexical_en)[""][name]
    _, names, signals = occupation_signals(ws, items, "nl", cache=cache, progress=True)
    name = "kcgraph link: fused, ESCO's Dutch labels"
    figures[name] = []
    parts: dict[str, list[float]] = {n: [] for n in names}
    for start in range(0, len(items), 128):
        block = slice(start, min(start + 128, len(items)))
        values = signals(block)
        fused = values.mean(axis=0)
        for r, i in enumerate(range(block.start, block.stop)):
            figures[name].append(ranks(fused[r], right[i]))
            for k, n in enumerate(names):
                parts[n].append(ranks(values[k, r], right[i]))
    for n, values_n in parts.items():
        figures[f"  its signal {n} alone"] = values_n
    name = "+ map learnt from MELO (out of fold)"
    learnt = [0.0] * len(items)
    for fold in range(FOLDS):
        test = [i for i, r in enumerate(rows) if fold_of(r["query_id"]) == fold]
        refs = [
            Reference(r["title"], u, EXACT_MATCH)
            for r in rows
            if fold_of(r["query_id"]) != fold
            for u in r["esco_occupation_uris"].split()
        ]
        _, _, fold_signals = occupation_signals(
            ws, [items[i] for i in test], "nl", cache=cache, progress=False, references=refs
        )
        fused = fold_signals(slice(0, len(test))).mean(axis=0)
        for r, i in enumerate(test):
            learnt[i] = ranks(fused[r], right[i])
    figures[name] = learnt
    print_table(
        f"MELO bel_q_nl_c_en (dev): {len(rows)} Dutch titles -> {len(occupations):,} ESCO "
        f"occupations, {time.perf_counter() - started:.1f} s; the map is learnt on four "
        "folds of MELO's titles and measured on the fifth",
        figures,
        hits=(1, 10),
    )
    print("  published (ranking labels; the same at @1):")
    for name, (a1, a10, mrr) in PUBLISHED.items():
        print(f"  {name:<44}{a1:>10.3f}{a10:>10.3f}{mrr:>10.3f}")


def vdab(ws: Workspace, shared: Path, cache: EmbeddingCache, limit: int | None) -> None:
    links = read_tsv(shared / "eval" / "vdab-esco-dev.tsv")
    competences = list(dict.fromkeys((r["vdab_id"], r["label_nl"]) for r in links))[:limit]
    data = ws.esco
    targets = per_encoder(ws, data.skills)
    index = {c.uri: j for j, c in enumerate(data.skills)}
    row_of = {vid: i for i, (vid, _) in enumerate(competences)}
    items = items_of(competences, "vdab")
    started = time.perf_counter()
    structure = target_structure(data.skills, data.groups, every=[*data.skills, *data.groups])
    own = own_language_labels(ws, data.skills, ["nl"] * len(items))  # ESCO's Dutch labels
    matcher = TargetMatcher(
        items, targets, encoders=ws.encoders, cache=cache, structure=structure, own=own
    )
    statements = esco_skill_matcher(ws, encoders=ws.encoders, cache=cache, progress=False)
    learned = statements.train(ws.examples, ws.converter)
    lex = lexical([i.label for i in items], targets[0])
    calibration(matcher, learned, links, row_of, index)
    rights: dict[str, list[list[int]]] = {}
    for relation, wanted in RELATIONS.items():
        rights[relation] = [[] for _ in competences]
        for r in links:
            if r["vdab_id"] in row_of and r["relation"] in wanted and r["esco_skill_uri"] in index:
                rights[relation][row_of[r["vdab_id"]]].append(index[r["esco_skill_uri"]])
    methods = {"zero-shot fused (cold)": None, "learned (committed ESCO decisions)": learned}
    every = rank_all(matcher, rights, methods, lex)
    name = "+ map learnt from ESCO-VDAB (out of fold)"
    for relation in rights:
        every[relation][name] = [0.0] * len(competences)
    typed: list[TypedRow] = []
    for fold in range(FOLDS):
        test = [i for i, (vid, _) in enumerate(competences) if fold_of(vid) == fold]
        refs = [
            Reference(r["label_nl"], r["esco_skill_uri"], r["relation"])
            for r in links
            if r["vdab_id"] in row_of and fold_of(r["vdab_id"]) != fold
        ]
        fold_own = own_language_labels(ws, data.skills, ["nl"] * len(test))
        fold_matcher = TargetMatcher(
            [items[i] for i in test],
            targets,
            encoders=ws.encoders,
            cache=cache,
            structure=structure,
            references=refs,
            own=fold_own,
            progress=False,
        )
        fold_rights = {k: [v[i] for i in test] for k, v in rights.items()}
        ranked = rank_all(fold_matcher, fold_rights, {name: None}, lex[test])
        typed.extend(typed_rows(fold_matcher, [competences[i][0] for i in test], links, index))
        for relation in rights:
            for r, i in enumerate(test):
                every[relation][name][i] = ranked[relation][name][r]
    for relation, right in rights.items():
        keep = [i for i, r in enumerate(right) if r]
        figures = {name: [values[i] for i in keep] for name, values in every[relation].items()}
        print_table(
            f"ESCO-VDAB (dev), {relation}: {len(keep)} competences -> {len(data.skills):,} ESCO "
            f"skills ({time.perf_counter() - started:.1f} s so far)",
            figures,
            hits=(1, 10),
        )
    print_relations(typed, links)


#: SKOS relations as OAEI Bio-ML track 2 names them (a subject's broadMatch is broader than
#: it: the subject is subsumed by the target).
BIOML = {
    "skos:exactMatch": "equivalent",
    "skos:closeMatch": "equivalent",
    "skos:broadMatch": "source_subsumed_by_target",
    "skos:narrowMatch": "source_subsumes_target",
}


@dataclass(frozen=True)
class TypedRow:
    """One competence's top 50 skills (best first) with the relation the model gives each."""

    competence: str
    targets: list[str]
    relations: list[str]


def typed_rows(
    matcher: TargetMatcher, ids: Sequence[str], links: list[dict[str, str]], index: dict[str, int]
) -> list[TypedRow]:
    """The relation model's typed top 50 of each query (fused order: the map's ranking)."""
    out = []
    for start in range(0, len(matcher.queries), 128):
        rows = slice(start, min(start + 128, len(matcher.queries)))
        fused = matcher.block(rows, context=False).fused
        chosen = np.argsort(-fused, axis=1, kind="stable")[:, :50]
        relations = chosen_relations(matcher, start, chosen)
        for r in range(fused.shape[0]):
            targets = [matcher.targets.items[c].iri for c in chosen[r].tolist()]
            out.append(TypedRow(ids[start + r], targets, relations[r]))
    return out


def print_relations(typed: list[TypedRow], links: list[dict[str, str]]) -> None:
    """The expert's relation on the first right candidate (any relation), against always
    closeMatch; and OAEI Bio-ML track 2's preferred typed MRR, by its own scorer."""
    from oaei_bioml_eval.typed import score_preferred_typed_metrics, select_preferred_pairs

    gold: dict[str, dict[str, str]] = {}
    for r in links:
        gold.setdefault(r["vdab_id"], {})[r["esco_skill_uri"]] = r["relation"]
    agree, close, n = 0, 0, 0
    for row in typed:
        first = next((i for i, t in enumerate(row.targets) if t in gold[row.competence]), None)
        if first is not None:
            n += 1
            expert = gold[row.competence][row.targets[first]]
            agree += row.relations[first] == expert
            close += expert == "skos:closeMatch"
    share, always = agree / max(n, 1), close / max(n, 1)
    print(f"\nESCO-VDAB (dev), relations out of fold: {n} competences, a right skill in top 50")
    print(f"  expert's relation on the first right candidate: learnt {share:.3f}", end="")
    print(f", always closeMatch {always:.3f}")
    preferred = {
        (row.competence, "Q0"): select_preferred_pairs(
            {(t, BIOML[rel]) for t, rel in gold[row.competence].items()}
        )
        for row in typed
    }
    for name, relation_of in (
        ("learnt relations", lambda row, i: BIOML[row.relations[i]]),
        ("always closeMatch", lambda _row, _i: "equivalent"),
    ):
        predictions = [
            {
                "SrcEntity": row.competence,
                "QueryID": "Q0",
                "TgtEntity": t,
                "Relation": relation_of(row, i),
                "Score": str(50 - i),
            }
            for row in typed
            for i, t in enumerate(row.targets)
        ]
        m = score_preferred_typed_metrics(predictions, preferred)
        mrr, h1, h10 = (m[f"preferred_typed_{k}"] for k in ("mrr", "hits_at_1", "hits_at_10"))
        print(f"  OAEI Bio-ML track 2 preferred typed MRR, {name}: {mrr:.3f}", end="")
        print(f" (Hits@1 {h1:.3f}, @10 {h10:.3f})")


def calibration(
    matcher: TargetMatcher,
    ranker: object,
    links: list[dict[str, str]],
    row_of: dict[str, int],
    index: dict[str, int],
) -> None:
    """Reliability of the learned ranker's probability (the SSSOM confidence of ESCO
    proposals) on its top 10 skills per competence: right = an expert link of any relation.
    The experts' links are not every right one, so "observed right" is a lower bound."""
    right: list[set[int]] = [set() for _ in row_of]
    for r in links:
        if r["vdab_id"] in row_of and r["esco_skill_uri"] in index:
            right[row_of[r["vdab_id"]]].add(index[r["esco_skill_uri"]])
    pairs: list[tuple[float, int]] = []
    for start in range(0, len(matcher.queries), 128):
        rows = slice(start, min(start + 128, len(matcher.queries)))
        score = ranker.score(matcher.block(rows), matcher.structure)  # type: ignore[attr-defined]
        for r, i in enumerate(range(rows.start, rows.stop)):
            for j in np.argsort(-score[r], kind="stable")[:10].tolist():
                pairs.append((float(score[r, j]), int(j in right[i])))
    print("\nreliability of the learned ESCO ranker's confidence on ESCO-VDAB (top 10 each)")
    print(f"  {'probability':<12} {'pairs':>7} {'mean predicted':>15} {'observed right':>15}")
    for b in reliability(pairs):
        print(f"  {b.low:.1f}-{b.high:.1f}     {b.n:>7} {b.confidence:>15.3f} {b.accuracy:>15.3f}")
    print(f"  expected calibration error: {expected_calibration_error(pairs):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--limit", type=int, help="Only the first N queries of each set.")
    args = parser.parse_args()
    ws = Workspace()
    cache = EmbeddingCache.of(ws.settings)
    try:
        melo(ws, args.shared, cache, args.limit)
        vdab(ws, args.shared, cache, args.limit)
    finally:
        cache.close()


if __name__ == "__main__":
    main()
