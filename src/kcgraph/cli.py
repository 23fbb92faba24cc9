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
    if result.skipped_decisions:
        click.echo(
            f"kcgraph: warning: {len(result.skipped_decisions)} accepted decision(s) "
            "refer to statements that no longer exist (see kcgraph review status)",
            err=True,
        )
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


def _model_options(function):
    function = click.option(
        "--model",
        "models",
        multiple=True,
        metavar="NAME_OR_PATH",
        help="Semantic encoder: use-m3, e5-small-q4, or any sentence-transformers model name "
        "or local folder; repeat to fuse several (default: use-m3 and e5-small-q4).",
    )(function)
    function = click.option(
        "--lexical/--no-lexical",
        default=True,
        show_default=True,
        help="Fuse the character n-gram TF-IDF signal.",
    )(function)
    function = click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        help="Embedding cache (default: $KCGRAPH_CACHE or ~/.cache/kcgraph).",
    )(function)
    return click.option(
        "--manifest",
        type=click.Path(dir_okay=False),
        help="Source manifest (default: data/sources/manifest.toml).",
    )(function)


@cli.command()
@click.option(
    "-k",
    "--top-k",
    default=None,
    type=click.IntRange(1),
    help="Candidates per statement and other profile [default: 5].",
)
@click.option(
    "-t",
    "--threshold",
    default=None,
    type=float,
    help="Minimum fused score (0 lists all K) [default: 0.45].",
)
@click.option(
    "-o",
    "--output",
    default="out/proposals.sssom.tsv",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="SSSOM TSV file to write.",
)
@_model_options
def match(
    top_k: int | None,
    threshold: float | None,
    output: str,
    models: tuple[str, ...],
    lexical: bool,
    cache_dir: str | None,
    manifest: str | None,
) -> None:
    """Propose links between similar statements of different profiles (SSSOM TSV)."""
    from .build import parse_profiles
    from .match import (
        DEFAULT_ENCODERS,
        DEFAULT_THRESHOLD,
        DEFAULT_TOP_K,
        build_scorer,
        predict_mappings,
        write_proposals,
    )

    top_k = top_k or DEFAULT_TOP_K
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    profiles = parse_profiles(manifest)
    scorer = build_scorer(
        profiles, models=models or DEFAULT_ENCODERS, lexical=lexical, cache_dir=cache_dir
    )
    decided = _store(None).decided_pairs()  # reviewed pairs are never proposed again
    mappings = predict_mappings(scorer, top_k=top_k, threshold=threshold, exclude=decided)
    write_proposals(output, mappings, scorer=scorer, top_k=top_k, threshold=threshold)
    exact = sum(1 for m in mappings if m.predicate == "skos:exactMatch")
    click.echo(
        f"{len(mappings)} proposals ({exact} exact, {len(mappings) - exact} close) "
        f"for {len(scorer.items)} statements; signals: {', '.join(scorer.names)}"
    )
    click.echo(f"embeddings: {scorer.cache_misses} encoded, {scorer.cache_hits} from cache")
    click.echo(f"wrote {output}")


def _store(mappings_dir: str | None, manifest: str | None = None):
    from .build import parse_profiles
    from .namespaces import Minter, curie_map
    from .review import ReviewStore

    ids = [p.source.id for p in parse_profiles(manifest)]
    return ReviewStore(mappings_dir, prefixes=curie_map(ids, Minter()))


@cli.group()
def review() -> None:
    """Record and inspect review decisions on proposed mappings (data/mappings/)."""


def _decision_command(verdict: str) -> None:
    @click.argument("subject_id")
    @click.argument("object_id")
    @click.option(
        "--predicate",
        type=click.Choice(
            [
                "skos:exactMatch",
                "skos:closeMatch",
                "skos:broadMatch",
                "skos:narrowMatch",
                "skos:relatedMatch",
            ]
        ),
        help="Mapping predicate (default: the proposal's).",
    )
    @click.option("--reviewer", required=True, help="Reviewer CURIE, e.g. orcid:0000-0002-...")
    @click.option("--comment", help="Free-text comment kept with the decision.")
    @click.option(
        "--proposals",
        default="out/proposals.sssom.tsv",
        show_default=True,
        type=click.Path(dir_okay=False),
        help="Proposals to take score and labels from.",
    )
    @click.option(
        "--mappings",
        "mappings_dir",
        type=click.Path(file_okay=False),
        help="Decision folder (default: data/mappings).",
    )
    def command(
        subject_id: str,
        object_id: str,
        predicate: str | None,
        reviewer: str,
        comment: str | None,
        proposals: str,
        mappings_dir: str | None,
    ) -> None:
        from .workbench import find_proposal

        store = _store(mappings_dir)
        proposal = find_proposal(store, proposals, subject_id, object_id)
        row = store.decide(
            verdict,
            subject_id,
            object_id,
            reviewer=reviewer,
            predicate=predicate,
            comment=comment,
            proposal=proposal,
        )
        click.echo(
            f"{verdict}: {row['subject_id']} {row['predicate_id']} {row['object_id']}"
            f"{' (Not)' if verdict == 'reject' else ''}"
        )

    command.__doc__ = {
        "accept": "Accept the link SUBJECT_ID -> OBJECT_ID (CURIEs or IRIs).",
        "reject": "Reject the link SUBJECT_ID -> OBJECT_ID; it is never proposed again.",
        "unsure": "Mark the link SUBJECT_ID -> OBJECT_ID as unsure.",
    }[verdict]
    review.command(name=verdict)(command)


