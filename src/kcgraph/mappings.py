"""SSSOM files in and out, as typed records (:class:`sssom_pydantic.SemanticMapping`).

Every mapping kcgraph handles, a proposal or a review decision, is a ``SemanticMapping``
from the moment it is made or read until it is written: match, review, evaluate, build and
publish pass these records, never dicts of strings. Files are read and written by
sssom-pydantic; kcgraph adds two things around it:

* **atomic writes** (temporary file, then rename; :mod:`kcgraph.files`);
* **free text that round-trips**: a comment or label may hold any character. Backslash,
  tab and every Unicode line break are written as backslash escapes (``\\n``, ``\\u2028``),
  as is whitespace at either end, so each mapping stays one TSV line and reads back
  exactly as it was given.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import curies
import sssom_pydantic
from curies import NamableReference, Reference
from sssom_pydantic import MappingSet, SemanticMapping
from sssom_pydantic.api import MappingSetRecord

from .errors import InputError
from .files import read_edited_text, write_atomic
from .terms import MANUAL_MAPPING_CURATION

__all__ = [
    "SSSOM_BUILT_IN_PREFIXES",
    "MappingFile",
    "escape_text",
    "manual_mapping",
    "pair_key",
    "read_mappings",
    "reference",
    "render_mappings",
    "unescape_text",
    "write_mappings",
]

#: Characters written as escapes inside free text (besides whitespace at either end): these,
#: and every control character and Unicode line or paragraph separator as ``\\uXXXX``.
_ESCAPED = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
_UNESCAPE = re.compile(r"\\(\\|n|r|t|u[0-9a-fA-F]{4})")


def escape_text(text: str) -> str:
    r"""Free text as one TSV-safe line that :func:`unescape_text` turns back exactly.

    >>> escape_text("two\nlines")
    'two\\nlines'
    >>> unescape_text(escape_text(" padded\u2028 ")) == " padded\u2028 "
    True
    """
    out = []
    for char in text:
        if char in _ESCAPED:
            out.append(_ESCAPED[char])
        elif unicodedata.category(char) in _ESCAPED_CATEGORIES:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    body = "".join(out)
    core = body.strip()
    if core == body:
        return body
    start = body.index(core) if core else len(body)
    lead, trail = body[:start], body[start + len(core) :]
    return (
        "".join(f"\\u{ord(c):04x}" for c in lead)
        + core
        + "".join(f"\\u{ord(c):04x}" for c in trail)
    )


def unescape_text(text: str) -> str:
    def one(match: re.Match) -> str:
        code = match.group(1)
        if code.startswith("u"):
            return chr(int(code[1:], 16))
        return {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}[code]

    return _UNESCAPE.sub(one, text)


def _map_text(mapping: SemanticMapping, fn: Callable[[str], str]) -> SemanticMapping:
    update: dict[str, Any] = {}
    if mapping.comment is not None:
        update["comment"] = fn(mapping.comment)
    for side in ("subject", "object"):
        ref = getattr(mapping, side)
        if ref.name is not None:
            update[side] = NamableReference(
                prefix=ref.prefix, identifier=ref.identifier, name=fn(ref.name)
            )
    return mapping.model_copy(update=update) if update else mapping


#: Prefixes every SSSOM reader knows; the SSSOM specification says not to redeclare them.
SSSOM_BUILT_IN_PREFIXES = frozenset({"linkml", "owl", "rdf", "rdfs", "semapv", "skos", "sssom"})


def pair_key(mapping: SemanticMapping) -> frozenset[str]:
    """The unordered pair of CURIEs a mapping joins (a decision is per pair)."""
    return frozenset((mapping.subject.curie, mapping.object.curie))


@dataclass(frozen=True)
class MappingFile:
    """The content of one SSSOM TSV file."""

    mappings: list[SemanticMapping]
    mapping_set: MappingSet
    converter: curies.Converter


def read_mappings(path: str | Path, *, converter: curies.Converter | None = None) -> MappingFile:
    """Read an SSSOM TSV file; anything malformed is one :class:`InputError` naming the file."""
    path = Path(path)
    text = read_edited_text(path, what="SSSOM file")
    try:
        mappings, file_converter, mapping_set, errors = sssom_pydantic.read(
            io.StringIO(text), converter=converter, return_errors=True
        )
    except InputError:
        raise
    except Exception as exc:  # the library raises many kinds on a malformed header
        raise InputError(f"not a valid SSSOM TSV file ({_first_line(exc)})", path=path) from None
    if errors:
        first = errors[0]
        raise InputError(
            f"invalid mapping ({_first_line(first.exception)})", path=path, line=first.line_number
        )
    return MappingFile([_map_text(m, unescape_text) for m in mappings], mapping_set, file_converter)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def render_mappings(
    mappings: Iterable[SemanticMapping],
    *,
    converter: curies.Converter,
    metadata: MappingSetRecord,
    columns: Sequence[str] | None = None,
) -> str:
    """The SSSOM TSV text, mappings in the given order: the columns that have data and only
    the prefixes used declared, or (``columns`` given) exactly those columns and every prefix
    of ``converter``, so that the header never changes with the rows."""
    buffer = io.StringIO()
    if columns is not None:  # every prefix but SSSOM's own (never redeclared)
        records = [r for r in converter.records if r.prefix not in SSSOM_BUILT_IN_PREFIXES]
        converter = curies.Converter(records)
    sssom_pydantic.write(
        [_map_text(m, escape_text) for m in mappings],
        buffer,
        converter=converter,
        metadata=metadata,
        condense=False,
        columns=columns,
        reduce_prefix_map=columns is None,
        exclude_prefixes=SSSOM_BUILT_IN_PREFIXES,
    )
    # free text is escaped, so a line break is always a row's end: one style of line end
    return buffer.getvalue().replace("\r\n", "\n")


def write_mappings(
    path: str | Path,
    mappings: Sequence[SemanticMapping],
    *,
    converter: curies.Converter,
    metadata: MappingSetRecord,
) -> None:
    """Write an SSSOM TSV file atomically."""
    write_atomic(path, render_mappings(mappings, converter=converter, metadata=metadata))


def reference(curie_or_iri: str, converter: curies.Converter) -> Reference:
    """A reference for a CURIE or an IRI of a known namespace; otherwise ``ValueError``."""
    if curie_or_iri.startswith(("http://", "https://")):
        curie = converter.compress(curie_or_iri, strict=False)
        if curie is None:
            raise ValueError(f"{curie_or_iri}: IRI outside the known namespaces")
        return Reference.from_curie(curie)
    converter.expand(curie_or_iri, strict=True)
    return Reference.from_curie(curie_or_iri)


def manual_mapping(
    subject: tuple[str, str],
    predicate: str,
    obj: tuple[str, str],
    converter: curies.Converter,
    *,
    reviewer: str,
) -> SemanticMapping:
    """A link a person judged (``subject``/``obj``: IRI and label), made and reviewed by
    ``reviewer`` today: how an imported gold pair or labelled sample becomes a decision."""
    import datetime as dt

    def named(iri: str, name: str) -> NamableReference:
        prefix, local = converter.compress(iri, strict=True).split(":", 1)
        return NamableReference(prefix=prefix, identifier=local, name=name)

    return SemanticMapping(
        subject=named(*subject),
        predicate=predicate,
        object=named(*obj),
        justification=MANUAL_MAPPING_CURATION,
        authors=[Reference.from_curie(reviewer)],
        reviewers=[Reference.from_curie(reviewer)],
        mapping_date=dt.date.today(),
    )
