"""The matcher's commands: proposals between profiles or to ESCO / ISCO-08 (``match``), a
list of terms linked (``link``), ESCO converted (``esco import``) and the queue judged
against a gold file (``evaluate``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from ..layout import ESCO_FILE, LINK_TARGETS, PROPOSALS_FILES, TARGETS
from .options import (
    DIR,
    FILE,
    Finite,
    settings_options,
)

if TYPE_CHECKING:
    from ..layout import LinkTarget, Target
    from ..workspace import Workspace

__all__ = ["esco", "esco_import", "evaluate", "link", "match"]


@click.command()
@click.option("-k", "--top-k", type=click.IntRange(1, 1000), help="Candidates per statement.")
@click.option("-t", "--threshold", type=Finite(0.0, 1.0), help="Minimum fused score.")
@click.option(
    "--min-precision",
    type=Finite(0.0, 1.0),
    help="With a learned ranker, end the queue where its expected precision would fall "
    "below this [default: no cut, every top-k candidate].",
)
@click.option("--target", default=TARGETS[0], show_default=True, type=click.Choice(TARGETS))
@click.option(
    "-o",
    "--output",
    type=FILE,
    help=f"SSSOM TSV file [default: out/{PROPOSALS_FILES['profiles']} or out/TARGET-…].",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Compute the queue even when an identical match made it before (kept in the cache).",
)
@settings_options(matching=True, engine=True)
def match(
    ws: Workspace,
    top_k: int | None,
    threshold: float | None,
    min_precision: float | None,
    target: Target,
    output: str | None,
    fresh: bool,
) -> None:
    """Propose links between similar statements (or to ESCO / ISCO-08) for review."""
    from ..match.run import match_to_file

    if target == "profiles":
        ws = ws.with_options(top_k=top_k, threshold=threshold, min_precision=min_precision)
    else:
        key = "esco_skill_top_k" if target == "esco" else "occupation_top_k"
        ws = ws.with_options(**{key: top_k, "target_threshold": threshold})
    path = Path(output) if output else ws.settings.proposals_path(target)
    for line in match_to_file(ws, target, path, fresh=fresh):
        click.echo(line)
    click.echo(f"wrote {path}")


@click.command()
@click.argument("terms", type=FILE)
@click.option("--target", required=True, type=click.Choice(LINK_TARGETS))
@click.option("-k", "--top-k", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--prefix", help="CURIE prefix of the list's ids [default: the file's name].")
@click.option("-o", "--output", type=FILE, help="SSSOM TSV [default: out/PREFIX-TARGET.sssom.tsv].")
@settings_options(matching=True)
def link(
    ws: Workspace, terms: str, target: str, top_k: int, prefix: str | None, output: str | None
) -> None:
    """Link a list of TERMS (CSV, TSV or XLSX with columns id, text [, language]) to ESCO,
    ISCO-08 or the profiles' statements: ranked candidates as SSSOM for review."""
    from ..mappings import write_mappings
    from ..match.link import link_terms, read_terms

    language = ws.sources[0].language if ws.sources else "nl"
    rows = read_terms(terms, language=language)
    prefix = prefix or re.sub(r"\W", "_", Path(terms).stem).strip("_") or "term"
    path = Path(output) if output else ws.settings.out_dir / f"{prefix}-{target}.sssom.tsv"
    linked = link_terms(
        ws, rows, cast("LinkTarget", target), prefix=prefix, top_k=top_k, output=path
    )
    write_mappings(path, linked.mappings, converter=linked.converter, metadata=linked.metadata)
    how = "learnt ranker" if linked.learned else "fused score"
    click.echo(f"{len(linked.mappings)} candidates for {linked.terms} terms ({how})")
    click.echo(f"wrote {path}")


@click.group()
def esco() -> None:
    """ESCO occupations and skills (and ISCO-08) as RDF."""


@esco.command(name="import")
@click.argument("directory", type=DIR)
@click.option("-o", "--output", type=FILE, help=f"Turtle file [default: out/{ESCO_FILE}].")
def esco_import(directory: str, output: str | None) -> None:
    """Convert an official ESCO CSV download (v1.1/v1.2 layout, any language) to Turtle."""
    from ..files import write_atomic
    from ..graph import serialize
    from ..settings import Settings
    from ..vocab import esco_graph, read_esco_csv

    output = output or str(Settings().out_dir / ESCO_FILE)
    data = read_esco_csv(directory)
    graph = esco_graph(data)
    write_atomic(output, serialize(graph, "turtle"))
    click.echo(
        f"{len(data.occupations)} occupations, {len(data.skills)} skills, "
        f"{len(data.relations)} occupation-skill relations; {len(graph)} triples"
    )
    click.echo(f"wrote {output}")


@click.command()
@click.option(
    "--gold",
    required=True,
    type=FILE,
    help="Gold TSV: doc_a, text_a, doc_b, text_b, relation; or doc, text, esco_uris.",
)
@click.option("--proposals", type=FILE, help="SSSOM proposals to judge [default: computed now].")
@click.option("--folds", default=0, type=click.IntRange(0, 20), help="Out-of-fold learned ranker.")
@settings_options(matching=True)
def evaluate(ws: Workspace, gold: str, proposals: str | None, folds: int) -> None:
    """Hits@1/3/5 and MRR of the gold equivalences, and precision/recall of the queue (or,
    for an ESCO labelled sample, Hits@1/5/10 and MRR@10 against every ESCO skill)."""
    from ..evaluate import evaluate_esco_sample, evaluate_queue
    from ..review.decisions.samples import is_esco_sample

    if is_esco_sample(gold):
        lines = evaluate_esco_sample(ws, gold, folds=folds)
    else:
        lines = evaluate_queue(ws, gold, proposals=proposals, folds=folds)
    for line in lines:
        click.echo(line)
