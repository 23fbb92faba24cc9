"""Who may sign a review decision: reviewer CURIEs checked, and the register of reviewers.

``data/mappings/reviewers.tsv`` lists every reviewer whose decisions the files hold
(``reviewer_id``, ``name``); a reviewer is added on their first decision. An ORCID is
checked with its ISO 7064 MOD 11-2 check character; any other prefix must be declared in the
run's CURIE converter.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import curies

from ...errors import KcgraphError
from ...files import read_edited_text

__all__ = [
    "IN_MEMORY_REVIEWER",
    "PLACEHOLDER_ORCIDS",
    "REVIEWERS_FILE",
    "check_reviewer",
    "orcid_is_valid",
    "read_register",
    "read_reviewers",
    "render_reviewers",
    "typed_reviewer",
]

#: File of the reviewer register, beside the decision files.
REVIEWERS_FILE = "reviewers.tsv"
#: Well-formed ORCIDs that name nobody (ORCID's own documentation examples are real people).
PLACEHOLDER_ORCIDS = frozenset({"0000-0000-0000-0000"})
#: Signs the decisions an out-of-fold evaluation makes from gold in memory; never written.
IN_MEMORY_REVIEWER = "orcid:0000-0002-1825-0097"
_ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def orcid_is_valid(identifier: str) -> bool:
    """Whether ``identifier`` is an ORCID iD with a correct check character.

    >>> orcid_is_valid("0000-0002-1825-0097"), orcid_is_valid("0000-0002-1825-0098")
    (True, False)
    """
    if not _ORCID.match(identifier):
        return False
    digits = identifier.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def typed_reviewer(typed: str, converter: curies.Converter) -> str:
    """What an analyst typed as who they are (a bare or URL ORCID, or a CURIE), checked."""
    reviewer = typed.strip()
    if reviewer and not reviewer.startswith(("orcid:", "kcgreviewer:")):
        reviewer = f"orcid:{reviewer.removeprefix('https://orcid.org/')}"
    return check_reviewer(reviewer, converter)


def check_reviewer(reviewer: str, converter: curies.Converter) -> str:
    """The reviewer CURIE, checked; a :class:`KcgraphError` says what is wrong with it."""
    prefix, sep, local = reviewer.partition(":")
    if not sep or not prefix or not local or any(c.isspace() for c in reviewer):
        raise KcgraphError(
            f"reviewer {reviewer!r} must be a CURIE such as orcid:0000-0002-1825-0097"
        )
    if prefix == "orcid":
        if local in PLACEHOLDER_ORCIDS:
            raise KcgraphError(f"reviewer {reviewer!r} is a placeholder, not a person")
        if not orcid_is_valid(local):
            raise KcgraphError(
                f"reviewer {reviewer!r} is not a valid ORCID iD (wrong form or check digit)"
            )
    elif prefix not in converter.prefix_map:
        raise KcgraphError(
            f"reviewer {reviewer!r}: prefix {prefix!r} is not declared (use an ORCID: orcid:…)"
        )
    return reviewer


def read_reviewers(directory: Path) -> dict[str, str]:
    """Reviewer CURIE -> name, from ``reviewers.tsv`` (empty when there is none)."""
    return read_register(directory / REVIEWERS_FILE)


def read_register(path: Path) -> dict[str, str]:
    """Reviewer CURIE -> name, from a register file (empty when there is none, or when it is
    empty, as git's merge driver may pass)."""
    if not path.is_file() or not path.stat().st_size:
        return {}
    text = read_edited_text(path, what="reviewer register")
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    if reader.fieldnames is None or "reviewer_id" not in reader.fieldnames:
        raise KcgraphError(f"{path}:1: expected a reviewer_id column")
    return {row["reviewer_id"]: row.get("name") or "" for row in reader if row.get("reviewer_id")}


def render_reviewers(reviewers: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(["reviewer_id", "name"])
    for curie, name in sorted(reviewers.items()):
        writer.writerow([curie, " ".join(name.split())])
    return out.getvalue()
