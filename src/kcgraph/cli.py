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
    "--esco",
    "esco_dir",
    type=click.Path(file_okay=False),
    help="Official ESCO CSV download folder (default: the packaged English ESCO).",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Check the graph against ontology/shapes.ttl before writing it.",
)
def build(
    out_dir: str, manifest: str | None, base: str | None, esco_dir: str | None, validate: bool
) -> None:
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
        result = run_build(
            out_dir,
            manifest=manifest,
            base=base or DEFAULT_BASE,
            validate=validate,
            esco_dir=esco_dir,
        )
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
    help="Candidates per statement and other profile [default: 5; esco: 10 skills "
    "and 5 occupations; isco: 5].",
)
@click.option(
    "-t",
    "--threshold",
    default=None,
    type=float,
    help="Minimum fused score (0 lists all K) [default: 0.45; esco/isco: 0].",
)
@click.option(
    "--target",
    default="profiles",
    show_default=True,
    type=click.Choice(["profiles", "esco", "isco"]),
    help="Match the profiles with each other, with ESCO skills and occupations, or "
    "their occupations with ISCO-08 unit groups.",
)
@click.option(
    "--esco",
    "esco_dir",
    type=click.Path(file_okay=False),
    help="Official ESCO CSV download folder (default: the packaged English ESCO).",
)
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(dir_okay=False),
    help="SSSOM TSV file [default: out/proposals.sssom.tsv, out/esco-proposals..., "
    "out/isco-proposals...].",
)
@_model_options
def match(
    top_k: int | None,
    threshold: float | None,
    target: str,
    esco_dir: str | None,
    output: str | None,
    models: tuple[str, ...],
    lexical: bool,
    cache_dir: str | None,
    manifest: str | None,
) -> None:
    """Propose links between similar statements for review (SSSOM TSV)."""
    from .build import parse_profiles
    from .match import (
        DEFAULT_ENCODERS,
        DEFAULT_THRESHOLD,
        DEFAULT_TOP_K,
        build_scorer,
        match_external,
        predict_mappings,
        write_proposals,
    )

    profiles = parse_profiles(manifest)
    decided = _store(None, manifest).decided_pairs()  # reviewed pairs are never proposed again
    if target != "profiles":
        output = output or f"out/{target}-proposals.sssom.tsv"
        threshold = 0.0 if threshold is None else threshold
        mappings, names = match_external(
            profiles,
            target,
            esco_dir=esco_dir,
            models=models or DEFAULT_ENCODERS,
            top_k=top_k,
            threshold=threshold,
            exclude=decided,
            cache_dir=cache_dir,
        )
        write_proposals(
            output,
            mappings,
            top_k=top_k or 0,
            threshold=threshold,
            signals=names,
            profile_ids=[p.source.id for p in profiles],
            title=f"kcgraph proposals to {target.upper()} for review",
        )
        click.echo(f"{len(mappings)} proposals to {target.upper()}; signals: {', '.join(names)}")
        click.echo(f"wrote {output}")
        return
    output = output or "out/proposals.sssom.tsv"
    top_k = top_k or DEFAULT_TOP_K
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    scorer = build_scorer(
        profiles, models=models or DEFAULT_ENCODERS, lexical=lexical, cache_dir=cache_dir
    )
    mappings = predict_mappings(scorer, top_k=top_k, threshold=threshold, exclude=decided)
    write_proposals(output, mappings, scorer=scorer, top_k=top_k, threshold=threshold)
    exact = sum(1 for m in mappings if m.predicate == "skos:exactMatch")
    click.echo(
        f"{len(mappings)} proposals ({exact} exact, {len(mappings) - exact} close) "
        f"for {len(scorer.items)} statements; signals: {', '.join(scorer.names)}"
    )
    click.echo(f"embeddings: {scorer.cache_misses} encoded, {scorer.cache_hits} from cache")
    click.echo(f"wrote {output}")


