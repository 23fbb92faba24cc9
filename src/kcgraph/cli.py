"""The ``kcgraph`` command: a thin layer over the library (heavy imports stay inside commands).

Each command turns its options into one :class:`~kcgraph.settings.Settings` (over the
``KCGRAPH_*`` environment), makes a :class:`~kcgraph.workspace.Workspace` and calls the
library; expected errors become one line on stderr with exit code 2 (:func:`main`).
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from .errors import KcgraphError
from .layout import ESCO_FILE, LINK_TARGETS, PROPOSALS_FILES, TARGETS
from .version import VERSION

if TYPE_CHECKING:
    from .layout import LinkTarget, Target
    from .settings import Settings
    from .web.service import Service
    from .workspace import Workspace

__all__ = ["cli", "main"]

#: Help of the ``--proposals`` options of ``kcgraph review``.
_PROPOSALS_HELP = f"Proposals file [default: out/{PROPOSALS_FILES['profiles']}]."

_FILE = click.Path(dir_okay=False)
_DIR = click.Path(file_okay=False)


class _Choices(click.Choice):
    """The choices of another module (its formats, the SKOS predicates), imported only when
    a command checks or shows them: ``kcgraph --help`` loads none of those modules."""

    def __init__(self, module: str, name: str) -> None:
        self._where = (module, name)
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[Any, ...]:
        module, name = self._where
        return tuple(getattr(importlib.import_module(module, __package__), name))

    @choices.setter
    def choices(self, value: Sequence[Any]) -> None:  # click's own __init__ is not called
        raise AttributeError("the choices come from their module")


class _Setting(click.Option):
    """An option whose default is a setting (:class:`~kcgraph.settings.Settings`, where every
    default is written once); its help shows that default, looked up when help is shown."""

    def __init__(self, *args: Any, setting: str, **kwargs: Any) -> None:
        self.setting = setting
        super().__init__(*args, **kwargs)

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from .settings import Settings

        record = super().get_help_record(ctx)
        if record is None:
            return None
        default = Settings.model_fields[self.setting].default
        return record[0], f"{record[1]} [default: {default:g}]"


class _Finite(click.FloatRange):
    """A float range that also refuses ``nan`` and ``inf`` (which compare false to any bound)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number or number in (float("inf"), float("-inf")):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


_OUT = click.option("-o", "--out", "out_dir", type=_DIR, help="Output folder.")
_MATCHING = (
    click.option(
        "--model",
        "models",
        multiple=True,
        metavar="NAME_OR_PATH",
        help="Encoder: use-m3, e5-small-q4, or a sentence-transformers model name or folder; "
        "repeat to fuse several [default: use-m3 and e5-small-q4].",
    ),
    click.option("--lexical/--no-lexical", default=None, help="Fuse the TF-IDF signal."),
    click.option("--cache-dir", type=_DIR, help="Embedding cache folder."),
)
_SETTING_NAMES = ("base", "manifest", "mappings_dir", "esco_dir", "out_dir", "cache_dir")


