"""The graph's commands: a project (``init``), the build, exports, SHACL validation,
the difference between two versions, a profile as a table and the counts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import KcgraphError
from .options import (
    DIR,
    FILE,
    Choices,
    settings_options,
)

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = ["build", "diff", "export", "init", "stats", "table", "validate"]


@click.command()
@click.argument("directory", type=DIR)
def init(directory: str) -> None:
    """Start a crosswalk project in DIRECTORY: settings (kcgraph.toml), a manifest with an
    example profile table, and an empty decisions folder."""
    from ..project import init_project

    for path in init_project(Path(directory)):
        click.echo(f"wrote {path}")
    click.echo(f"next: cd {directory} && kcgraph build (every command there uses the project)")


@click.command()
@settings_options(out=True)
@click.option("--validate/--no-validate", default=True, show_default=True)
@click.option(
    "--previous",
    type=click.Path(exists=True),
    help="A previous version (build folder or manifest): its statements that are gone stay, "
    "deprecated and replaced by their successors.",
)
def build(ws: Workspace, validate: bool, previous: str | None) -> None:
    """Parse every source, validate the graph and write out/ (graph, mappings, ISCO, ESCO)."""
    from ..build import run_build
    from ..errors import GraphInvalid

    if previous is not None:
        ws = ws.with_options(previous=Path(previous))

    if not validate:
        click.echo("kcgraph: warning: --no-validate: written without SHACL validation", err=True)
    try:
        result = run_build(ws, validate=validate)
    except GraphInvalid as exc:
        click.echo(exc.report.to_text(source="built graph"), err=True)
        raise
    for line in result.summary():
        click.echo(line, err=line.startswith("kcgraph: warning"))


@click.command()
@click.option("-f", "--format", "fmt", required=True, type=Choices(".graph.formats", "FORMATS"))
@click.option("-o", "--output", type=FILE, help="Output file [default: standard output].")
@settings_options()
def export(ws: Workspace, fmt: str, output: str | None) -> None:
    """Build the graph (profiles and accepted mappings) and write it in one FORMAT."""
    from ..build import run_build
    from ..files import write_atomic
    from ..graph import serialize

    result = run_build(ws, write=False)
    text = serialize(result.graph + result.mappings, fmt)
    if output:
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.command()
@click.argument("file", type=FILE)
@click.option(
    "-f",
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=Choices(".shapes", "REPORT_FORMATS"),
)
@click.option("--shapes", type=FILE, help="SHACL shapes [default: ontology/shapes.ttl].")
@click.option("--lang", default="en", show_default=True, type=click.Choice(["en", "nl"]))
def validate(file: str, fmt: str, shapes: str | None, lang: str) -> None:
    """Validate the RDF graph in FILE; exit 0 if it conforms, 1 on violations, 2 if unusable."""
    from ..shapes.validate import load_graph, load_shapes, validate_graph

    report = validate_graph(load_graph(file), shapes=load_shapes(shapes), lang=lang)
    text = {"json": report.to_json, "turtle": report.to_turtle}.get(fmt)
    click.echo(text() if text else report.to_text(source=file), nl=False)
    sys.exit(0 if report.conforms else 1)


@click.command()
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--sssom", "sssom_out", type=FILE, help="Write old -> new as SSSOM TSV.")
@click.option(
    "--carry-over",
    "carry_out",
    type=FILE,
    help="Write the decisions on changed statements as proposals for their successors.",
)
@settings_options()
def diff(ws: Workspace, old: str, new: str, sssom_out: str | None, carry_out: str | None) -> None:
    """What changed between two versions (build folders or manifests): statements added,
    removed and changed per profile, and the decisions they affect."""
    from ..mappings import write_mappings
    from ..review.decisions.versions import (
        carry_over,
        diff_versions,
        format_diff,
        read_versions,
        version_mappings,
        versions_metadata,
    )

    changes = diff_versions(
        read_versions(Path(old), ws.minter), read_versions(Path(new), ws.minter)
    )
    decisions = ws.store(check_ids=False).decisions()
    for line in format_diff(changes, decisions, ws.converter):
        click.echo(line)
    for path, rows, title in (
        (sssom_out, version_mappings(changes, ws.converter), "statement versions"),
        (carry_out, carry_over(changes, decisions, ws.converter), "decisions to carry over"),
    ):
        if path:
            metadata = versions_metadata(ws.settings.base, Path(path), title)
            write_mappings(path, rows, converter=ws.converter, metadata=metadata)
            click.echo(f"wrote {len(rows)} mappings to {path}")


@click.command()
@click.argument("profile")
@click.option("-o", "--output", required=True, type=FILE, help="A .csv or .xlsx file.")
@settings_options()
def table(ws: Workspace, profile: str, output: str) -> None:
    """Write a parsed profile in the table format (data/templates/README.md)."""
    from ..parse.table import write_table

    found = {p.source.id: p for p in ws.profiles}
    if profile not in found:
        raise KcgraphError(f"{profile}: no such profile (known: {', '.join(found)})")
    rows = write_table(found[profile], Path(output))
    click.echo(f"wrote {rows} rows to {output}")


@click.command()
@settings_options()
def stats(ws: Workspace) -> None:
    """Print how many concepts of each kind every profile yields."""
    from ..build import count_table

    click.echo(count_table(ws.profiles))
