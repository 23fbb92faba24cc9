"""The ``kcgraph`` command: a thin layer over the library (heavy imports stay inside commands)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import KcgraphError
from .version import VERSION

__all__ = ["main"]

_BASE_HELP = "Base namespace of the minted IRIs."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="kcgraph")
def cli() -> None:
    """kcgraph: knowledge graphs and crosswalks of occupational competency profiles."""


@cli.command()
@click.option(
    "-o",
    "--out",
    "out_dir",
    default="out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for kcgraph.ttl/.jsonld/.nt.",
)
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False),
    help="Source manifest (default: data/sources/manifest.toml).",
)
@click.option("--base", default=None, help=_BASE_HELP)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Check the graph against ontology/shapes.ttl before writing it.",
)
def build(out_dir: str, manifest: str | None, base: str | None, validate: bool) -> None:
    """Parse every source profile, validate the graph and write it to OUT."""
    from .build import count_table, run_build
    from .errors import GraphInvalid
    from .namespaces import DEFAULT_BASE

    if not validate:
        click.echo(
            "kcgraph: warning: --no-validate: the graph is written without SHACL validation",
            err=True,
        )
    try:
        result = run_build(out_dir, manifest=manifest, base=base or DEFAULT_BASE, validate=validate)
    except GraphInvalid as exc:
        click.echo(exc.report.to_text(source="built graph"), err=True)  # type: ignore[attr-defined]
        raise
    click.echo(count_table(result.profiles))
    state = "conforms to the shapes" if result.report else "not validated"
    click.echo(f"{len(result.graph)} triples; {state}")
    for path in result.files:
        click.echo(f"wrote {path}")


@cli.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["turtle", "json-ld", "nt", "rdfxml"]),
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Output file (default: standard output).",
)
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False),
    help="Source manifest (default: data/sources/manifest.toml).",
)
@click.option("--base", default=None, help=_BASE_HELP)
def export(fmt: str, output: str | None, manifest: str | None, base: str | None) -> None:
    """Build the graph and write it as one file in FORMAT."""
    from .build import run_build
    from .export import serialize, write_atomic
    from .namespaces import DEFAULT_BASE

    text = serialize(run_build(manifest=manifest, base=base or DEFAULT_BASE).graph, fmt)
    if output:
        write_atomic(Path(output), text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "-f",
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "turtle"]),
    help="Report format.",
)
@click.option(
    "--shapes", type=click.Path(dir_okay=False), help="SHACL shapes (default: ontology/shapes.ttl)."
)
@click.option(
    "--lang",
    default="en",
    show_default=True,
    type=click.Choice(["en", "nl"]),
    help="Language of the messages.",
)
def validate(file: str, fmt: str, shapes: str | None, lang: str) -> None:
    """Validate the RDF graph in FILE; exit 0 if it conforms, 1 on violations, 2 if unusable."""
    from .shapes import load_graph, load_shapes, validate_graph

    report = validate_graph(load_graph(file), shapes=load_shapes(shapes), lang=lang)
    if fmt == "json":
        click.echo(report.to_json(), nl=False)
    elif fmt == "turtle":
        click.echo(report.to_turtle(), nl=False)
    else:
        click.echo(report.to_text(source=file), nl=False)
    sys.exit(0 if report.conforms else 1)


@cli.command()
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False),
    help="Source manifest (default: data/sources/manifest.toml).",
)
def stats(manifest: str | None) -> None:
    """Print how many concepts of each kind every profile yields."""
    from .build import count_table, parse_profiles

    click.echo(count_table(parse_profiles(manifest)))


def main(argv: list[str] | None = None) -> None:
    """Entry point: expected errors become one line on stderr and exit code 2."""
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
        name = f" {exc.filename}" if exc.filename else ""
        click.echo(f"kcgraph: error:{name}: {exc.strerror or exc}", err=True)
        sys.exit(2)