def _settings_options(
    *, out: bool = False, matching: bool = False
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Options every command shares; the command receives ``ws`` (a Workspace) instead."""

    def decorate(function: Callable[..., None]) -> Callable[..., None]:
        @click.option("--base", help="Base namespace of the minted IRIs.")
        @click.option("--manifest", type=_FILE, help="Source manifest [default: bundled].")
        @click.option("--mappings", "mappings_dir", type=_DIR, help="Decision folder.")
        @click.option("--esco", "esco_dir", type=_DIR, help="Official ESCO CSV download folder.")
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> None:
            from .settings import Settings
            from .workspace import Workspace

            names = (*_SETTING_NAMES, "models", "lexical")
            given = {n: kwargs.pop(n) for n in names if n in kwargs}
            return function(*args, ws=Workspace(Settings.from_options(**given)), **kwargs)

        for option in ((_OUT,) if out else ()) + (_MATCHING if matching else ()):
            wrapper = option(wrapper)
        return wrapper

    return decorate


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


@cli.command()
@click.argument("directory", type=_DIR)
def init(directory: str) -> None:
    """Start a crosswalk project in DIRECTORY: settings (kcgraph.toml), a manifest with an
    example profile table, and an empty decisions folder."""
    from .project import init_project

    for path in init_project(Path(directory)):
        click.echo(f"wrote {path}")
    click.echo(f"next: cd {directory} && kcgraph build (every command there uses the project)")


@cli.command()
@_settings_options(out=True)
@click.option("--validate/--no-validate", default=True, show_default=True)
def build(ws: Workspace, validate: bool) -> None:
    """Parse every source, validate the graph and write out/ (graph, mappings, ISCO, ESCO)."""
    from .build import run_build
    from .errors import GraphInvalid

    if not validate:
        click.echo("kcgraph: warning: --no-validate: written without SHACL validation", err=True)
    try:
        result = run_build(ws, validate=validate)
    except GraphInvalid as exc:
        click.echo(exc.report.to_text(source="built graph"), err=True)
        raise
    for line in result.summary():
        click.echo(line, err=line.startswith("kcgraph: warning"))


@cli.command()
@click.option("-f", "--format", "fmt", required=True, type=_Choices(".graph.formats", "FORMATS"))
@click.option("-o", "--output", type=_FILE, help="Output file [default: standard output].")
@_settings_options()
def export(ws: Workspace, fmt: str, output: str | None) -> None:
    """Build the graph (profiles and accepted mappings) and write it in one FORMAT."""
    from .build import run_build
    from .files import write_atomic
    from .graph import serialize

    result = run_build(ws, write=False)
    text = serialize(result.graph + result.mappings, fmt)
    if output:
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.option("-k", "--top-k", type=click.IntRange(1, 1000), help="Candidates per statement.")
@click.option("-t", "--threshold", type=_Finite(0.0, 1.0), help="Minimum fused score.")
@click.option(
    "--min-precision",
    type=_Finite(0.0, 1.0),
    help="With a learned ranker, end the queue where its expected precision would fall "
    "below this [default: no cut, every top-k candidate].",
)
@click.option("--target", default=TARGETS[0], show_default=True, type=click.Choice(TARGETS))
@click.option(
    "-o",
    "--output",
    type=_FILE,
    help=f"SSSOM TSV file [default: out/{PROPOSALS_FILES['profiles']} or out/TARGET-…].",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Compute the queue even when an identical match made it before (kept in the cache).",
)
@_settings_options(matching=True)
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
    from .match.run import match_to_file

    if target == "profiles":
        ws = ws.with_options(top_k=top_k, threshold=threshold, min_precision=min_precision)
    else:
        key = "esco_skill_top_k" if target == "esco" else "occupation_top_k"
        ws = ws.with_options(**{key: top_k, "target_threshold": threshold})
    path = Path(output) if output else ws.settings.proposals_path(target)
    for line in match_to_file(ws, target, path, fresh=fresh):
        click.echo(line)
    click.echo(f"wrote {path}")


@cli.command()
@click.argument("terms", type=_FILE)
@click.option("--target", required=True, type=click.Choice(LINK_TARGETS))
@click.option("-k", "--top-k", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--prefix", help="CURIE prefix of the list's ids [default: the file's name].")
@click.option(
    "-o", "--output", type=_FILE, help="SSSOM TSV [default: out/PREFIX-TARGET.sssom.tsv]."
)
@_settings_options(matching=True)
def link(
    ws: Workspace, terms: str, target: str, top_k: int, prefix: str | None, output: str | None
) -> None:
    """Link a list of TERMS (CSV, TSV or XLSX with columns id, text [, language]) to ESCO,
    ISCO-08 or the profiles' statements: ranked candidates as SSSOM for review."""
    from .mappings import write_mappings
    from .match.link import link_terms, read_terms

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


@cli.group()
def esco() -> None:
    """ESCO occupations and skills (and ISCO-08) as RDF."""


@esco.command(name="import")
@click.argument("directory", type=_DIR)
@click.option("-o", "--output", type=_FILE, help=f"Turtle file [default: out/{ESCO_FILE}].")
def esco_import(directory: str, output: str | None) -> None:
    """Convert an official ESCO CSV download (v1.1/v1.2 layout, any language) to Turtle."""
    from .files import write_atomic
    from .graph import serialize
    from .settings import Settings
    from .vocab import esco_graph, read_esco_csv

    output = output or str(Settings().out_dir / ESCO_FILE)
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
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE")
@click.option(
    "-f",
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=_Choices(".query.results", "FORMATS"),
    help="SELECT: table, csv, json; CONSTRUCT/DESCRIBE: turtle (default), nt; ASK: true/false.",
)
@click.option("--out-dir", type=_DIR, help="Folder of the built graphs [default: out].")
@click.option("--endpoint", help="Run on this SPARQL 1.1 endpoint instead of the embedded store.")
@click.option("--allow-service", is_flag=True, help="Allow federated SERVICE calls.")
@click.option(
    "--timeout", cls=_Setting, setting="query_timeout", type=_Finite(0.001, 86400), help="Seconds."
)
@click.option("--limit", cls=_Setting, setting="query_limit", type=click.IntRange(1), help="Rows.")
@click.option("--list", "list_queries", is_flag=True, help="List the bundled queries.")
def query(
    query: str | None,
    params: tuple[str, ...],
    fmt: str,
    out_dir: str | None,
    endpoint: str | None,
    allow_service: bool,
    timeout: float | None,
    limit: int | None,
    list_queries: bool,
) -> None:
    """Run a bundled query (by NAME) or a .rq FILE; read-only, bounded in time and rows."""
    from .query import format_listing, run_named_query

    if list_queries or not query:
        for line in format_listing():
            click.echo(line)
        return
    from .settings import Settings

    settings = Settings.from_options(out_dir=out_dir, query_timeout=timeout, query_limit=limit)
    table = run_named_query(
        query,
        params,
        out_dir=settings.out_dir,
        endpoint=endpoint,
        allow_service=allow_service,
        timeout=settings.query_timeout,
        limit=settings.query_limit,
        max_bytes=settings.answer_max_bytes,
    )
    click.echo(table.render(fmt), nl=False)


@cli.command()
@click.option("--endpoint", required=True, help="Graph Store Protocol endpoint.")
@click.option("--graph", default=None, help="IRI of the profiles graph.")
@click.option("--out-dir", type=_DIR, help="Folder of the built graphs [default: out].")
@click.option("--user", default=None, help="User for HTTP digest/basic authentication.")
@click.option("--password", default=None, envvar="KCGRAPH_ENDPOINT_PASSWORD")
@click.option(
    "--timeout",
    cls=_Setting,
    setting="publish_timeout",
    type=_Finite(0.1, 86400),
    help="Seconds per request.",
)
def publish(
    endpoint: str,
    graph: str | None,
    out_dir: str | None,
    user: str | None,
    password: str | None,
    timeout: float | None,
) -> None:
    """Upload profiles, mappings, ISCO and ESCO to a SPARQL store as named graphs."""
    from .publish import publish as upload
    from .settings import Settings

    settings = Settings.from_options(out_dir=out_dir, publish_timeout=timeout)
    done = upload(
        endpoint,
        settings.out_dir,
        graph=graph,
        user=user,
        password=password,
        timeout=settings.publish_timeout,
        max_bytes=settings.answer_max_bytes,
    )
    for iri, count in done.items():
        click.echo(f"{count:>8} triples -> <{iri}>")


def _open_service(ws: Workspace, settings: Settings) -> tuple[Service, Path]:
    """The read side of the build ``settings`` name, for ``serve`` and ``site``."""
    from .web.server import open_service

    return open_service(
        settings.out_dir,
        settings.embedding_cache_dir,
        base=settings.base,
        converter=ws.converter,
        decided=ws.decided_pairs,
        language=ws.reader_language,
    )


@cli.command()
@click.option("--host", help="Address to listen on [default: 127.0.0.1, this machine only].")
@click.option("--port", type=click.IntRange(0, 65535), help="Port (0: any free) [default: 8000].")
@click.option("--workers", type=click.IntRange(1, 64), help="Query worker processes [default: 2].")
@click.option(
    "--timeout", cls=_Setting, setting="query_timeout", type=_Finite(0.001, 86400), help="Seconds."
)
@click.option("--limit", cls=_Setting, setting="query_limit", type=click.IntRange(1), help="Rows.")
@click.option("--out-dir", type=_DIR, help="Folder of the built graphs [default: out].")
@_settings_options()
def serve(
    ws: Workspace,
    host: str | None,
    port: int | None,
    workers: int | None,
    timeout: float | None,
    limit: int | None,
) -> None:
    """Serve the built graph: a read-only SPARQL endpoint (/sparql), a page and Turtle,
    JSON-LD and N-Triples for every IRI (/id/...), search and a query page."""
    from .web.server import ServeOptions
    from .web.server import serve as run

    s = ws.settings.with_options(
        serve_host=host,
        serve_port=port,
        serve_workers=workers,
        query_timeout=timeout,
        query_limit=limit,
    )
    service, store_path = _open_service(ws, s)
    options = ServeOptions(
        s.serve_host,
        s.serve_port,
        s.serve_workers,
        s.serve_memory_mb,
        s.query_timeout,
        s.query_limit,
        s.serve_max_body,
        s.serve_max_connections,
        s.serve_client_connections,
        s.serve_request_seconds,
    )
    run(service, store_path, options, announce=lambda line: click.echo(line))


@cli.command()
@click.option("-o", "--output", "target", required=True, type=_DIR, help="Folder of the site.")
@click.option("--out-dir", type=_DIR, help="Folder of the built graphs [default: out].")
@_settings_options()
def site(ws: Workspace, target: str) -> None:
    """Write the built graph as a static site: a page, Turtle, JSON-LD and N-Triples per
    profile and concept, an index with search, and Apache/nginx content negotiation."""
    from .files import check_output_folder
    from .layout import SITE_MARKER
    from .web.site import write_site

    check_output_folder(Path(target), SITE_MARKER)  # before the store is opened
    service, _ = _open_service(ws, ws.settings)
    count = write_site(service, ws.settings.out_dir, Path(target))
    click.echo(f"wrote {count} resources (HTML, Turtle, JSON-LD, N-Triples) to {target}")


@cli.group()
def review() -> None:
    """Record and inspect review decisions on proposed mappings (data/mappings/)."""


def _decision_command(verdict: str) -> None:
    @click.argument("subject_id")
    @click.argument("object_id")
    @click.option(
        "--predicate",
        type=_Choices(".terms", "MAPPING_PREDICATES"),
        help="[default: the proposal's]",
    )
    @click.option("--reviewer", help="Reviewer CURIE, e.g. orcid:0000-0002-1825-0097.")
    @click.option("--comment", help="Free-text comment kept with the decision.")
    @click.option("--proposals", type=_FILE, help="Proposals to take scores and labels from.")
    @_settings_options()
    def command(
        ws: Workspace,
        subject_id: str,
        object_id: str,
        predicate: str | None,
        reviewer: str | None,
        comment: str | None,
        proposals: str | None,
    ) -> None:
        from .review.proposals import lookup_proposal

        reviewer = reviewer or ws.settings.reviewer
        if not reviewer:
            raise click.UsageError("--reviewer (or KCGRAPH_REVIEWER) is required")
        store = ws.store()
        proposal = lookup_proposal(ws, store, subject_id, object_id, path=proposals)
        m = store.decide(
            verdict,
            subject_id,
            object_id,
            reviewer=reviewer,
            predicate=predicate,
            comment=comment,
            proposal=proposal,
        )
        negated = " (Not)" if m.negated else ""
        click.echo(f"{verdict}: {m.subject.curie} {m.predicate.curie} {m.object.curie}{negated}")

    command.__doc__ = {
        "accept": "Accept the link SUBJECT_ID -> OBJECT_ID (CURIEs or IRIs).",
        "reject": "Reject the link SUBJECT_ID -> OBJECT_ID; it is never proposed again.",
        "unsure": "Mark the link SUBJECT_ID -> OBJECT_ID as unsure.",
    }[verdict]
    review.command(name=verdict)(command)


for _verdict in ("accept", "reject", "unsure"):
    _decision_command(_verdict)


@review.command(name="import")
@click.argument("gold", type=_FILE)
@click.option("--reviewer", required=True, help="Who judged the pairs (ORCID or declared CURIE).")
@click.option("--name", default="", help="The reviewer's name, for reviewers.tsv.")
@click.option("--license", "licence", help="A published crosswalk's licence (IRI).")
@_settings_options()
def review_import(ws: Workspace, gold: str, reviewer: str, name: str, licence: str | None) -> None:
    """Record a gold file (doc_a, text_a, doc_b, text_b, relation; or an ESCO labelled
    sample: doc, text, esco_uris) as accepted decisions; or keep a published crosswalk (the
    ESCO portal's mapping table, MELO's list) as training examples in references/."""
    from .review.imports import import_decisions
    from .review.references import import_references, is_reference_table

    if is_reference_table(gold):
        lines = import_references(ws, gold, reviewer=reviewer, license=licence)
    else:
        lines = import_decisions(ws, gold, reviewer=reviewer, name=name)
    for line in lines:
        click.echo(line)


@review.command(name="next")
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--proposals", type=_FILE, help=_PROPOSALS_HELP)
@_settings_options()
def review_next(ws: Workspace, limit: int, proposals: str | None) -> None:
    """The open proposals whose decision teaches the ranker most (it retrains first)."""
    from .review.learner import ActiveLearner
    from .review.proposals import read_proposals

    path = Path(proposals) if proposals else ws.settings.proposals_path("profiles")
    for line in ActiveLearner(ws).next_lines(read_proposals(path, ws), limit=limit):
        click.echo(line)


def _loop(ws: Workspace, target: Target, proposals: str | None, reviewer: str | None) -> Any:
    from .review.loop import ReviewLoop

    return ReviewLoop(ws, target=target, proposals=proposals, reviewer=reviewer)


_TARGET = click.option(
    "--target", default=TARGETS[0], show_default=True, type=click.Choice(TARGETS)
)


@review.command(name="screen")
@_TARGET
@click.option("--statement", help="This statement's screen (CURIE) instead of the next one.")
@click.option("--scheme", help="With --statement: the other profile or vocabulary (prefix).")
@click.option("--proposals", type=_FILE, help=_PROPOSALS_HELP)
@_settings_options()
def review_screen(
    ws: Workspace, target: Target, statement: str | None, scheme: str | None, proposals: str | None
) -> None:
    """The next review screen: one statement and its best candidates in one other profile
    (or in ESCO / ISCO-08), offered by expected yield; answer it with `review answer`."""
    from .review.context import Contexts

    loop = _loop(ws, target, proposals, None)
    screen = loop.screen(statement, scheme or "") if statement else loop.next()
    if screen is None:
        click.echo("no open screen" + (f" for {statement} in {scheme}" if statement else ""))
        return
    for line in screen_lines_of(screen, Contexts(ws)):
        click.echo(line)
    click.echo(
        f"answer: kcgraph review answer {screen.statement} {screen.scheme} N[=PREDICATE] ... "
        "(or --none)"
    )


@review.command(name="export")
@click.option("-o", "--output", required=True, type=_FILE, help="The workbook to write (.xlsx).")
@click.option(
    "--screens",
    default=50,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Screens of highest expected yield to write.",
)
@_TARGET
@click.option("--proposals", type=_FILE, help=_PROPOSALS_HELP)
@_settings_options()
def review_export(
    ws: Workspace, output: str, screens: int, target: Target, proposals: str | None
) -> None:
    """Write review screens to a spreadsheet for reviewers who never open Jupyter (a choice
    and a relation column with drop-down lists; instructions in Dutch and English)."""
    from .review.sheets import export_screens

    written = export_screens(_loop(ws, target, proposals, None), Path(output), screens=screens)
    click.echo(f"wrote {written} screens to {output}")


@review.command(name="import-sheet")
@click.argument("workbook", type=_FILE)
@_TARGET
@click.option("--reviewer", help="Reviewer CURIE, e.g. orcid:0000-0002-1825-0097.")
@click.option("--proposals", type=_FILE, help=_PROPOSALS_HELP)
@_settings_options()
def review_import_sheet(
    ws: Workspace, workbook: str, target: Target, reviewer: str | None, proposals: str | None
) -> None:
    """Record the answers of a spreadsheet `review export` wrote: every problem is reported
    with its sheet, row and column, and then nothing is recorded."""
    from .review.sheets import import_answers

    for line in import_answers(_loop(ws, target, proposals, reviewer), Path(workbook)):
        click.echo(line)


def screen_lines_of(screen: Any, contexts: Any) -> list[str]:
    from .review.screens import screen_lines

    return screen_lines(screen, contexts.of)


@review.command(name="answer")
@click.argument("statement")
@click.argument("scheme")
@click.argument("picks", nargs=-1)
@click.option("--none", "none_", is_flag=True, help="None of the candidates is a link.")
@_TARGET
@click.option("--reviewer", help="Reviewer CURIE, e.g. orcid:0000-0002-1825-0097.")
@click.option("--proposals", type=_FILE, help=_PROPOSALS_HELP)
@_settings_options()
def review_answer(
    ws: Workspace,
    statement: str,
    scheme: str,
    picks: tuple[str, ...],
    none_: bool,
    target: Target,
    reviewer: str | None,
    proposals: str | None,
) -> None:
    """Answer the screen of STATEMENT towards SCHEME: accept the candidates PICKS (their
    numbers on the screen, or CURIEs; N=PREDICATE chooses the predicate, default the
    proposal's) and reject the others shown; --none rejects them all."""
    from .errors import KcgraphError
    from .terms import MAPPING_PREDICATES

    if bool(picks) == none_:
        raise click.UsageError("give the candidates to accept, or --none")
    loop = _loop(ws, target, proposals, reviewer)
    screen = loop.screen(statement, scheme)
    if screen is None:
        raise KcgraphError(f"{statement}: no open screen towards {scheme}")
    accepted: dict[str, str] = {}
    for pick in picks:
        which, _, predicate = pick.partition("=")
        if which.isdigit() and 1 <= int(which) <= len(screen.candidates):
            shown = screen.candidates[int(which) - 1]
        else:
            shown = next((c for c in screen.candidates if c.other == which), None)
            if shown is None:
                raise KcgraphError(f"{which}: not a candidate on this screen")
        predicate = predicate if ":" in predicate or not predicate else f"skos:{predicate}"
        if predicate and predicate not in MAPPING_PREDICATES:
            raise KcgraphError(f"{predicate}: not one of {', '.join(MAPPING_PREDICATES)}")
        accepted[shown.other] = predicate or shown.mapping.predicate.curie
    turn = loop.answer(screen, accepted)
    for m in turn.recorded:
        verdict = "reject" if m.negated else "accept"
        click.echo(f"{verdict}: {m.subject.curie} {m.predicate.curie} {m.object.curie}")


@review.command(name="search")
@click.argument("words")
@click.option("--in", "scheme", help="Only this profile or vocabulary (CURIE prefix).")
@click.option("--meaning", is_flag=True, help="By meaning (encoder cosine), not by words.")
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@_settings_options()
def review_search(ws: Workspace, words: str, scheme: str | None, meaning: bool, limit: int) -> None:
    """Find any statement or ESCO/ISCO concept by words (full text) or by meaning; link one
    with `review accept STATEMENT CURIE`."""
    from .review.search import LabelSearch

    search = LabelSearch(ws)
    found = (search.meaning if meaning else search.words)(words, scheme=scheme, limit=limit)
    for f in found:
        click.echo(f"{f.score:7.3f}  {f.curie}  {f.label}")
    if not found:
        click.echo("nothing found")


@review.command(name="simulate")
@click.option("--gold", required=True, type=_FILE, help="Crosswalk gold or ESCO labelled sample.")
@click.option("--mode", default="screen", show_default=True, type=click.Choice(["screen", "pair"]))
@click.option("--actions", type=click.IntRange(1), help="Stop after this many [default: all].")
@click.option(
    "--exploration", type=_Finite(0.0, 1.0), help="Share of screens for learning [default: 0.1]."
)
@_settings_options()
def review_simulate(
    ws: Workspace, gold: str, mode: str, actions: int | None, exploration: float | None
) -> None:
    """Play an analyst who answers from GOLD through the review loop, in a temporary
    decision folder, and print recall after 25/50/100/200/400 actions."""
    from .review.screens import EXPLORATION
    from .review.simulate import simulate

    result = simulate(
        ws,
        gold,
        mode="pair" if mode == "pair" else "screen",
        max_actions=actions,
        exploration=EXPLORATION if exploration is None else exploration,
        progress=True,
    )
    for line in result.lines():
        click.echo(line)


@review.command(name="merge")
@click.argument("ours", type=_DIR)
@click.argument("theirs", type=_DIR)
@click.option(
    "--ancestor",
    type=_DIR,
    help="The decision folder where the branches parted (git merge-base); without it, "
    "every decision counts as made on its side.",
)
@click.option("-o", "--output", "target", type=_DIR, help="Merged folder [default: OURS].")
@_settings_options()
def review_merge(
    ws: Workspace, ours: str, theirs: str, ancestor: str | None, target: str | None
) -> None:
    """Merge two decision folders: decisions one side made are kept, the same one made on
    both sides once, different ones on a pair both (a conflict review status lists); and
    report the two sides' agreement (Cohen's kappa)."""
    from .review.merge import merge_folders, summary

    result = merge_folders(
        Path(ours),
        Path(theirs),
        ancestor=Path(ancestor) if ancestor else None,
        target=Path(target or ours),
        converter=ws.converter,
        base=ws.settings.base,
    )
    for line in summary(result):
        click.echo(line)


@review.command(name="merge-file", hidden=False)
@click.argument("ancestor", type=_FILE)
@click.argument("ours", type=_FILE)
@click.argument("theirs", type=_FILE)
@click.argument("path", required=False)
@_settings_options()
def review_merge_file(
    ws: Workspace, ancestor: str, ours: str, theirs: str, path: str | None
) -> None:
    """git's merge driver for one decision file (%O %A %B %P): the merge goes into OURS;
    see docs/layout.md for enabling it."""
    from .review.merge import merge_decision_file

    for line in merge_decision_file(
        Path(ancestor),
        Path(ours),
        Path(theirs),
        Path(path or ours).name,
        ws.converter,
        base=ws.settings.base,
        path=path,
    ):
        click.echo(line, err=True)


@review.command(name="status")
@click.option("--proposals", type=_FILE, help=_PROPOSALS_HELP)
@_settings_options()
def review_status(ws: Workspace, proposals: str | None) -> None:
    """Decided vs open proposals per profile pair; decisions whose statements are gone."""
    from .review.proposals import read_proposals
    from .review.status import format_status, review_status

    path = Path(proposals) if proposals else ws.settings.proposals_path("profiles")
    status = review_status(
        ws.store(check_ids=False), read_proposals(path, ws), ws.is_known, ws.profile_ids
    )
    for line in format_status(status):
        click.echo(line)


@cli.command()
@click.option(
    "--gold",
    required=True,
    type=_FILE,
    help="Gold TSV: doc_a, text_a, doc_b, text_b, relation; or doc, text, esco_uris.",
)
@click.option("--proposals", type=_FILE, help="SSSOM proposals to judge [default: computed now].")
@click.option("--folds", default=0, type=click.IntRange(0, 20), help="Out-of-fold learned ranker.")
@_settings_options(matching=True)
def evaluate(ws: Workspace, gold: str, proposals: str | None, folds: int) -> None:
    """Hits@1/3/5 and MRR of the gold equivalences, and precision/recall of the queue (or,
    for an ESCO labelled sample, Hits@1/5/10 and MRR@10 against every ESCO skill)."""
    from .evaluate import evaluate_esco_sample, evaluate_queue
    from .review.samples import is_esco_sample

    if is_esco_sample(gold):
        lines = evaluate_esco_sample(ws, gold, folds=folds)
    else:
        lines = evaluate_queue(ws, gold, proposals=proposals, folds=folds)
    for line in lines:
        click.echo(line)


@cli.command()
@click.argument("file", type=_FILE)
@click.option(
    "-f",
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=_Choices(".shapes", "REPORT_FORMATS"),
)
@click.option("--shapes", type=_FILE, help="SHACL shapes [default: ontology/shapes.ttl].")
@click.option("--lang", default="en", show_default=True, type=click.Choice(["en", "nl"]))
def validate(file: str, fmt: str, shapes: str | None, lang: str) -> None:
    """Validate the RDF graph in FILE; exit 0 if it conforms, 1 on violations, 2 if unusable."""
    from .shapes import load_graph, load_shapes, validate_graph

    report = validate_graph(load_graph(file), shapes=load_shapes(shapes), lang=lang)
    text = {"json": report.to_json, "turtle": report.to_turtle}.get(fmt)
    click.echo(text() if text else report.to_text(source=file), nl=False)
    sys.exit(0 if report.conforms else 1)


@cli.command()
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--sssom", "sssom_out", type=_FILE, help="Write old -> new as SSSOM TSV.")
@click.option(
    "--carry-over",
    "carry_out",
    type=_FILE,
    help="Write the decisions on changed statements as proposals for their successors.",
)
@_settings_options()
def diff(ws: Workspace, old: str, new: str, sssom_out: str | None, carry_out: str | None) -> None:
    """What changed between two versions (build folders or manifests): statements added,
    removed and changed per profile, and the decisions they affect."""
    from .mappings import write_mappings
    from .review.versions import (
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


@cli.command()
@click.argument("profile")
@click.option("-o", "--output", required=True, type=_FILE, help="A .csv or .xlsx file.")
@_settings_options()
def table(ws: Workspace, profile: str, output: str) -> None:
    """Write a parsed profile in the table format (data/templates/README.md)."""
    from .parse.table import write_table

    found = {p.source.id: p for p in ws.profiles}
    if profile not in found:
        raise KcgraphError(f"{profile}: no such profile (known: {', '.join(found)})")
    rows = write_table(found[profile], Path(output))
    click.echo(f"wrote {rows} rows to {output}")


@cli.command()
@_settings_options()
def stats(ws: Workspace) -> None:
    """Print how many concepts of each kind every profile yields."""
    from .build import count_table

    click.echo(count_table(ws.profiles))


class _Terminal:
    """A text stream to a terminal that shows control characters instead of acting on them
    (a profile's text cannot move the cursor, retitle the window or reorder a line)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from .text import terminal_text

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
