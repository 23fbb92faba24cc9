"""Search when the right candidate is not on the screen: every profile statement and every
ESCO / ISCO-08 concept, found by words or by meaning (the cosine of a workspace encoder,
through the embedding cache).

By words: SQLite FTS5 with its trigram tokenizer over every label as the lexical signal
normalises it (case, diacritics and punctuation folded), BM25-ranked. A word of three
letters or more matches anywhere in a label, so the parts of a Dutch compound are found
("voorwaarden" finds "verkoopsvoorwaarden"); a shorter word must be a whole word.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ...match.lexical import normalise
from ...match.vocabulary.matcher import MAX_LABELS

if TYPE_CHECKING:
    from ...vocab.model import EscoConcept
    from ...workspace import Workspace

__all__ = ["Found", "LabelSearch"]


@dataclass(frozen=True)
class Found:
    """One search result: a concept, its scheme (CURIE prefix), its label and score."""

    curie: str
    scheme: str
    label: str
    score: float


def _conditions(words: str) -> tuple[str, list[object]]:
    """The SQL condition and its parameters for labels that hold every word: trigram
    phrases for words of three letters or more, a substring test for shorter ones."""
    terms = normalise(words).split()
    long, short = [t for t in terms if len(t) >= 3], [t for t in terms if len(t) < 3]
    parts: list[str] = []
    params: list[object] = []
    if long:
        parts.append("labels MATCH ?")
        params.append(" AND ".join(f'"{t}"' for t in long))
    for t in short:  # a whole word (a label's words are separated by spaces here)
        parts.append("instr(' ' || folded || ' ', ?) > 0")
        params.append(f" {t} ")
    return " AND ".join(parts), params


class LabelSearch:
    """All labels of a workspace in one in-memory FTS5 index (built on first use)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    @cached_property
    def _statements(self) -> list[tuple[str, str, str]]:
        ws = self.workspace
        return [
            (
                ws.converter.compress(str(ws.minter.concept(p.source.id, st)), strict=True),
                p.source.id,
                st.label,
            )
            for p in ws.profiles
            for st in p.statements.values()
        ]

    def _concepts(self) -> Iterator[tuple[str, EscoConcept]]:
        ws = self.workspace
        for concept in (*ws.esco.skills, *ws.esco.occupations, *ws.isco_groups):
            curie = ws.converter.compress(concept.uri)
            if curie is not None:
                yield curie, concept

    @cached_property
    def entries(self) -> list[tuple[str, str, str]]:
        """(CURIE, scheme, label) of every statement and ESCO/ISCO concept: ESCO's own
        labels in the reader's language and in English (never a run-together text)."""
        ws = self.workspace
        translated = ws.esco.translations.get(ws.reader_language, {})
        rows = list(self._statements)
        for curie, concept in self._concepts():
            own = (concept.pref_label, *concept.alt_labels)
            labels = own if concept.exact or concept.labels_version else ()
            for label in dict.fromkeys((*translated.get(concept.uri, ()), *labels)):
                rows.append((curie, curie.split(":")[0], label))
        return rows

    @cached_property
    def _embedded(self) -> list[tuple[str, str, str]]:
        """(CURIE, scheme, text) of what the matcher embedded: search by meaning reads the
        vectors already in the cache."""
        rows = list(self._statements)
        for curie, concept in self._concepts():
            for text in concept.label_texts[:MAX_LABELS]:
                rows.append((curie, curie.split(":")[0], text))
        return rows

    @cached_property
    def _names(self) -> dict[str, str]:
        """The label a result is shown with: the first of its entries."""
        names: dict[str, str] = {}
        for curie, _, label in self.entries:
            names.setdefault(curie, label)
        return names

    @cached_property
    def _db(self) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.execute(
            "CREATE VIRTUAL TABLE labels USING fts5("
            "curie UNINDEXED, scheme UNINDEXED, label UNINDEXED, folded, tokenize = 'trigram')"
        )
        rows = [(c, s, label, normalise(label)) for c, s, label in self.entries]
        db.executemany("INSERT INTO labels VALUES (?, ?, ?, ?)", rows)
        return db

    def words(self, text: str, *, scheme: str | None = None, limit: int = 10) -> list[Found]:
        """Concepts whose labels hold every word of ``text`` (anywhere in a label), best
        BM25 first (the shortest labels first when only short words are asked)."""
        condition, params = _conditions(text)
        if not condition:
            return []
        rank = "bm25(labels)" if "MATCH" in condition else "length(folded)"
        sql = f"SELECT curie, scheme, label, {rank} FROM labels WHERE {condition}"
        if scheme:
            sql += " AND scheme = ?"
            params.append(scheme)
        sql += f" ORDER BY {rank}, curie LIMIT ?"
        params.append(limit * 4)
        return _best_per_concept(
            (Found(c, s, label, -score) for c, s, label, score in self._db.execute(sql, params)),
            limit,
        )

    def meaning(self, text: str, *, scheme: str | None = None, limit: int = 10) -> list[Found]:
        """Concepts whose labels are nearest ``text`` by the cosine of the first label encoder
        (:attr:`Settings.label_encoders`): ESCO's labels are in the cache from matching."""
        from ...match.cache import EmbeddingCache

        ws = self.workspace
        rows = [e for e in self._embedded if scheme is None or e[1] == scheme]
        if not rows or not text.strip():
            return []
        names = [e.id.split("@")[0] for e in ws.encoders]
        wanted = next((n for n in ws.settings.label_encoders if n in names), names[0])
        encoder = ws.encoders[names.index(wanted)]  # the cheap one that read every label
        cache = EmbeddingCache.of(ws.settings)
        try:
            vectors = cache.embed(encoder, [label for _, _, label in rows])
            query = cache.embed(encoder, [text])[0]
        finally:
            cache.close()
        scores = vectors @ query
        order = np.argsort(-scores, kind="stable")[: limit * 4]
        shown = self._names
        return _best_per_concept(
            (
                Found(rows[i][0], rows[i][1], shown.get(rows[i][0], rows[i][2]), float(scores[i]))
                for i in order
            ),
            limit,
        )


def _best_per_concept(found: Iterable[Found], limit: int) -> list[Found]:
    out: dict[str, Found] = {}
    for f in found:
        if f.curie not in out:
            out[f.curie] = f
        if len(out) == limit:
            break
    return list(out.values())
