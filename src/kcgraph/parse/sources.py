"""The manifest of source documents and safe reading of their text."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..files import read_text
from .model import SourceInfo

__all__ = ["read_lines", "read_manifest"]

_REQUIRED = ("id", "file", "parser", "title", "publisher", "language", "region")
_OPTIONAL = ("date", "version", "creator", "origin", "license")
_LANGUAGES = ("nl-NL", "nl-BE")
#: A profile id becomes a CURIE prefix and an IRI path segment: lower-case letters, digits, -/_.
_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def read_manifest(path: str | Path, *, known_parsers: Collection[str]) -> list[SourceInfo]:
    """Read ``manifest.toml``: one :class:`SourceInfo` per ``[[source]]`` entry, in file order.

    ``known_parsers`` are the format names a manifest may ask for (the parser registry).
    """
    path = Path(path)
    try:
        data = tomllib.loads(read_text(path, what="manifest"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not a valid TOML manifest ({exc})", path=path) from None
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise InputError("manifest lists no [[source]] entries", path=path)
    sources: list[SourceInfo] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        _check_entry(entry, number, path, known_parsers)
        if entry["id"] in seen:
            raise InputError(f"source id {entry['id']!r} is listed twice", path=path)
        seen.add(entry["id"])
        try:
            document = (path.parent / entry["file"]).resolve(strict=False)
        except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL byte
            raise InputError(
                f"source {entry['id']!r}: cannot resolve file {entry['file']!r} ({exc})", path=path
            ) from None
        fields = {key: entry.get(key) for key in (*_REQUIRED, *_OPTIONAL) if key != "file"}
        sources.append(SourceInfo(path=str(document), **fields))
    return sources


def _check_entry(entry: object, number: int, path: Path, known_parsers: Collection[str]) -> None:
    """Refuse a ``[[source]]`` entry that is not a table of strings with the required keys,
    a safe id, a known parser and a supported language."""
    if not isinstance(entry, dict):
        raise InputError(f"source #{number} is not a table", path=path)
    for key in (*_REQUIRED, *_OPTIONAL):
        if key in entry and not isinstance(entry[key], str):
            raise InputError(
                f"source #{number}: {key} must be a string, not {type(entry[key]).__name__}",
                path=path,
            )
    missing = [key for key in _REQUIRED if not entry.get(key)]
    if missing:
        raise InputError(f"source #{number} lacks {', '.join(missing)}", path=path)
    if not _ID.match(entry["id"]):
        raise InputError(
            f"source #{number}: id {entry['id']!r} must be lower-case letters, digits, "
            "'-' or '_' (it becomes a CURIE prefix and part of IRIs)",
            path=path,
        )
    if entry["parser"] not in known_parsers:
        known = ", ".join(sorted(known_parsers))
        raise InputError(
            f"source {entry['id']!r} asks for unknown parser {entry['parser']!r} (known: {known})",
            path=path,
        )
    if entry["language"] not in _LANGUAGES:
        raise InputError(
            f"source {entry['id']!r} has language {entry['language']!r}; expected one of "
            f"{', '.join(_LANGUAGES)}",
            path=path,
        )


def read_lines(source: SourceInfo) -> tuple[SourceInfo, list[str]]:
    """The document's lines (1-based index = list index + 1) and its checksum.

    Refuses missing, empty, binary and non-UTF-8 files with an :class:`InputError`.
    """
    path = Path(source.path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("source document not found", path=path) from None
    except IsADirectoryError:
        raise InputError("source document is a folder, not a file", path=path) from None
    except (OSError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise InputError(f"cannot read source document ({reason})", path=path) from None
    if not raw.strip():
        raise InputError("source document is empty", path=path)
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise InputError("binary data (NUL byte), not a text extraction", path=path, line=line)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("not UTF-8 text", path=path, line=line) from None
    checksum = hashlib.sha256(raw).hexdigest()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return replace(source, sha256=checksum), lines
