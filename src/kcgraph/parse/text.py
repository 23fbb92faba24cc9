"""Text clean-up shared by the parsers: markup, bullets, web-page noise, apostrophes, lists.

The rules here are about the *form* of the extractions (HTML fragments, bullets, run-together
list items), never about particular statements.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

__all__ = [
    "FUNCTION_WORDS",
    "NOISE_PATTERNS",
    "clean",
    "clean_item",
    "html_blocks",
    "slugify",
    "split_dash_items",
    "split_run_together",
    "terminal_text",
]

#: Web-page and layout noise removed from every text ("Info block" buttons, gender markers).
NOISE_PATTERNS = (
    re.compile(r"\s*Info block\b"),
    re.compile(r"\s*\(m/v\)"),
)

#: Typographic characters normalised so that the same statement is spelled the same everywhere.
_CHAR_MAP = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u00a0": " ", "\u200b": "", "\u00ad": "", "\t": " "}
)

#: Characters that start a bulleted item in the extractions.
_BULLETS = "•·▪◦●-–*"

#: Dutch function words after which a capitalised word cannot start a new list item
#: ("ook in het Engels" is one item; "... van de klant Onderzoekt ..." is two).
FUNCTION_WORDS = frozenset(
    "de het een in op van voor met en of aan als bij naar om tot uit over door te zoals ook "
    "zijn haar hun die dat dit deze elke ieder welke waar wie wat".split()
)

_TAG = re.compile(r"(<[^>]*>)")
_WS = re.compile(r"\s+")


def clean(text: str) -> str:
    """Collapse whitespace, drop markup and noise, normalise apostrophes; keep the words verbatim.

    >>> clean("Call center agent (m/v)  Info block")
    'Call center agent'
    >>> clean("<p>Gaat integer om met klanten/collega’s</p>")
    "Gaat integer om met klanten/collega's"
    """
    text = html.unescape(_TAG.sub(" ", text)).translate(_CHAR_MAP)
    for pattern in NOISE_PATTERNS:
        text = pattern.sub("", text)
    return _WS.sub(" ", text).strip()


def clean_item(text: str) -> str:
    """Clean a list item: also drop its bullet and its list punctuation (a final ``.`` or ``;``).

    >>> clean_item("· Registreert de verworven informatie in de daarvoor bestemde systemen.")
    'Registreert de verworven informatie in de daarvoor bestemde systemen'
    >>> clean_item("- Gebruikt kantoorsoftware (tekstverwerking, rekenblad, ...)")
    'Gebruikt kantoorsoftware (tekstverwerking, rekenblad, ...)'
    >>> clean_item("Archiveert documenten, bestanden...")
    'Archiveert documenten, bestanden...'
    """
    text = clean(text).lstrip(_BULLETS).strip()
    if text.endswith(";") or (text.endswith(".") and not text.endswith("..")):
        text = text[:-1].rstrip()
    return text


def html_blocks(fragment: str) -> list[tuple[bool, str]]:
    """Split an HTML-ish fragment into text blocks at block tags; flag italic (heading) runs.

    >>> html_blocks("<p><i>Samenwerken:</i> Luistert goed</p><p>Deelt kennis</p>")
    [(True, 'Samenwerken:'), (False, 'Luistert goed'), (False, 'Deelt kennis')]
    """
    blocks: list[tuple[bool, str]] = []
    buffer: list[str] = []
    italic = False

    def flush(as_heading: bool) -> None:
        text = clean("".join(buffer))
        buffer.clear()
        if text:
            blocks.append((as_heading, text))

    for part in _TAG.split(fragment):
        if not part.startswith("<"):
            buffer.append(part)
            continue
        tag = part[1:].strip("/ >").split()[0].lower() if part.strip("</>") else ""
        if tag in ("i", "em"):
            flush(italic)
            italic = not part.startswith("</")
        elif tag in ("p", "ul", "ol", "li", "br", "div", "u"):
            flush(italic)
        else:
            buffer.append(" ")
    flush(italic)
    return blocks


def split_run_together(text: str) -> list[str]:
    """Split items that an extraction ran together on one line, at a capital that starts a clause.

    A capitalised word starts a new item unless it follows a function word or a comma-like mark.

    >>> split_run_together("Toont inlevingsvermogen in de klant Onderzoekt de wensen van de klant")
    ['Toont inlevingsvermogen in de klant', 'Onderzoekt de wensen van de klant']
    >>> split_run_together("Kan teksten lezen, ook in het Engels en in een andere taal")
    ['Kan teksten lezen, ook in het Engels en in een andere taal']
    """
    words = text.split(" ")
    items: list[list[str]] = [[]]
    for i, word in enumerate(words):
        if i and _starts_clause(words[i - 1], word):
            items.append([])
        items[-1].append(word)
    return [" ".join(item) for item in items if item]


def _starts_clause(previous: str, word: str) -> bool:
    if not re.match(r"[A-Z][a-zà-ÿ]", word):
        return False
    if not re.search(r"[a-zà-ÿ0-9).]$", previous):
        return False
    return previous.lower() not in FUNCTION_WORDS


#: A list dash: ``- `` at the start, after whitespace, or glued to the previous item's last
#: letter or full stop; not a Dutch elided compound (``wet- en regelgeving``, ``luister- of``).
_DASH = re.compile(r"(?:^|(?<=\s)|(?<=[\w.;)]))[-–] (?!(?:en|of|c\.q\.|t/m)\b)")


def split_dash_items(text: str) -> list[str]:
    """Split a run of ``- item- item`` list entries into items.

    >>> split_dash_items("- Samenwerken en overleggen- Onderzoeken")
    ['Samenwerken en overleggen', 'Onderzoeken']
    >>> split_dash_items("- termen in een contactcenter- wet- en regelgeving")
    ['termen in een contactcenter', 'wet- en regelgeving']
    """
    parts = _DASH.split(text)
    return [item for item in (clean_item(p) for p in parts) if item]


def slugify(text: str, *, max_length: int = 48) -> str:
    """A readable, stable IRI segment: ASCII words cut at a word boundary, plus a short hash.

    The hash is of the full text, so two texts never share a slug and a slug depends only on
    its own text.

    >>> slugify("Kennis van typologie van klanten")
    'kennis-van-typologie-van-klanten-6025af'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
    return f"{slug}-{digest}" if slug else digest


#: What a terminal would act on rather than show: C0 and C1 controls (but tab and line
#: feed), DEL, and the bidirectional overrides and isolates that reorder what one reads.
_TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    r"""``text`` with every character a terminal would act on shown as its escape.

    >>> terminal_text("Luisteren\x1b[2J\x1b]0;pwned\x07 ok\tklaar\n")
    'Luisteren\\x1b[2J\\x1b]0;pwned\\x07 ok\tklaar\n'
    """
    return _TERMINAL_CONTROLS.sub(lambda m: m.group(0).encode("unicode_escape").decode(), text)
