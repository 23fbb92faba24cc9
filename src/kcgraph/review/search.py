"""Search when the right candidate is not on the screen: every profile statement and every
ESCO / ISCO-08 concept, found by words (SQLite FTS5 over all labels, BM25-ranked) or by
meaning (the cosine of a workspace encoder, through the embedding cache).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ..match.vocabulary.matcher import MAX_LABELS

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = ["Found", "LabelSearch"]


@dataclass(frozen=True)
class Found:
    """One search result: a concept, its scheme (CURIE prefix), its label and score."""

    curie: str
    scheme: str
    label: str
    score: float


def _fts_query(words: str) -> str:
    """The words as an FTS5 query: each a quoted prefix term, all required."""
    terms = re.findall(r"\w+", words.casefold())
    return " ".join(f'"{t}"*' for t in terms)


class LabelSearch:
    """All labels of a workspace in one in-memory FTS5 index (built on first use)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    @cached_property
    def entries(self) -> list[tuple[str, str, str]]:
        """(CURIE, scheme, label) of every statement and ESCO/ISCO concept, each label once."""
        ws = self.workspace
        compress = ws.converter.compress
        rows = []
        for profile in ws.profiles:
            for statement in profile.statements.values():
                curie = compress(str(ws.minter.concept(profile.source.id, statement)), strict=True)
                rows.append((curie, profile.source.id, statement.label))
        for concept in (*ws.esco.skills, *ws.esco.occupations, *ws.isco_groups):
            curie = compress(concept.uri)
            if curie is None:
                continue
            for label in concept.label_texts[:MAX_LABELS]:  # the texts the matcher embedded
                rows.append((curie, curie.split(":")[0], label))
        return rows

    @cached_property
    def _db(self) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.execute(
            "CREATE VIRTUAL TABLE labels USING fts5(curie UNINDEXED, scheme UNINDEXED, label)"
        )
        db.executemany("INSERT INTO labels VALUES (?, ?, ?)", self.entries)
        return db

    def words(self, text: str, *, scheme: str | None = None, limit: int = 10) -> list[Found]:
        """Concepts whose labels hold every word of ``text`` (as prefixes), best BM25 first."""
        query = _fts_query(text)
        if not query:
            return []
        sql = "SELECT curie, scheme, label, bm25(labels) FROM labels WHERE labels MATCH ?"
        params: list[object] = [query]
        if scheme:
            sql += " AND scheme = ?"
            params.append(scheme)
        sql += " ORDER BY bm25(labels), curie LIMIT ?"
        params.append(limit * 4)
        return _best_per_concept(
            (Found(c, s, label, -score) for c, s, label, score in self._db.execute(sql, params)),
            limit,
        )

    def meaning(self, text: str, *, scheme: str | None = None, limit: int = 10) -> list[Found]:
        """Concepts whose labels are nearest ``text`` by the cosine of the first label encoder
        (:attr:`Settings.label_encoders`): ESCO's labels are in the cache from matching."""
        from ..match.cache import EmbeddingCache

        ws = self.workspace
        rows = [e for e in self.entries if scheme is None or e[1] == scheme]
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
        return _best_per_concept(
            (Found(rows[i][0], rows[i][1], rows[i][2], float(scores[i])) for i in order), limit
        )


def _best_per_concept(found: Iterable[Found], limit: int) -> list[Found]:
    out: dict[str, Found] = {}
    for f in found:
        if f.curie not in out:
            out[f.curie] = f
        if len(out) == limit:
            break
    return list(out.values())
