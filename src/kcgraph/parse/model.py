"""Typed model of a parsed profile: what every parser returns and the graph builder reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..errors import InputError

__all__ = [
    "UNIT_KINDS",
    "Kind",
    "Note",
    "Occurrence",
    "Profile",
    "ProfileBuilder",
    "SourceInfo",
    "Statement",
]


class Kind(StrEnum):
    """What a statement is in its source; the value is the local name of its ontology class."""

    OCCUPATION = "Occupation"
    ROLE = "Role"
    CORE_TASK = "CoreTask"
    WORK_PROCESS = "WorkProcess"
    COMPETENCY = "Competency"
    INDICATOR = "BehaviouralIndicator"
    ACTIVITY = "Activity"
    KNOWLEDGE = "Knowledge"
    SKILL = "Skill"
    ATTITUDE = "Attitude"
    RESULT = "Result"
    WORK_CONTEXT = "WorkContextStatement"
    LEVEL_DESCRIPTOR = "LevelDescriptor"


#: Structural units: a unit never merges with a statement of another kind that has the same text
#: (ECABO's work process 2.3 is worded like its core task 2, yet they are two units).
UNIT_KINDS = frozenset({Kind.OCCUPATION, Kind.ROLE, Kind.CORE_TASK, Kind.WORK_PROCESS})


@dataclass(frozen=True)
class SourceInfo:
    """One manifest entry: a source document and what is known of it."""

    id: str
    path: str
    title: str
    publisher: str
    language: str
    region: str
    parser: str
    date: str | None = None
    version: str | None = None
    creator: str | None = None
    origin: str | None = None
    license: str | None = None
    sha256: str = ""


@dataclass(frozen=True)
class Occurrence:
    """One place a statement stands in its source: section path, lines and structural parent."""

    section: tuple[str, ...]
    line_start: int
    line_end: int
    parent: str | None = None


@dataclass
class Statement:
    """One statement of a profile; ``label`` is its clean verbatim text, ``key`` its identity.

    ``key`` is the label itself, except for a structural unit (core task, work process, role)
    whose text equals that of a statement of another kind: then ``kind:label``.
    """

    key: str
    kind: Kind
    label: str
    occurrences: list[Occurrence] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    definition: str | None = None
    notation: str | None = None
    alt_labels: list[str] = field(default_factory=list)
    hidden_labels: list[str] = field(default_factory=list)
    scope_notes: list[str] = field(default_factory=list)
    isco_codes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Note:
    """Narrative text of a profile kept as a note on its scheme (trends, career, colophon)."""

    section: tuple[str, ...]
    text: str
    line: int


@dataclass
class Profile:
    """A parsed profile: its source, its statements in document order, and scheme-level notes."""

    source: SourceInfo
    statements: dict[str, Statement]
    notes: list[Note]

    def by_kind(self) -> dict[Kind, int]:
        counts: dict[Kind, int] = {}
        for statement in self.statements.values():
            counts[statement.kind] = counts.get(statement.kind, 0) + 1
        return counts

    @property
    def occupation(self) -> Statement:
        return next(s for s in self.statements.values() if s.kind is Kind.OCCUPATION)


class ProfileBuilder:
    """Collects statements while a parser walks its document.

    A text that recurs verbatim becomes one statement with one occurrence per place. A text
    that recurs as another kind is an :class:`InputError` (a repeated or misplaced block),
    unless the format repeats statements under other headings (``one_kind=False``: the
    statement keeps the kind of its first place).

    >>> b = ProfileBuilder()
    >>> b.add(Kind.COMPETENCY, "Samenwerken", section=("Rol 1",), lines=(3, 3))
    'Samenwerken'
    >>> b.add(Kind.COMPETENCY, "Samenwerken", section=("Rol 2",), lines=(9, 9))
    'Samenwerken'
    >>> len(b.statements["Samenwerken"].occurrences)
    2
    """

    def __init__(self, path: str = "", *, one_kind: bool = True) -> None:
        self.path = path
        #: a text that recurs as another kind is an error (else: it keeps its first kind)
        self.one_kind = one_kind
        self.statements: dict[str, Statement] = {}
        self.notes: list[Note] = []

    def add(
        self,
        kind: Kind,
        text: str,
        *,
        section: tuple[str, ...],
        lines: tuple[int, int],
        parents: tuple[str, ...] | list[str] = (),
    ) -> str:
        if not text:
            raise ValueError("a statement needs a text")
        key = text
        existing = self.statements.get(key)
        if (
            existing is not None
            and existing.kind is not kind
            and (kind in UNIT_KINDS or existing.kind in UNIT_KINDS)
        ):
            key = f"{kind.value}:{text}"
        statement = self.statements.get(key)
        if statement is None:
            statement = self.statements[key] = Statement(key=key, kind=kind, label=text)
        elif statement.kind is not kind and self.one_kind:
            first = statement.occurrences[0].line_start if statement.occurrences else "?"
            raise InputError(
                f"{text[:60]!r} stands here as {kind.value} but at line {first} as "
                f"{statement.kind.value} (a repeated or misplaced block?)",
                path=self.path or "document",
                line=lines[0],
            )
        parents = [p for p in parents if p != key]
        if parents:
            for parent in parents:
                statement.occurrences.append(Occurrence(section, lines[0], lines[1], parent))
                if parent not in statement.parents:
                    statement.parents.append(parent)
        else:
            statement.occurrences.append(Occurrence(section, lines[0], lines[1], None))
        return key

    def note(self, section: tuple[str, ...], text: str, line: int) -> None:
        if text:
            self.notes.append(Note(section, text, line))

    def build(self, source: SourceInfo) -> Profile:
        return Profile(source=source, statements=self.statements, notes=self.notes)
