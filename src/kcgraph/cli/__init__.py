"""The ``kcgraph`` command: a thin layer over the library (heavy imports stay inside commands),
its commands grouped by room: the graph (:mod:`.graph`), matching (:mod:`.match`), review
(:mod:`.review`) and serving users (:mod:`.serve`), with the options they share
(:mod:`.options`).

Each command turns its options into one :class:`~kcgraph.settings.Settings` (over the
``KCGRAPH_*`` environment), makes a :class:`~kcgraph.workspace.Workspace` and calls the
library; expected errors become one line on stderr with exit code 2 (:func:`main`).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import KcgraphError
from ..version import VERSION
from .graph import build, diff, export, init, stats, table, validate
from .match import esco, evaluate, link, match
from .review import review
from .serve import publish, query, serve, site

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="kcgraph")
@click.option(
    "--project",
    type=click.Path(file_okay=False),
    help="A project folder (kcgraph init); default: the one the working folder is in.",
)
@click.pass_context
def cli(ctx: click.Context, project: str | None) -> None:
    """kcgraph: knowledge graphs and crosswalks of occupational competency profiles."""
    if project is not None:
        import os

        previous = os.environ.get("KCGRAPH_PROJECT")
        os.environ["KCGRAPH_PROJECT"] = project

        def restore() -> None:
            if previous is None:
                os.environ.pop("KCGRAPH_PROJECT", None)
            else:
                os.environ["KCGRAPH_PROJECT"] = previous

        ctx.call_on_close(restore)


for _command in (
    build,
    diff,
    esco,
    evaluate,
    export,
    init,
    link,
    match,
    publish,
    query,
    review,
    serve,
    site,
    stats,
    table,
    validate,
):
    cli.add_command(_command)


class _Terminal:
    """A text stream to a terminal that shows control characters instead of acting on them
    (a profile's text cannot move the cursor, retitle the window or reorder a line)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from ..parse.text import terminal_text

        return int(self._stream.write(terminal_text(text)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> None:
    """Entry point: expected errors become one line on stderr and exit code 2; what goes to
    a terminal has its control characters shown (to a file or a pipe: as it is)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream.isatty() and not isinstance(stream, _Terminal):
            setattr(sys, name, _Terminal(stream))
    try:
        cli.main(args=argv, prog_name="kcgraph", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("kcgraph: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KcgraphError as exc:
        click.echo(f"kcgraph: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:
        name = f" {exc.filename}:" if exc.filename else ""
        click.echo(f"kcgraph: error:{name} {exc.strerror or exc}", err=True)
        sys.exit(2)
