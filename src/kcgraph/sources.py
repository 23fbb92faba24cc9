"""The manifest of source documents and safe reading of their text."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import replace
from pathlib import Path

from .errors import InputError
from .model import SourceInfo

__all__ = ["read_lines", "read_manifest"]

_REQUIRED = ("id", "file", "parser", "title", "publisher", "language", "region")
_LANGUAGES = ("nl-NL", "nl-BE")


def read_manifest(path: str | Path) -> list[SourceInfo]:
    """Read ``manifest.toml``: one :class:`SourceInfo` per ``[[source]]`` entry, in file order."""
    from .parse import PARSERS  # the registry names the formats a manifest may ask for

    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("manifest not found", path=path) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a valid TOML manifest ({exc})", path=path) from None
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise InputError("manifest lists no [[source]] entries", path=path)
    sources: list[SourceInfo] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        missing = [key for key in _REQUIRED if not entry.get(key)]
        if missing:
            raise InputError(f"source #{number} lacks {', '.join(missing)}", path=path)
        if entry["parser"] not in PARSERS:
            known = ", ".join(sorted(PARSERS))
            raise InputError(
                f"source {entry['id']!r} asks for unknown parser {entry['parser']!r} "
                f"(known: {known})",
                path=path,
            )
        if entry["language"] not in _LANGUAGES:
            raise InputError(
                f"source {entry['id']!r} has language {entry['language']!r}; expected one of "
                f"{', '.join(_LANGUAGES)}",
                path=path,
            )
        if entry["id"] in seen:
            raise InputError(f"source id {entry['id']!r} is listed twice", path=path)
        seen.add(entry["id"])
        document = (path.parent / entry["file"]).resolve()
        sources.append(
            SourceInfo(
                id=entry["id"],
                path=str(document),
                title=entry["title"],
                publisher=entry["publisher"],
                language=entry["language"],
                region=entry["region"],
                parser=entry["parser"],
                date=entry.get("date"),
                version=entry.get("version"),
                creator=entry.get("creator"),
                origin=entry.get("origin"),
                license=entry.get("license"),
            )
        )
    return sources


def read_lines(source: SourceInfo) -> tuple[SourceInfo, list[str]]:
    """The document's lines (1-based index = list index + 1) and its checksum.

    Refuses missing, empty, binary and non-UTF-8 files with an :class:`InputError`.
    """
    path = Path(source.path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("source document not found", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read source document ({exc.strerror})", path=path) from None
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