@cli.group()
def esco() -> None:
    """ESCO occupations and skills (and ISCO-08) as RDF."""


@esco.command(name="import")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "-o",
    "--output",
    default="out/esco.ttl",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Turtle file for ESCO's own graph.",
)
def esco_import(directory: str, output: str) -> None:
    """Convert an official ESCO CSV download (v1.1/v1.2 layout, any language) to Turtle."""
    from .esco import esco_graph, read_esco_csv
    from .export import serialize, write_atomic

    data = read_esco_csv(directory)
    graph = esco_graph(data)
    write_atomic(output, serialize(graph, "turtle"))
    click.echo(
        f"{len(data.occupations)} occupations, {len(data.skills)} skills, "
        f"{len(data.relations)} occupation-skill relations; {len(graph)} triples"
    )
    click.echo(f"wrote {output}")


@cli.command()
@click.argument("query", required=False)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query parameter (repeatable).",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "csv", "json"]),
)
@click.option(
    "--out-dir",
    default="out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder of the built graphs for the embedded store.",
)
@click.option("--endpoint", help="Run on this SPARQL 1.1 endpoint instead of the embedded store.")
@click.option("--allow-service", is_flag=True, help="Allow federated SERVICE calls.")
@click.option("--timeout", default=30.0, show_default=True, type=float, help="Seconds.")
@click.option(
    "--limit",
    default=10_000,
    show_default=True,
    type=click.IntRange(1),
    help="Maximum rows returned.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the bundled queries.")
def query(
    query: str | None,
    params: tuple[str, ...],
    fmt: str,
    out_dir: str,
    endpoint: str | None,
    allow_service: bool,
    timeout: float,
    limit: int,
    list_queries: bool,
) -> None:
    """Run a bundled query (by NAME) or a .rq FILE; read-only, bounded in time and rows."""
    from .query import (
        QueryError,
        bind_params,
        check_read_only,
        load_queries,
        load_store,
        resolve_query,
        run_local,
        run_remote,
    )

    if list_queries or not query:
        for q in load_queries().values():
            args = " ".join(f"[--param {p}=...]" for p in q.params)
            click.echo(f"{q.name:28s} {q.title} {args}")
        return
    definition = resolve_query(query)
    values = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep:
            raise QueryError(f"--param {item!r}: expected NAME=VALUE")
        values[name.strip()] = value
    text = bind_params(definition, values)
    check_read_only(text, allow_service=allow_service)
    try:
        if endpoint:
            table = run_remote(endpoint, text, timeout=timeout, limit=limit)
        else:
            table = run_local(load_store(out_dir), text, timeout=timeout, limit=limit)
    except QueryError as exc:
        raise QueryError(f"{definition.path}: {exc}") from None
    click.echo(
        {"table": table.as_table, "csv": table.as_csv, "json": table.as_json}[fmt](), nl=False
    )


@cli.command()
@click.option(
    "--endpoint",
    required=True,
    help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:8890/sparql-graph-crud-auth",
)
@click.option(
    "--graph",
    default=None,
    help="IRI of the profiles graph [default: https://w3id.org/kcgraph/graph/profiles].",
)
@click.option("--out-dir", default="out", show_default=True, type=click.Path(file_okay=False))
@click.option("--user", default=None, help="User for HTTP digest/basic authentication.")
@click.option(
    "--password",
    default=None,
    envvar="KCGRAPH_ENDPOINT_PASSWORD",
    help="Password (or $KCGRAPH_ENDPOINT_PASSWORD).",
)
def publish(
    endpoint: str, graph: str | None, out_dir: str, user: str | None, password: str | None
) -> None:
    """Upload profiles, mappings, ISCO and ESCO to a SPARQL store as named graphs."""
    from .publish import publish as upload

    for iri, count in upload(endpoint, out_dir, graph=graph, user=user, password=password).items():
        click.echo(f"{count:>8} triples -> <{iri}>")


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
