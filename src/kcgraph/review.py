"""Review decisions on proposed mappings, kept as SSSOM TSV files under version control.

``data/mappings/`` holds three files, in the style of biomappings / sssom-curator:

* ``positive.sssom.tsv`` accepted links, with the predicate the reviewer chose;
* ``negative.sssom.tsv`` rejected links (``predicate_modifier: Not``);
* ``unsure.sssom.tsv``   links the reviewer could not decide.

A decision moves a pair into one file (out of any other), keeps the proposal's score and
stamps ``semapv:ManualMappingCuration``, the reviewer and the date. Every write happens under
an exclusive lock and replaces files atomically, so two reviewers saving at the same moment
both keep their decisions and a killed write leaves the previous files intact.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import KcgraphError
from .paths import data_dir
from .sssom_tsv import read_sssom, write_sssom

__all__ = [
    "PREDICATES",
    "VERDICTS",
    "Decision",
    "ReviewStore",
    "default_mappings_dir",
]

#: SKOS mapping predicates a reviewer may choose when accepting.
PREDICATES = (
    "skos:exactMatch",
    "skos:closeMatch",
    "skos:broadMatch",
    "skos:narrowMatch",
    "skos:relatedMatch",
)

#: Verdict -> file of data/mappings/ holding it.
VERDICTS = {
    "accept": "positive.sssom.tsv",
    "reject": "negative.sssom.tsv",
    "unsure": "unsure.sssom.tsv",
}

_CURIE = re.compile(r"^[A-Za-z_][\w.-]*:\S+$")
_DEFAULT_PREFIXES = {
    "orcid": "https://orcid.org/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


def default_mappings_dir() -> Path:
    return data_dir() / "mappings"


@dataclass(frozen=True)
class Decision:
    verdict: str
    row: dict

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.row["subject_id"], self.row["object_id"]))


class ReviewStore:
    """The decisions in a folder, read fresh on every call (the files are the only state).

    ``prefixes`` is the CURIE map of the profiles (see :func:`kcgraph.match.curie_map`); IDs
    may be given as CURIEs or full IRIs.
    """

    def __init__(
        self, directory: str | Path | None = None, *, prefixes: dict[str, str] | None = None
    ) -> None:
        self.directory = Path(directory) if directory else default_mappings_dir()
        self.prefixes = {**_DEFAULT_PREFIXES, **(prefixes or {})}

    # --- identifiers ----------------------------------------------------------------------

    def curie(self, identifier: str) -> str:
        """A CURIE for a CURIE or IRI of a known namespace (longest namespace wins)."""
        if identifier.startswith(("http://", "https://")):
            best = max(
                (p for p, ns in self.prefixes.items() if identifier.startswith(ns)),
                key=lambda p: len(self.prefixes[p]),
                default=None,
            )
            if best is None:
                raise KcgraphError(f"{identifier}: IRI outside the known namespaces")
            return f"{best}:{identifier[len(self.prefixes[best]) :]}"
        if not _CURIE.match(identifier) or identifier.split(":", 1)[0] not in self.prefixes:
            raise KcgraphError(
                f"{identifier!r}: not a CURIE of a known prefix "
                f"({', '.join(sorted(self.prefixes))}) nor an IRI"
            )
        return identifier

    def iri(self, curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return self.prefixes[prefix] + local if prefix in self.prefixes else curie

    # --- reading --------------------------------------------------------------------------

    def decisions(self) -> list[Decision]:
        found = []
        for verdict, name in VERDICTS.items():
            path = self.directory / name
            if path.is_file():
                metadata, rows = read_sssom(path)
                self.prefixes.update(
                    {
                        k: v
                        for k, v in metadata.get("curie_map", {}).items()
                        if k not in self.prefixes
                    }
                )
                found.extend(Decision(verdict, row) for row in rows)
        return found

    def decided_pairs(self) -> set[frozenset[str]]:
        """Every decided pair as a set of two IRIs (``kcgraph match`` skips these)."""
        return {frozenset(self.iri(c) for c in d.pair) for d in self.decisions()}

    def accepted(self) -> list[dict]:
        return [d.row for d in self.decisions() if d.verdict == "accept"]

    # --- writing --------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with (self.directory / ".lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def decide(
        self,
        verdict: str,
        subject: str,
        obj: str,
        *,
        reviewer: str,
        predicate: str | None = None,
        comment: str | None = None,
        proposal: dict | None = None,
        date: dt.date | None = None,
    ) -> dict:
        """Record a decision on the pair (replacing any earlier one) and return its row."""
        if verdict not in VERDICTS:
            raise KcgraphError(
                f"unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}"
            )
        if not _CURIE.match(reviewer):
            raise KcgraphError(
                f"reviewer {reviewer!r} must be a CURIE such as orcid:0000-0002-1825-0097"
            )
        proposal = dict(proposal or {})
        predicate = predicate or proposal.get("predicate_id") or "skos:closeMatch"
        if predicate not in PREDICATES:
            raise KcgraphError(f"predicate {predicate!r} is not one of {', '.join(PREDICATES)}")
        subject, obj = self.curie(subject), self.curie(obj)
        if proposal and {proposal.get("subject_id"), proposal.get("object_id")} != {subject, obj}:
            raise KcgraphError("the proposal given is for another pair")
        if proposal.get("subject_id") == obj:  # keep the proposal's orientation
            subject, obj = obj, subject
        row = {
            **{k: v for k, v in proposal.items() if v not in (None, "")},
            "subject_id": subject,
            "object_id": obj,
            "predicate_id": predicate,
            "predicate_modifier": "Not" if verdict == "reject" else "",
            "mapping_justification": "semapv:ManualMappingCuration",
            "author_id": reviewer,
            "reviewer_id": reviewer,
            "mapping_date": (date or dt.date.today()).isoformat(),
            "comment": comment or "",
        }
        if proposal.get("mapping_justification"):
            row["other"] = "|".join(
                filter(
                    None,
                    [proposal.get("other", ""), f"proposed_by={proposal['mapping_justification']}"],
                )
            )
        pair = frozenset((subject, obj))
        with self._locked():
            tables = {v: self._read(v) for v in VERDICTS}
            for verdict_name, (_, rows) in tables.items():
                kept = [r for r in rows if frozenset((r["subject_id"], r["object_id"])) != pair]
                tables[verdict_name] = (tables[verdict_name][0], kept)
            tables[verdict][1].append(row)
            for verdict_name, (metadata, rows) in tables.items():
                self._write(verdict_name, metadata, rows)
        return row

    def _read(self, verdict: str) -> tuple[dict, list[dict]]:
        path = self.directory / VERDICTS[verdict]
        if path.is_file():
            return read_sssom(path)
        return {}, []

    def _write(self, verdict: str, metadata: dict, rows: list[dict]) -> None:
        prefixes = {**metadata.get("curie_map", {}), **self.prefixes}
        used = {
            c.split(":", 1)[0]
            for r in rows
            for c in (
                r.get("subject_id", ""),
                r.get("object_id", ""),
                r.get("predicate_id", ""),
                r.get("mapping_justification", ""),
                r.get("author_id", ""),
                r.get("reviewer_id", ""),
                r.get("subject_source", ""),
                r.get("object_source", ""),
            )
            if ":" in c
        }
        used |= {"skos", "semapv", "orcid"}
        meta = {
            **metadata,
            "curie_map": {k: v for k, v in sorted(prefixes.items()) if k in used},
            "mapping_set_id": metadata.get(
                "mapping_set_id", f"https://w3id.org/kcgraph/mappings/{VERDICTS[verdict]}"
            ),
            "mapping_set_title": metadata.get(
                "mapping_set_title", f"kcgraph reviewed mappings: {verdict}"
            ),
            "license": metadata.get("license", "https://creativecommons.org/licenses/by/4.0/"),
        }
        rows = sorted(rows, key=lambda r: (r["subject_id"], r["object_id"]))
        write_sssom(self.directory / VERDICTS[verdict], meta, rows)

    # --- status ---------------------------------------------------------------------------

    def status(self, proposals: Sequence[dict], known_ids: set[str]) -> dict:
        """Decided vs open per profile pair, and decisions whose statements are gone.

        ``known_ids`` are the CURIEs of the statements that exist now.
        """
        decisions = self.decisions()
        decided = {d.pair: d.verdict for d in decisions}
        table: dict[tuple[str, str], Counter] = {}

        def pair_of(row: dict) -> tuple[str, str]:
            a = row.get("subject_source") or row["subject_id"].split(":")[0]
            b = row.get("object_source") or row["object_id"].split(":")[0]
            return tuple(sorted((a.split(":")[-1], b.split(":")[-1])))  # type: ignore[return-value]

        for row in proposals:
            key = frozenset((row["subject_id"], row["object_id"]))
            counter = table.setdefault(pair_of(row), Counter())
            counter["proposed"] += 1
            counter["decided" if key in decided else "open"] += 1
        for d in decisions:
            table.setdefault(pair_of(d.row), Counter())[d.verdict] += 1
        orphans = [
            d
            for d in decisions
            if d.row["subject_id"] not in known_ids or d.row["object_id"] not in known_ids
        ]
        return {"pairs": table, "orphans": orphans, "total": len(decisions)}
