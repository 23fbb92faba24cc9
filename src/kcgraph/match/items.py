"""What takes part in matching: one :class:`Item` per statement (or external concept), made
from the parsed profiles; the crosswalk and the vocabulary matchers share them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..graph.namespaces import Minter
from ..parse.model import Kind, Profile, Statement

__all__ = [
    "MATCHABLE_KINDS",
    "Item",
    "matchable_items",
    "statement_item",
    "statement_texts",
]

#: Kinds of statement the crosswalk compares. Occupations are matched to ESCO separately;
#: work-context statements and level descriptors describe the setting, not a competency.
MATCHABLE_KINDS = frozenset(
    {
        Kind.ROLE,
        Kind.CORE_TASK,
        Kind.WORK_PROCESS,
        Kind.COMPETENCY,
        Kind.INDICATOR,
        Kind.ACTIVITY,
        Kind.KNOWLEDGE,
        Kind.SKILL,
        Kind.ATTITUDE,
        Kind.RESULT,
    }
)


@dataclass(frozen=True)
class Item:
    """A statement taking part in matching."""

    profile: str
    iri: str
    label: str
    kind: Kind | str
    scheme: str
    text: str = ""  # what encoders read when it differs from the label
    parents: tuple[str, ...] = ()  # IRIs of its broader statements in its profile

    @property
    def embed_text(self) -> str:
        return self.text or self.label

    @property
    def category(self) -> str:
        """``kcg:Skill`` for a profile statement; ``esco:skill`` etc. for an external one."""
        return f"kcg:{self.kind.value}" if isinstance(self.kind, Kind) else self.kind


def statement_item(profile: Profile, statement: Statement, minter: Minter, text: str = "") -> Item:
    """The item of one statement (``text``: what encoders read, when not the label)."""
    pid = profile.source.id
    return Item(
        pid,
        str(minter.concept(pid, statement)),
        statement.label,
        statement.kind,
        str(minter.scheme(pid)),
        text,
        tuple(str(minter.concept(pid, profile.statements[key])) for key in statement.parents),
    )


def matchable_items(profiles: Sequence[Profile], minter: Minter) -> list[Item]:
    """The matchable statements of every profile, profile by profile, in document order."""
    return [
        statement_item(p, s, minter)
        for p in profiles
        for s in p.statements.values()
        if s.kind in MATCHABLE_KINDS
    ]


def statement_texts(profiles: Sequence[Profile], minter: Minter) -> dict[str, str]:
    """IRI -> text of every statement of the profiles (a statement's context: its parents)."""
    return {
        str(minter.concept(p.source.id, s)): s.label
        for p in profiles
        for s in p.statements.values()
    }
