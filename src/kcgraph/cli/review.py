"""``kcgraph review``: decisions recorded, screens shown and answered through the review
session (:class:`~kcgraph.review.session.loop.ReviewLoop`), the spreadsheet round trip,
search, the simulated analyst, merges and the status."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import KcgraphError
from .options import (
    DIR,
    FILE,
    PROPOSALS_HELP,
    TARGET,
    Choices,
    Finite,
    settings_options,
)

if TYPE_CHECKING:
    from ..layout import Target
    from ..workspace import Workspace

__all__ = ["review"]


@click.group()
def review() -> None:
    """Record and inspect review decisions on proposed mappings (data/mappings/)."""


def _decision_command(verdict: str) -> None:
    @click.argument("subject_id")
    @click.argument("object_id")
    @click.option(
        "--predicate",
        type=Choices(".terms", "MAPPING_PREDICATES"),
        help="[default: the proposal's]",
    )
    @click.option("--reviewer", help="Reviewer CURIE, e.g. orcid:0000-0002-1825-0097.")
    @click.option("--comment", help="Free-text comment kept with the decision.")
    @click.option("--proposals", type=FILE, help="Proposals to take scores and labels from.")
    @settings_options()
    def command(
        ws: Workspace,
        subject_id: str,
        object_id: str,
        predicate: str | None,
        reviewer: str | None,
        comment: str | None,
        proposals: str | None,
    ) -> None:
        from ..review.decisions.proposals import lookup_proposal

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
@click.argument("gold", type=FILE)
@click.option("--reviewer", required=True, help="Who judged the pairs (ORCID or declared CURIE).")
@click.option("--name", default="", help="The reviewer's name, for reviewers.tsv.")
@click.option("--license", "licence", help="A published crosswalk's licence (IRI).")
@settings_options()
def review_import(ws: Workspace, gold: str, reviewer: str, name: str, licence: str | None) -> None:
    """Record a gold file (doc_a, text_a, doc_b, text_b, relation; or an ESCO labelled
    sample: doc, text, esco_uris) as accepted decisions; or keep a published crosswalk (the
    ESCO portal's mapping table, MELO's list) as training examples in references/."""
    from ..review.decisions.imports import import_decisions
    from ..review.decisions.references import import_references, is_reference_table

    if is_reference_table(gold):
        lines = import_references(ws, gold, reviewer=reviewer, license=licence)
    else:
        lines = import_decisions(ws, gold, reviewer=reviewer, name=name)
    for line in lines:
        click.echo(line)


@review.command(name="next")
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 100_000))
@TARGET
@click.option("--proposals", type=FILE, help=PROPOSALS_HELP)
@settings_options()
def review_next(ws: Workspace, limit: int, target: Target, proposals: str | None) -> None:
    """The next screens the review loop offers (the model retrains first), each with its
    candidates; a rejection carried over by `kcgraph diff` shows as NOT, with the old verdict."""
    from ..review.session.screens import queue_lines

    loop = _loop(ws, target, proposals, None)
    for line in queue_lines(loop.upcoming(limit), loop.model.learnt_from):
        click.echo(line)


def _loop(ws: Workspace, target: Target, proposals: str | None, reviewer: str | None) -> Any:
    from ..review.session.loop import ReviewLoop

    return ReviewLoop(ws, target=target, proposals=proposals, reviewer=reviewer)


@review.command(name="screen")
@TARGET
@click.option("--statement", help="This statement's screen (CURIE) instead of the next one.")
@click.option("--scheme", help="With --statement: the other profile or vocabulary (prefix).")
@click.option("--proposals", type=FILE, help=PROPOSALS_HELP)
@settings_options()
def review_screen(
    ws: Workspace, target: Target, statement: str | None, scheme: str | None, proposals: str | None
) -> None:
    """The next review screen: one statement and its best candidates in one other profile
    (or in ESCO / ISCO-08), offered by expected yield; answer it with `review answer`."""
    from ..review.session.context import Contexts

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
@click.option("-o", "--output", required=True, type=FILE, help="The workbook to write (.xlsx).")
@click.option(
    "--screens",
    default=50,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Screens of highest expected yield to write.",
)
@TARGET
@click.option("--proposals", type=FILE, help=PROPOSALS_HELP)
@settings_options()
def review_export(
    ws: Workspace, output: str, screens: int, target: Target, proposals: str | None
) -> None:
    """Write review screens to a spreadsheet for reviewers who never open Jupyter (a choice
    and a relation column with drop-down lists; instructions in Dutch and English)."""
    from ..review.frontends.sheets import export_screens

    written = export_screens(_loop(ws, target, proposals, None), Path(output), screens=screens)
    click.echo(f"wrote {written} screens to {output}")


@review.command(name="import-sheet")
@click.argument("workbook", type=FILE)
@TARGET
@click.option("--reviewer", help="Reviewer CURIE, e.g. orcid:0000-0002-1825-0097.")
@click.option("--proposals", type=FILE, help=PROPOSALS_HELP)
@settings_options()
def review_import_sheet(
    ws: Workspace, workbook: str, target: Target, reviewer: str | None, proposals: str | None
) -> None:
    """Record the answers of a spreadsheet `review export` wrote: every problem is reported
    with its sheet, row and column, and then nothing is recorded."""
    from ..review.frontends.sheets import import_answers

    for line in import_answers(_loop(ws, target, proposals, reviewer), Path(workbook)):
        click.echo(line)


def screen_lines_of(screen: Any, contexts: Any) -> list[str]:
    from ..review.session.screens import screen_lines

    return screen_lines(screen, contexts.of)


@review.command(name="answer")
@click.argument("statement")
@click.argument("scheme")
@click.argument("picks", nargs=-1)
@click.option("--none", "none_", is_flag=True, help="None of the candidates is a link.")
@TARGET
@click.option("--reviewer", help="Reviewer CURIE, e.g. orcid:0000-0002-1825-0097.")
@click.option("--proposals", type=FILE, help=PROPOSALS_HELP)
@settings_options()
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
    from ..review.session.screens import read_picks

    if bool(picks) == none_:
        raise click.UsageError("give the candidates to accept, or --none")
    loop = _loop(ws, target, proposals, reviewer)
    screen = loop.screen(statement, scheme)
    if screen is None:
        raise KcgraphError(f"{statement}: no open screen towards {scheme}")
    accepted = read_picks(screen, picks)
    turn = loop.answer(screen, accepted)
    for m in turn.recorded:
        verdict = "reject" if m.negated else "accept"
        click.echo(f"{verdict}: {m.subject.curie} {m.predicate.curie} {m.object.curie}")


@review.command(name="search")
@click.argument("words")
@click.option("--in", "scheme", help="Only this profile or vocabulary (CURIE prefix).")
@click.option("--meaning", is_flag=True, help="By meaning (encoder cosine), not by words.")
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@settings_options()
def review_search(ws: Workspace, words: str, scheme: str | None, meaning: bool, limit: int) -> None:
    """Find any statement or ESCO/ISCO concept by words (full text) or by meaning; link one
    with `review accept STATEMENT CURIE`."""
    from ..review.session.search import LabelSearch

    search = LabelSearch(ws)
    found = (search.meaning if meaning else search.words)(words, scheme=scheme, limit=limit)
    for f in found:
        click.echo(f"{f.score:7.3f}  {f.curie}  {f.label}")
    if not found:
        click.echo("nothing found")


@review.command(name="simulate")
@click.option("--gold", required=True, type=FILE, help="Crosswalk gold or ESCO labelled sample.")
@click.option("--actions", type=click.IntRange(1), help="Stop after this many [default: all].")
@click.option(
    "--exploration", type=Finite(0.0, 1.0), help="Share of screens for learning [default: 0.1]."
)
@settings_options()
def review_simulate(
    ws: Workspace, gold: str, actions: int | None, exploration: float | None
) -> None:
    """Play an analyst who answers from GOLD through the review loop, in a temporary
    decision folder, and print recall after 25/50/100/200/400 actions."""
    from ..review.session.screens import EXPLORATION
    from ..review.session.simulate import simulate

    result = simulate(
        ws,
        gold,
        max_actions=actions,
        exploration=EXPLORATION if exploration is None else exploration,
        progress=True,
    )
    for line in result.lines():
        click.echo(line)


@review.command(name="merge")
@click.argument("ours", type=DIR)
@click.argument("theirs", type=DIR)
@click.option(
    "--ancestor",
    type=DIR,
    help="The decision folder where the branches parted (git merge-base); without it, "
    "every decision counts as made on its side.",
)
@click.option("-o", "--output", "target", type=DIR, help="Merged folder [default: OURS].")
@settings_options()
def review_merge(
    ws: Workspace, ours: str, theirs: str, ancestor: str | None, target: str | None
) -> None:
    """Merge two decision folders: decisions one side made are kept, the same one made on
    both sides once, different ones on a pair both (a conflict review status lists); and
    report the two sides' agreement (Cohen's kappa)."""
    from ..review.decisions.merge import merge_folders, summary

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
@click.argument("ancestor", type=FILE)
@click.argument("ours", type=FILE)
@click.argument("theirs", type=FILE)
@click.argument("path", required=False)
@settings_options()
def review_merge_file(
    ws: Workspace, ancestor: str, ours: str, theirs: str, path: str | None
) -> None:
    """git's merge driver for one decision file (%O %A %B %P): the merge goes into OURS;
    see docs/layout.md for enabling it."""
    from ..review.decisions.merge import merge_decision_file

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
@click.option("--proposals", type=FILE, help=PROPOSALS_HELP)
@settings_options()
def review_status(ws: Workspace, proposals: str | None) -> None:
    """Decided vs open proposals per profile pair; decisions whose statements are gone."""
    from ..review.decisions.proposals import read_proposals
    from ..review.decisions.status import format_status, review_status

    path = Path(proposals) if proposals else ws.settings.proposals_path("profiles")
    status = review_status(
        ws.store(check_ids=False), read_proposals(path, ws), ws.is_known, ws.profile_ids
    )
    for line in format_status(status):
        click.echo(line)
