"""One reading of a query's text, before any parser sees it.

rdflib's grammar (the safety check) and oxigraph's (the engine) do not read every text
alike: a bare carriage return ends a ``#`` comment for one and not the other, and rdflib
expands ``\\u`` escapes everywhere first (as SPARQL 1.1 §19.2 says) while oxigraph expands
them inside strings and IRIs only. :func:`canonical_text` reads the text once, by the
terminals of the SPARQL 1.1 grammar, and writes the text both are then given:

- codepoint escapes expanded (§19.2), so neither parser sees one;
- every line break as LF, inside strings too: a bare CR ends a comment for oxigraph and not
  for rdflib, and a ``<`` starts an IRI or is the less-than operator by where it stands
  (``FILTER(1<2)#>'''`` is an IRI and a string to this reader, an operator and a comment
  to both parsers), so what this reader takes for a string or an IRI may be a comment to
  them: with no CR left, both parsers end every comment at the same place;
- comments removed (they end at a line break, §19.4);
- refused, with line and column: what readers could take differently — a backslash outside
  a string, an escape that makes a backslash, a line break inside a one-line string, an
  escape other than ``\\t \\b \\n \\r \\f \\\\ \\" \\'`` in a string, and control, format or
  separator characters (other than space, tab and line breaks) outside strings and IRIs.

The check parses the canonical text and the engine runs that same text.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import QueryError

__all__ = ["canonical_text"]

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_LONG = {
    "'''": re.compile(r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''", re.S),
    '"""': re.compile(r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""', re.S),
}
_SHORT = {
    "'": re.compile(r"'(?:[^'\\\n\r]|\\.)*'"),
    '"': re.compile(r'"(?:[^"\\\n\r]|\\.)*"'),
}
_BREAK = re.compile(r"\r\n|\r|\n")
_ECHAR = re.compile(r"\\(.)", re.S)
_ALLOWED_ESCAPES = set("tbnrf\\\"'")


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text

    def where(self, at: int) -> str:
        before = self.text[:at]
        line = len(_BREAK.findall(before)) + 1
        start = max(before.rfind("\n"), before.rfind("\r")) + 1
        return f"line {line}, column {at - start + 1}"

    def refuse(self, at: int, what: str) -> QueryError:
        return QueryError(f"{what} at {self.where(at)}; kcgraph refuses what parsers read apart")


def _expand(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code == 0x5C or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            at = _Reader(text).where(match.start())
            raise QueryError(f"the escape {match.group(0)} at {at} is not allowed")
        return chr(code)

    return _ESCAPE.sub(one, text)


def _string(reader: _Reader, at: int) -> int:
    """The end of the string literal starting at ``at``."""
    text = reader.text
    for quote, pattern in (*_LONG.items(), *_SHORT.items()):
        if text.startswith(quote, at):
            match = pattern.match(text, at)
            if match is None:
                raise reader.refuse(at, "a string that does not end on its line")
            for escape in _ECHAR.finditer(match.group(0)):
                if escape.group(1) not in _ALLOWED_ESCAPES:
                    where = at + escape.start()
                    raise reader.refuse(where, f"the escape \\{escape.group(1)!r} in a string")
            return match.end()
    raise AssertionError("not at a string")  # pragma: no cover


def _outside(reader: _Reader, at: int) -> None:
    char = reader.text[at]
    if char == "\\":
        raise reader.refuse(at, "a backslash outside a string")
    if char in " \t\n\r" or (char.isascii() and char.isprintable()):
        return
    category = unicodedata.category(char)
    if category[0] in "CZ":
        raise reader.refuse(at, f"the character U+{ord(char):04X} ({category})")


def canonical_text(text: str) -> str:
    """The text the check parses and the engine runs (see the module's docstring).

    >>> canonical_text('ASK { ?s ?p "a#b" } # note\\rSERVICE')
    'ASK { ?s ?p "a#b" } \\nSERVICE'
    >>> canonical_text("ASK { ?s ?p '\\\\u0041' }")
    "ASK { ?s ?p 'A' }"
    """
    reader = _Reader(_BREAK.sub("\n", _expand(text)))
    source, out, at = reader.text, [], 0
    while at < len(source):
        char = source[at]
        if char in "'\"":
            end = _string(reader, at)
        elif char == "<" and (iri := _IRI.match(source, at)):
            end = iri.end()
        elif char == "#":
            end = at + 1
            while end < len(source) and source[end] != "\n":
                end += 1
            at = end
            continue
        else:
            _outside(reader, at)
            end = at + 1
        out.append(source[at:end])
        at = end
    return "".join(out)
