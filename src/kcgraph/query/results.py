"""What a query answers, rendered for the command line: the rows of a SELECT, the triples of
a CONSTRUCT or DESCRIBE, the truth of an ASK."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from .safety import QueryError

__all__ = ["FORMATS", "AskResult", "GraphResult", "QueryResult", "ResultTable"]

#: What ``kcgraph query --format`` may ask for: a table (SELECT) or triples (CONSTRUCT and
#: DESCRIBE); an ASK answers true or false in any of them.
FORMATS = ("table", "csv", "json", "turtle", "nt")


@dataclass
class ResultTable:
    """The rows of a SELECT query."""

    variables: list[str]
    rows: list[list[str | None]] = field(default_factory=list)
    truncated: bool = False

    def as_table(self) -> str:
        cells = [[c if c is not None else "" for c in row] for row in self.rows]
        widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(self.variables)]
        widths = [min(w, 60) for w in widths]

        def line(values: Sequence[str]) -> str:
            return "  ".join(str(v)[:60].ljust(w) for v, w in zip(values, widths, strict=True))

        out = [line(self.variables), line(["-" * w for w in widths])]
        out += [line(r) for r in cells]
        out.append(
            f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''}"
            f"{', truncated at the row limit' if self.truncated else ''})"
        )
        return "\n".join(out) + "\n"

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.variables)
        writer.writerows([[c if c is not None else "" for c in r] for r in self.rows])
        return out.getvalue()

    def as_json(self) -> str:
        rows = [dict(zip(self.variables, r, strict=True)) for r in self.rows]
        body = {"variables": self.variables, "truncated": self.truncated, "rows": rows}
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"

    def render(self, fmt: str) -> str:
        if fmt in ("turtle", "nt"):
            raise QueryError(
                f"a SELECT query gives a table: use --format table, csv or json, not {fmt}"
            )
        return {"table": self.as_table, "csv": self.as_csv, "json": self.as_json}[fmt]()


@dataclass
class GraphResult:
    """The triples of a CONSTRUCT or DESCRIBE query, as N-Triples and Turtle."""

    n_triples: str
    turtle: str
    count: int
    truncated: bool = False

    def render(self, fmt: str) -> str:
        return self.n_triples if fmt == "nt" else self.turtle


@dataclass
class AskResult:
    """The answer of an ASK query."""

    value: bool

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return json.dumps({"boolean": self.value}) + "\n"
        return ("true" if self.value else "false") + "\n"


QueryResult = ResultTable | GraphResult | AskResult
