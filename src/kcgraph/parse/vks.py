"""Parser of the Flemish beroepskwalificatie (VKS) format.

Layout: headed blocks of lines. "TITEL" and "Definitie" give the occupation; "Competentie N:"
is followed by its title and ``·`` activity indicators, then "Met inbegrip van kennis:" and
knowledge items; "BESCHRIJVING COMPETENTIES ADHV DE DESCRIPTORELEMENTEN" opens the descriptor
elements (knowledge, skills, context, autonomy, responsibility), and "Attesten" the
certificates and entry conditions.
"""

from __future__ import annotations

import re

from ..errors import InputError
from .model import Kind, Profile, ProfileBuilder, SourceInfo
from .sources import read_lines
from .text import clean, clean_item

__all__ = ["parse_vks_bk"]

#: Descriptor-element headings and the kind of the items listed under them.
DESCRIPTOR_KINDS: dict[str, Kind] = {
    "kennis": Kind.KNOWLEDGE,
    "cognitieve vaardigheden": Kind.SKILL,
    "probleemoplossende vaardigheden": Kind.SKILL,
    "motorische vaardigheden": Kind.SKILL,
    "omgevingscontext": Kind.WORK_CONTEXT,
    "handelingscontext": Kind.WORK_CONTEXT,
    "autonomie": Kind.WORK_CONTEXT,
    "verantwoordelijkheid": Kind.WORK_CONTEXT,
}

#: Headings every complete beroepskwalificatie has, in order (a missing one means truncation).
REQUIRED_HEADINGS = (
    "TITEL",
    "Definitie",
    "Competentie 1:",
    "BESCHRIJVING COMPETENTIES",
    "Verantwoordelijkheid",
    "Attesten",
    "Instapvoorwaarden",
)

_BULLET = "·"
_COMPETENCY = re.compile(r"^Competentie\s+(\d+)\s*:$")
_KNOWLEDGE_LEAD = "Met inbegrip van kennis:"
_DESCRIPTORS = "BESCHRIJVING COMPETENTIES"
_CERTIFICATES = "attesten"


def parse_vks_bk(source: SourceInfo) -> Profile:
    """Parse a VKS beroepskwalificatie into a :class:`Profile`."""
    source, lines = read_lines(source)
    path = source.path
    stripped = [line.strip() for line in lines]
    for heading in REQUIRED_HEADINGS:
        if not any(s.upper().startswith(heading.upper()) for s in stripped):
            first = heading == REQUIRED_HEADINGS[0]
            raise InputError(
                "not a VKS beroepskwalificatie: no 'TITEL' heading"
                if first
                else f"document truncated: heading {heading!r} not found",
                path=path,
                line=None if first else len(lines),
            )
    builder = ProfileBuilder(path, one_kind=False)  # descriptor elements repeat indicators
    title_at = stripped.index("TITEL")
    name_at = _next_text(stripped, title_at)
    occupation = builder.add(
        Kind.OCCUPATION, clean(stripped[name_at]), section=(), lines=(name_at + 1, name_at + 1)
    )

    area = "head"  # head | competencies | descriptors | certificates
    section: tuple[str, ...] = ()
    kind: Kind | None = None
    competency: str | None = None
    expected = 1
    i = 0
    while i < len(lines):
        text, number = stripped[i], i + 1
        i += 1
        if not text:
            continue
        if area == "head":
            if text == "Definitie":
                end = i
                while end < len(lines) and stripped[end]:
                    end += 1
                builder.statements[occupation].definition = clean(" ".join(stripped[i:end]))
                i = end
            elif text.startswith("Niveau") or text == "Jaar van erkenning":
                j = _next_text(stripped, i - 1)
                builder.note((text,), clean(stripped[j]), j + 1)
                i = j + 1
            elif _COMPETENCY.match(text):
                area = "competencies"
            else:
                continue
        if area == "competencies":
            if m := _COMPETENCY.match(text):
                if int(m.group(1)) != expected:
                    raise InputError(
                        f"expected Competentie {expected}, found {text!r}", path=path, line=number
                    )
                expected += 1
                j = _next_text(stripped, i - 1)
                if j >= len(lines) or stripped[j].startswith(_BULLET):
                    raise InputError(f"{text} has no title", path=path, line=number)
                section = ("Competenties", text)
                competency = builder.add(
                    Kind.COMPETENCY, clean(stripped[j]), section=section, lines=(j + 1, j + 1)
                )
                kind, i = Kind.INDICATOR, j + 1
            elif text == _KNOWLEDGE_LEAD:
                kind = Kind.KNOWLEDGE
            elif text.startswith(_BULLET) and competency and kind:
                builder.add(
                    kind,
                    clean_item(text),
                    section=section,
                    lines=(number, number),
                    parents=[competency],
                )
            elif text.upper().startswith(_DESCRIPTORS):
                area, section, kind = "descriptors", (text,), None
            else:
                raise InputError(
                    f"unexpected line in a competency: {text[:60]!r}", path=path, line=number
                )
        elif area == "descriptors":
            heading = text.lower()
            if heading.startswith(_CERTIFICATES):
                area, section = "certificates", (text,)
            elif heading in DESCRIPTOR_KINDS:
                kind, section = DESCRIPTOR_KINDS[heading], (section[0], text)
            elif text.startswith(_BULLET) and kind:
                builder.add(kind, clean_item(text), section=section, lines=(number, number))
            elif kind:  # a sub-heading such as "Is zelfstandig in"
                section = (*section[:2], text)
        elif area == "certificates":
            j = _next_text(stripped, i - 1)
            if j < len(lines) and not stripped[j].startswith(_BULLET):
                builder.note((*section, text), clean(stripped[j]), j + 1)
                i = j + 1
    if expected == 1:
        raise InputError("no 'Competentie 1:' block", path=path)
    return builder.build(source)


def _next_text(stripped: list[str], index: int) -> int:
    """Index of the first non-blank line after ``index`` (len(stripped) when there is none)."""
    j = index + 1
    while j < len(stripped) and not stripped[j]:
        j += 1
    return j
