"""Review decisions on proposed mappings, kept as SSSOM TSV files under version control.

The decision folder (``data/mappings/``) holds, in the style of biomappings / sssom-curator:

* ``positive.sssom.tsv`` accepted links, with the predicate the reviewer chose;
* ``negative.sssom.tsv`` rejected links (``predicate_modifier: Not``);
* ``unsure.sssom.tsv``   links the reviewer could not decide;
* ``reviewers.tsv``      the reviewers whose decisions these files hold.

A decision moves a pair into one file (out of any other). Every change happens under an
exclusive lock (``filelock``) and replaces the files *together* through a journal
(:func:`kcgraph.files.replace_together`): a process killed at any moment, or a full disk,
leaves either the old decisions or the new ones, never a pair in no file.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import curies
from curies import Reference
from filelock import FileLock, Timeout
from sssom_pydantic import SemanticMapping
from sssom_pydantic.api import MappingSetRecord

from ...errors import KcgraphError
from ...files import DECISION_TITLE, recover, replace_together, stamp
from ...layout import mapping_set_id
from ...mappings import pair_key, read_mappings, reference, render_mappings
from ...settings import DEFAULT_BASE
from ...terms import CLOSE_MATCH, DATA_LICENSE, MAPPING_PREDICATES
from .decision import VERDICTS, Decision, Verdict, decision_mapping, swap_sides, verdict_of
from .reviewers import REVIEWERS_FILE, check_reviewer, read_reviewers, render_reviewers

__all__ = ["LOCK_TIMEOUT", "ReviewStore", "Tables", "render_decision_file"]

#: What a folder one may only read answers an attempt to create its lock file with.
_READ_ONLY = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


@contextmanager
def _folder_lock(directory: Path, *, reading: bool) -> Iterator[None]:
    """Hold ``directory``'s lock, after finishing any interrupted save. ``reading``: a
    folder one may not write (read-only, or another's) is read without the lock, as nobody
    who reads it so can change it."""
    if reading and directory.is_dir() and not os.access(directory, os.W_OK):
        yield
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KcgraphError(f"{directory}: cannot create ({exc.strerror})") from None
    lock = FileLock(directory / ".lock", timeout=LOCK_TIMEOUT)
    try:
        lock.acquire()
    except Timeout:
        raise KcgraphError(
            f"{directory}: another review save holds .lock for over {LOCK_TIMEOUT:g} s"
        ) from None
    except OSError as exc:
        if reading and exc.errno in _READ_ONLY:
            yield
            return
        raise KcgraphError(f"{directory}: cannot take .lock ({exc.strerror})") from None
    try:
        recover(directory)
        yield
    finally:
        lock.release()


#: Seconds a writer waits for another reviewer's save to finish.
LOCK_TIMEOUT = 60.0
#: The decisions of a folder by verdict.
Tables = dict[Verdict, list[SemanticMapping]]


class ReviewStore:
    """The decisions in one folder, read fresh on every call (the files are the only state).

    ``converter`` is the run's CURIE converter (:func:`kcgraph.graph.namespaces.make_converter`);
    identifiers may be given as CURIEs or full IRIs. ``is_known`` tells whether an IRI names
    a statement (or ESCO/ISCO concept) that exists, so typos are refused. ``base`` is the
    run's base IRI, which the files' mapping-set ids follow.
    """

    def __init__(
        self,
        directory: str | Path,
        *,
        converter: curies.Converter,
        is_known: Callable[[str], bool] | None = None,
        base: str = DEFAULT_BASE,
    ) -> None:
        self.directory = Path(directory)
        self.converter = converter
        self.is_known = is_known
        self.base = base
        self._files = _Files(self.directory, converter, base)

    def reference(self, identifier: str) -> Reference:
        """A CURIE or IRI of a known namespace as a reference; else one error line."""
        try:
            return reference(identifier.strip(), self.converter)
        except ValueError:  # curies' ExpansionError is a ValueError
            known = ", ".join(sorted(p for p in self.converter.prefix_map if ":" not in p))
            raise KcgraphError(
                f"{identifier!r}: not an IRI or a CURIE of a known prefix ({known})"
            ) from None

    def iri(self, curie: str) -> str:
        return self.converter.expand(curie, strict=True)

    # --- reading --------------------------------------------------------------------------

    @contextmanager
    def locked(self, *, reading: bool = False) -> Iterator[None]:
        """Hold the folder's lock (after finishing any interrupted save); see
        :func:`_folder_lock`."""
        with _folder_lock(self.directory, reading=reading):
            yield

    def read_tables(self) -> Tables:
        """Every decision file's mappings (under :meth:`locked`), read again when one changed."""
        return self._files.read()

    def decisions(self) -> list[Decision]:
        if not self.directory.is_dir():
            return []
        with self.locked(reading=True):
            tables = self.read_tables()
        return [Decision(v, m) for v, rows in tables.items() for m in rows]

    def decided_pairs(self, verdict: str | None = None) -> set[frozenset[str]]:
        """Every decided pair (with ``verdict``: those decided so) as a set of two IRIs
        (``kcgraph match`` skips these)."""
        return {
            frozenset(self.iri(c) for c in d.pair)
            for d in self.decisions()
            if all(c.split(":", 1)[0] in self.converter.prefix_map for c in d.pair)
            and (verdict is None or d.verdict == verdict)
        }

    def accepted(self) -> list[SemanticMapping]:
        return [d.mapping for d in self.decisions() if d.verdict == "accept"]

    def decision(self, pair: frozenset[str]) -> Decision | None:
        """The decision recorded for a pair, if any."""
        return next((d for d in self.decisions() if d.pair == pair), None)

    # --- writing --------------------------------------------------------------------------

    def decide(
        self,
        verdict: str,
        subject: str,
        obj: str,
        *,
        reviewer: str,
        predicate: str | None = None,
        comment: str | None = None,
        proposal: SemanticMapping | None = None,
        date: dt.date | None = None,
    ) -> SemanticMapping:
        """Record a decision on the pair (replacing any earlier one); returns the stored mapping.

        The mapping is stored in the order the reviewer gave: ``subject predicate object``.
        """
        chosen = verdict_of(verdict)
        reviewer = check_reviewer(reviewer, self.converter)
        s_ref, o_ref = self._checked_pair(subject, obj)
        if proposal is not None:
            if pair_key(proposal) != frozenset((s_ref.curie, o_ref.curie)):
                raise KcgraphError("the proposal given is for another pair")
            if proposal.subject.curie != s_ref.curie:  # the reviewer named the pair reversed
                proposal = swap_sides(proposal)
        predicate = predicate or (proposal.predicate.curie if proposal else CLOSE_MATCH)
        if predicate not in MAPPING_PREDICATES:
            raise KcgraphError(
                f"predicate {predicate!r} is not one of {', '.join(MAPPING_PREDICATES)}"
            )
        mapping = decision_mapping(
            chosen,
            s_ref,
            o_ref,
            predicate,
            reviewer=reviewer,
            comment=comment,
            proposal=proposal,
            date=date,
        )
        with self.locked():
            tables = _without(self.read_tables(), pair_key(mapping))
            tables[chosen].append(mapping)
            reviewers = read_reviewers(self.directory)
            reviewers.setdefault(reviewer, "")
            self._files.write(tables, reviewers)
        return mapping

    def _checked_pair(self, subject: str, obj: str) -> tuple[Reference, Reference]:
        """The two sides as references, refused when they are one statement, in one
        profile, or (with ``is_known``) not in the current sources."""
        s_ref, o_ref = self.reference(subject), self.reference(obj)
        if s_ref.curie == o_ref.curie:
            raise KcgraphError(f"{s_ref.curie}: a statement cannot be mapped to itself")
        if s_ref.prefix == o_ref.prefix:
            raise KcgraphError(
                f"{s_ref.curie} and {o_ref.curie} are both in {s_ref.prefix!r}: "
                "mappings join two different profiles or vocabularies"
            )
        if self.is_known is not None:
            for ref in (s_ref, o_ref):
                if not self.is_known(self.iri(ref.curie)):
                    raise KcgraphError(
                        f"{ref.curie}: no such statement or concept in the current sources"
                    )
        return s_ref, o_ref

    def restore(self, pair: frozenset[str], previous: Decision | None) -> None:
        """Put a pair back as it was before a decision (the workbench's undo): its earlier
        decision, or no decision at all. One atomic step, like every change."""
        self.restore_many([(pair, previous)])

    def restore_many(self, steps: Sequence[tuple[frozenset[str], Decision | None]]) -> None:
        """Put several pairs back as they were (the undo of one review screen), at once."""
        with self.locked():
            tables = self.read_tables()
            for pair, previous in steps:
                tables = _without(tables, pair)
                if previous is not None:
                    tables[previous.verdict].append(previous.mapping)
            self._files.write(tables, read_reviewers(self.directory))

    def record_many(
        self, entries: Sequence[tuple[Verdict, SemanticMapping]], *, reviewer_name: str = ""
    ) -> tuple[int, int]:
        """Record ready-made decisions in one step (``kcgraph review import``); a pair
        already decided the same way is left as it is. Returns (recorded, unchanged)."""
        for _, m in entries:
            for ref in m.reviewers or ():
                check_reviewer(ref.curie, self.converter)
        recorded = unchanged = 0
        with self.locked():
            tables = self.read_tables()
            reviewers = read_reviewers(self.directory)
            for verdict, m in entries:
                pair = pair_key(m)
                if any(
                    pair_key(old) == pair and old.predicate.curie == m.predicate.curie
                    for old in tables[verdict]
                ):
                    unchanged += 1
                    continue
                tables = _without(tables, pair)
                tables[verdict].append(m)
                recorded += 1
                for ref in m.reviewers or ():
                    if not reviewers.get(ref.curie):
                        reviewers[ref.curie] = reviewer_name
            if recorded:
                self._files.write(tables, reviewers)
        return recorded, unchanged

    def replace_all(self, tables: Tables, reviewers: dict[str, str]) -> None:
        """Replace every decision file and the register at once (``kcgraph review merge``)."""
        with self.locked():
            self._files.write(tables, reviewers)


class _Files:
    """The decision files of one folder as this process last read or wrote them: a file
    is parsed again only when its stamp changed, rendered again only when its rows did."""

    def __init__(self, directory: Path, converter: curies.Converter, base: str) -> None:
        self.directory, self.converter, self.base = directory, converter, base
        self._read: tuple[tuple[tuple[int, int] | None, ...], Tables] | None = None
        self._rendered: dict[str, tuple[list[SemanticMapping], str]] = {}

    def _stamps(self) -> tuple[tuple[int, int] | None, ...]:
        return tuple(stamp(self.directory / name) for name in VERDICTS.values())

    def read(self) -> Tables:
        seen = self._stamps()
        if self._read is None or self._read[0] != seen:
            tables: Tables = {}
            for verdict, name in VERDICTS.items():
                path = self.directory / name
                tables[verdict] = (
                    read_mappings(path, converter=self.converter).mappings if path.is_file() else []
                )
            self._read = (seen, tables)
        return {verdict: list(rows) for verdict, rows in self._read[1].items()}

    def write(self, tables: Tables, reviewers: dict[str, str]) -> None:
        rows = {verdict: sorted(tables[verdict]) for verdict in VERDICTS}
        contents = {}
        for verdict, name in VERDICTS.items():  # a file whose rows did not change: as it was
            known = self._rendered.get(name)
            if known is None or known[0] != rows[verdict]:
                text = render_decision_file(verdict, rows[verdict], self.converter, self.base)
                known = self._rendered[name] = (rows[verdict], text)
            contents[name] = known[1]
        contents[REVIEWERS_FILE] = render_reviewers(reviewers)
        replace_together(self.directory, contents, decisions=True)
        self._read = (self._stamps(), rows)  # what was just written need not be read back


#: The columns of every decision file, in this order, whatever its rows hold: one decision
#: is one line of a diff, never a rewrite of the file.
DECISION_COLUMNS = (
    "subject_id",
    "subject_label",
    "subject_category",
    "subject_source",
    "subject_source_version",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "object_category",
    "object_source",
    "object_source_version",
    "mapping_justification",
    "author_id",
    "reviewer_id",
    "mapping_date",
    "confidence",
    "similarity_score",
    "similarity_measure",
    "mapping_tool",
    "comment",
    "other",
)


def render_decision_file(
    verdict: Verdict, rows: list[SemanticMapping], converter: curies.Converter, base: str
) -> str:
    """The text of one decision file (its mapping-set id under ``base``)."""
    metadata = MappingSetRecord(
        mapping_set_id=mapping_set_id(base, VERDICTS[verdict]),
        mapping_set_title=f"{DECISION_TITLE}: {verdict}",
        license=DATA_LICENSE,
    )
    return render_mappings(
        sorted(rows), converter=converter, metadata=metadata, columns=DECISION_COLUMNS
    )


def _without(tables: Tables, pair: frozenset[str]) -> Tables:
    """The tables with no decision on ``pair``."""
    return {verdict: [m for m in rows if pair_key(m) != pair] for verdict, rows in tables.items()}
