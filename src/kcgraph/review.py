"""Review decisions on proposed mappings, kept as SSSOM TSV files under version control.

The decision folder (``data/mappings/``) holds, in the style of biomappings / sssom-curator:

* ``positive.sssom.tsv`` accepted links, with the predicate the reviewer chose;
* ``negative.sssom.tsv`` rejected links (``predicate_modifier: Not``);
* ``unsure.sssom.tsv``   links the reviewer could not decide;
* ``reviewers.tsv``      the reviewers whose decisions these files hold.

A decision moves a pair into one file (out of any other), keeps the proposal's scores and
stamps ``semapv:ManualMappingCuration``, the reviewer and the date. Every change happens
under an exclusive lock (``filelock``) and replaces the files *together* through a journal
(:func:`kcgraph.files.replace_together`): a process killed at any moment, or a full disk,
leaves either the old decisions or the new ones, never a pair in no file.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import curies
from curies import NamableReference, Reference
from filelock import FileLock, Timeout
from sssom_pydantic import SemanticMapping
from sssom_pydantic.api import MappingSetRecord

from .errors import KcgraphError
from .files import recover, replace_together
from .mappings import pair_key, read_mappings, reference, render_mappings
from .reviewers import REVIEWERS_FILE, check_reviewer, read_reviewers, render_reviewers

__all__ = [
    "PREDICATES",
    "VERDICTS",
    "Decision",
    "ReviewStatus",
    "ReviewStore",
    "Verdict",
    "format_status",
]

#: SKOS mapping predicates a reviewer may choose when accepting.
PREDICATES = (
    "skos:exactMatch",
    "skos:closeMatch",
    "skos:broadMatch",
    "skos:narrowMatch",
    "skos:relatedMatch",
)
#: Verdict -> the file of the decision folder that holds it.
VERDICTS = {
    "accept": "positive.sssom.tsv",
    "reject": "negative.sssom.tsv",
    "unsure": "unsure.sssom.tsv",
}
Verdict = Literal["accept", "reject", "unsure"]
#: Justification stamped on every decision.
MANUAL = "semapv:ManualMappingCuration"
#: Licence of the decision files (our own curation data).
DECISIONS_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
#: Seconds a writer waits for another reviewer's save to finish.
LOCK_TIMEOUT = 60.0

_SIDE_FIELDS = ("", "_category", "_source", "_source_version", "_type")


@dataclass(frozen=True)
class Decision:
    """One recorded decision: its verdict and the mapping as stored."""

    verdict: Verdict
    mapping: SemanticMapping

    @property
    def pair(self) -> frozenset[str]:
        return pair_key(self.mapping)


def _swap_sides(mapping: SemanticMapping) -> SemanticMapping:
    """The same mapping with subject and object (and their metadata) exchanged."""
    update = {}
    for suffix in _SIDE_FIELDS:
        update[f"subject{suffix}"] = getattr(mapping, f"object{suffix}")
        update[f"object{suffix}"] = getattr(mapping, f"subject{suffix}")
    return mapping.model_copy(update=update)


class ReviewStore:
    """The decisions in one folder, read fresh on every call (the files are the only state).

    ``converter`` is the run's CURIE converter (:func:`kcgraph.namespaces.make_converter`);
    identifiers may be given as CURIEs or full IRIs. ``is_known`` tells whether an IRI names
    a statement (or ESCO/ISCO concept) that exists, so typos are refused.
    """

    def __init__(
        self,
        directory: str | Path,
        *,
        converter: curies.Converter,
        is_known: Callable[[str], bool] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.converter = converter
        self.is_known = is_known

    # --- identifiers ----------------------------------------------------------------------

    def reference(self, identifier: str) -> Reference:
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
    def _locked(self) -> Iterator[None]:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KcgraphError(f"{self.directory}: cannot create ({exc.strerror})") from None
        lock = FileLock(self.directory / ".lock", timeout=LOCK_TIMEOUT)
        try:
            with lock:
                recover(self.directory)
                yield
        except Timeout:
            raise KcgraphError(
                f"{self.directory}: another review save holds .lock for over {LOCK_TIMEOUT:g} s"
            ) from None

    def _read_all(self) -> dict[Verdict, list[SemanticMapping]]:
        tables: dict[Verdict, list[SemanticMapping]] = {}
        for verdict, name in VERDICTS.items():
            path = self.directory / name
            tables[verdict] = (  # type: ignore[index]
                read_mappings(path, converter=self.converter).mappings if path.is_file() else []
            )
        return tables

    def decisions(self) -> list[Decision]:
        if not self.directory.is_dir():
            return []
        with self._locked():
            tables = self._read_all()
        return [Decision(v, m) for v, rows in tables.items() for m in rows]

    def decided_pairs(self) -> set[frozenset[str]]:
        """Every decided pair as a set of two IRIs (``kcgraph match`` skips these)."""
        return {
            frozenset(self.iri(c) for c in d.pair)
            for d in self.decisions()
            if all(c.split(":", 1)[0] in self.converter.prefix_map for c in d.pair)
        }

    def accepted(self) -> list[SemanticMapping]:
        return [d.mapping for d in self.decisions() if d.verdict == "accept"]

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
        if verdict not in VERDICTS:
            raise KcgraphError(
                f"unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}"
            )
        reviewer = check_reviewer(reviewer, self.converter)
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
        if proposal is not None:
            if pair_key(proposal) != frozenset((s_ref.curie, o_ref.curie)):
                raise KcgraphError("the proposal given is for another pair")
            if proposal.subject.curie != s_ref.curie:  # the reviewer named the pair reversed
                proposal = _swap_sides(proposal)
        predicate = predicate or (proposal.predicate.curie if proposal else "skos:closeMatch")
        if predicate not in PREDICATES:
            raise KcgraphError(f"predicate {predicate!r} is not one of {', '.join(PREDICATES)}")
        mapping = self._decision_mapping(
            verdict, s_ref, o_ref, predicate, reviewer, comment, proposal, date
        )
        with self._locked():
            tables = self._read_all()
            pair = pair_key(mapping)
            for name in tables:
                tables[name] = [m for m in tables[name] if pair_key(m) != pair]
            tables[verdict].append(mapping)  # type: ignore[index]
            reviewers = read_reviewers(self.directory)
            reviewers.setdefault(reviewer, "")
            self._write_all(tables, reviewers)
        return mapping

    def restore(self, pair: frozenset[str], previous: Decision | None) -> None:
        """Put a pair back as it was before a decision (the workbench's undo): its earlier
        decision, or no decision at all. One atomic step, like every change."""
        with self._locked():
            tables = self._read_all()
            for name in tables:
                tables[name] = [m for m in tables[name] if pair_key(m) != pair]
            if previous is not None:
                tables[previous.verdict].append(previous.mapping)
            self._write_all(tables, read_reviewers(self.directory))

    def decision(self, pair: frozenset[str]) -> Decision | None:
        """The decision recorded for a pair, if any."""
        return next((d for d in self.decisions() if d.pair == pair), None)

    def record_many(
        self, entries: Sequence[tuple[Verdict, SemanticMapping]], *, reviewer_name: str = ""
    ) -> tuple[int, int]:
        """Record ready-made decisions in one step (``kcgraph review import``); a pair
        already decided the same way is left as it is. Returns (recorded, unchanged)."""
        for _, m in entries:
            for ref in m.reviewers or ():
                check_reviewer(ref.curie, self.converter)
        recorded = unchanged = 0
        with self._locked():
            tables = self._read_all()
            reviewers = read_reviewers(self.directory)
            for verdict, m in entries:
                pair = pair_key(m)
                same = [
                    old
                    for old in tables[verdict]
                    if pair_key(old) == pair and old.predicate.curie == m.predicate.curie
                ]
                if same:
                    unchanged += 1
                    continue
                for name in tables:
                    tables[name] = [old for old in tables[name] if pair_key(old) != pair]
                tables[verdict].append(m)
                recorded += 1
                for ref in m.reviewers or ():
                    if not reviewers.get(ref.curie):
                        reviewers[ref.curie] = reviewer_name
            if recorded:
                self._write_all(tables, reviewers)
        return recorded, unchanged

    def _decision_mapping(
        self,
        verdict: str,
        s_ref: Reference,
        o_ref: Reference,
        predicate: str,
        reviewer: str,
        comment: str | None,
        proposal: SemanticMapping | None,
        date: dt.date | None,
    ) -> SemanticMapping:
        fields: dict = {}
        other: dict[str, str] = {}
        if proposal is not None:
            fields = proposal.model_dump(
                include={
                    "subject_category",
                    "subject_source",
                    "subject_source_version",
                    "object_category",
                    "object_source",
                    "object_source_version",
                    "similarity_score",
                    "similarity_measure",
                    "confidence",
                    "mapping_tool",
                },
                exclude_none=True,
            )
            other = dict(proposal.other or {})
            other.setdefault("proposed_by", proposal.justification.curie)
        names = {}
        if proposal is not None:
            names = {"subject": proposal.subject.name, "object": proposal.object.name}
        return SemanticMapping(
            subject=NamableReference(
                prefix=s_ref.prefix, identifier=s_ref.identifier, name=names.get("subject")
            ),
            predicate=predicate,
            object=NamableReference(
                prefix=o_ref.prefix, identifier=o_ref.identifier, name=names.get("object")
            ),
            predicate_modifier="Not" if verdict == "reject" else None,
            justification=MANUAL,
            authors=[Reference.from_curie(reviewer)],
            reviewers=[Reference.from_curie(reviewer)],
            mapping_date=date or dt.date.today(),
            comment=comment if comment else None,
            other=dict(sorted(other.items())) or None,
            **fields,
        )

    def _write_all(
        self, tables: dict[Verdict, list[SemanticMapping]], reviewers: dict[str, str]
    ) -> None:
        contents: dict[str, str] = {}
        for verdict, name in VERDICTS.items():
            metadata = MappingSetRecord(
                mapping_set_id=f"https://w3id.org/kcgraph/mappings/{name}",
                mapping_set_title=f"kcgraph reviewed mappings: {verdict}",
                license=DECISIONS_LICENSE,
            )
            contents[name] = render_mappings(
                sorted(tables[verdict]),
                converter=self.converter,
                metadata=metadata,  # type: ignore[index]
            )
        contents[REVIEWERS_FILE] = render_reviewers(reviewers)
        replace_together(self.directory, contents)

    # --- integrity ------------------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """What is wrong with the decision files, in the manner of biomappings' integrity
        test: sorted rows, valid CURIEs, semapv justification, known and valid reviewers,
        no pair decided twice (e.g. both accepted and rejected)."""
        problems: list[str] = []
        with self._locked():
            tables = self._read_all()
            reviewers = read_reviewers(self.directory)
        where: dict[frozenset[str], str] = {}
        for verdict, mappings in tables.items():
            name = VERDICTS[verdict]
            if mappings != sorted(mappings):
                problems.append(f"{name}: rows are not in canonical sorted order")
            for m in mappings:
                row = f"{name}: {m.subject.curie} {m.predicate.curie} {m.object.curie}"
                refs = [m.subject, m.object, m.predicate, m.justification]
                refs += [*(m.authors or ()), *(m.reviewers or ())]
                for ref in refs:
                    if self.converter.expand(ref.curie) is None:
                        problems.append(f"{row}: {ref.curie} has an undeclared prefix")
                if m.justification.curie != MANUAL:
                    problems.append(f"{row}: justification {m.justification.curie}, not {MANUAL}")
                if m.predicate.curie not in PREDICATES:
                    problems.append(f"{row}: predicate is not a SKOS mapping predicate")
                if m.negated != (verdict == "reject"):
                    problems.append(f"{row}: predicate_modifier does not match the file")
                if not m.reviewers:
                    problems.append(f"{row}: no reviewer_id")
                for ref in m.reviewers or ():
                    if ref.curie not in reviewers:
                        problems.append(f"{row}: reviewer {ref.curie} is not in {REVIEWERS_FILE}")
                if pair_key(m) in where:
                    problems.append(f"{row}: pair also decided in {where[pair_key(m)]}")
                where[pair_key(m)] = name
        for curie in reviewers:
            try:
                check_reviewer(curie, self.converter)
            except KcgraphError as exc:
                problems.append(f"{REVIEWERS_FILE}: {exc}")
        return problems

    # --- status ---------------------------------------------------------------------------

    def status(
        self, proposals: Sequence[SemanticMapping], is_known: Callable[[str], bool]
    ) -> ReviewStatus:
        """Decided vs open per pair of profiles/vocabularies, and decisions whose
        statements are gone (``is_known`` tells whether an IRI still exists)."""
        decisions = self.decisions()
        decided = {d.pair: d.verdict for d in decisions}
        result = ReviewStatus(directory=self.directory, total=len(decisions))
        for mapping in proposals:
            counter = result.pairs.setdefault(_scheme_pair(mapping), Counter())
            counter["proposed"] += 1
            counter["decided" if pair_key(mapping) in decided else "open"] += 1
        for d in decisions:
            result.pairs.setdefault(_scheme_pair(d.mapping), Counter())[d.verdict] += 1
            if not all(is_known(self.converter.expand(c) or "") for c in d.pair):
                result.orphans.append(d)
        return result


def _scheme_pair(mapping: SemanticMapping) -> tuple[str, str]:
    """The two profiles (or vocabularies) a mapping joins, by CURIE prefix, sorted."""
    return tuple(sorted((mapping.subject.prefix, mapping.object.prefix)))  # type: ignore[return-value]


@dataclass
class ReviewStatus:
    directory: Path
    total: int = 0
    pairs: dict[tuple[str, str], Counter] = field(default_factory=dict)
    orphans: list[Decision] = field(default_factory=list)


def format_status(status: ReviewStatus) -> Iterable[str]:
    """The lines ``kcgraph review status`` prints."""
    yield (
        f"{'profiles':<24} {'proposed':>8} {'decided':>8} {'open':>6} {'accepted':>9} "
        f"{'rejected':>9} {'unsure':>7}"
    )
    for (a, b), c in sorted(status.pairs.items()):
        yield (
            f"{a + '-' + b:<24} {c['proposed']:>8} {c['decided']:>8} {c['open']:>6} "
            f"{c['accept']:>9} {c['reject']:>9} {c['unsure']:>7}"
        )
    yield f"{status.total} decisions in {status.directory}"
    for d in status.orphans:
        yield (
            f"orphan ({d.verdict}): {d.mapping.subject.curie} -> {d.mapping.object.curie}: a "
            "statement no longer exists in the sources; the decision is kept, not applied"
        )
