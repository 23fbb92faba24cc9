"""Search over every label of the graph (SQLite FTS5, diacritics folded, word prefixes),
and the labels themselves for the static site's client-side index."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .describe import DCTERMS, KCG, SKOS
from .pages import Hit

__all__ = ["MAX_SEARCH_CHARS", "MAX_SEARCH_WORDS", "Label", "LabelIndex", "labels"]

_LABEL_PREDICATES = (f"{SKOS}prefLabel", f"{SKOS}altLabel", f"{DCTERMS}title", f"{KCG}displayLabel")
_WORD = re.compile(r"\w+", re.UNICODE)
#: A search reads at most this many characters and words (more is cut off, said so by the
#: page), and SQLite works on it at most :data:`SEARCH_SECONDS`: a search of 250 words made
#: every other page wait seconds.
MAX_SEARCH_CHARS = 200
MAX_SEARCH_WORDS = 8
SEARCH_SECONDS = 1.0


@dataclass(frozen=True)
class Label:
    iri: str
    text: str
    language: str
    preferred: bool


def labels(
    store: Any, *, under: str | None = None, tags: Mapping[str, str] | None = None
) -> list[Label]:
    """Every label (``skos:prefLabel``, ``skos:altLabel``, ``dcterms:title``, and kcgraph's
    ``displayLabel`` of ESCO's concepts), sorted; only of IRIs under ``under`` if given;
    language tags as ``tags`` spells them."""
    predicates = " ".join(f"<{p}>" for p in _LABEL_PREDICATES)
    where = f'FILTER(STRSTARTS(STR(?s), "{under}"))' if under else ""
    text = f"""SELECT DISTINCT ?s ?p ?label WHERE {{
      VALUES ?p {{ {predicates} }} ?s ?p ?label . FILTER(isIRI(?s)) {where} }}"""
    out = {
        Label(
            row["s"].value,
            row["label"].value,
            (tags or {}).get(row["label"].language or "", row["label"].language or ""),
            row["p"].value != f"{SKOS}altLabel",
        )
        for row in store.query(text, use_default_graph_as_union=True)
    }
    return sorted(out, key=lambda x: (x.iri, not x.preferred, x.language, x.text))


class LabelIndex:
    """An in-memory FTS5 index of labels; :meth:`search` is thread-safe."""

    def __init__(self, entries: list[Label]) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute(
            "CREATE VIRTUAL TABLE labels USING fts5("
            "text, iri UNINDEXED, language UNINDEXED, preferred UNINDEXED, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        self._db.executemany(
            "INSERT INTO labels VALUES (?, ?, ?, ?)",
            [(e.text, e.iri, e.language, int(e.preferred)) for e in entries],
        )
        self.size = len(entries)

    def search(self, query: str, *, limit: int = 100) -> tuple[list[Hit], bool]:
        """Labels with every word of ``query`` (as a word prefix), best first; and whether
        there were more than ``limit``."""
        words = _WORD.findall(query[:MAX_SEARCH_CHARS])[:MAX_SEARCH_WORDS]
        if not words:
            return [], False
        match = " ".join(f'"{w}"*' for w in words)
        deadline = time.monotonic() + SEARCH_SECONDS
        with self._lock:
            self._db.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
            try:
                rows = self._db.execute(
                    "SELECT iri, text, language FROM labels WHERE labels MATCH ? "
                    "ORDER BY rank, preferred DESC, iri LIMIT ?",
                    (match, limit + 1),
                ).fetchall()
            except sqlite3.OperationalError:  # interrupted at the deadline: what it had
                rows = []
            finally:
                self._db.set_progress_handler(None, 0)
        hits = [Hit(iri, text, language) for iri, text, language in rows[:limit]]
        return hits, len(rows) > limit