for _verdict in ("accept", "reject", "unsure"):
    _decision_command(_verdict)


@review.command(name="status")
@click.option(
    "--proposals",
    default="out/proposals.sssom.tsv",
    show_default=True,
    type=click.Path(dir_okay=False),
)
@click.option(
    "--mappings",
    "mappings_dir",
    type=click.Path(file_okay=False),
    help="Decision folder (default: data/mappings).",
)
def review_status(proposals: str, mappings_dir: str | None) -> None:
    """Decided vs open proposals per profile pair; decisions whose statements are gone."""
    from .workbench import known_statement_ids, read_proposals

    store = _store(mappings_dir)
    status = store.status(read_proposals(proposals), known_statement_ids(store))
    click.echo(
        f"{'profiles':<12} {'proposed':>8} {'decided':>8} {'open':>6} {'accepted':>9} "
        f"{'rejected':>9} {'unsure':>7}"
    )
    for (a, b), c in sorted(status["pairs"].items()):
        click.echo(
            f"{a + '-' + b:<12} {c['proposed']:>8} {c['decided']:>8} {c['open']:>6} "
            f"{c['accept']:>9} {c['reject']:>9} {c['unsure']:>7}"
        )
    click.echo(f"{status['total']} decisions in {store.directory}")
    for d in status["orphans"]:
        click.echo(
            f"orphan ({d.verdict}): {d.row['subject_id']} -> {d.row['object_id']}: a "
            "statement no longer exists in the sources; the decision is kept, not applied"
        )


@cli.command()
@click.option(
    "--gold",
    required=True,
    type=click.Path(dir_okay=False),
    help="Gold TSV: doc_a, text_a, doc_b, text_b, relation.",
)
@click.option(
    "--proposals",
    type=click.Path(dir_okay=False),
    help="SSSOM proposals to judge (default: the default queue, computed now).",
)
@_model_options
def evaluate(
    gold: str,
    proposals: str | None,
    models: tuple[str, ...],
    lexical: bool,
    cache_dir: str | None,
    manifest: str | None,
) -> None:
    """Hits@1/3/5 and MRR of the gold equivalences, and precision/recall of the queue."""
    from .build import parse_profiles
    from .evaluate import evaluate_ranking, queue_quality, read_gold
    from .match import (
        DEFAULT_ENCODERS,
        DEFAULT_THRESHOLD,
        DEFAULT_TOP_K,
        build_scorer,
        curie_map,
        mapping_rows,
        predict_mappings,
    )
    from .namespaces import Minter
    from .sssom_tsv import read_sssom

    pairs = read_gold(gold)
    profiles = parse_profiles(manifest)
    scorer = build_scorer(
        profiles, models=models or DEFAULT_ENCODERS, lexical=lexical, cache_dir=cache_dir
    )
    report = evaluate_ranking(scorer, pairs)
    click.echo(f"signals: {', '.join(scorer.names)}")
    click.echo(f"{'direction':<10} {'n':>4} {'Hits@1':>7} {'Hits@3':>7} {'Hits@5':>7} {'MRR':>6}")
    for direction in (*report.ranks, None):
        m = report.metrics(direction)
        click.echo(
            f"{direction or 'both':<10} {m['n']:>4} {m['hits@1']:>7.3f} "
            f"{m['hits@3']:>7.3f} {m['hits@5']:>7.3f} {m['mrr']:>6.3f}"
        )
    if report.unresolved:
        click.echo(f"{len(report.unresolved)} gold statements not found (counted as misses):")
        for line in report.unresolved[:10]:
            click.echo(f"  {line}")
    if proposals:
        metadata, rows = read_sssom(proposals)
        prefixes = metadata.get("curie_map", {})
        source = proposals
    else:
        minter = Minter()
        prefixes = curie_map({i.profile for i in scorer.items}, minter)
        rows = mapping_rows(
            predict_mappings(scorer, top_k=DEFAULT_TOP_K, threshold=DEFAULT_THRESHOLD), prefixes, ""
        )
        source = f"default queue (top-{DEFAULT_TOP_K}, threshold {DEFAULT_THRESHOLD})"
    q = queue_quality(rows, pairs, scorer.items, prefixes)
    click.echo(
        f"queue: {source}: {q['queue']} pairs; recall {q['recall']:.3f}; "
        f"precision {q['precision']:.3f} (lower bound, over {q['judged']} judged pairs)"
    )


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
