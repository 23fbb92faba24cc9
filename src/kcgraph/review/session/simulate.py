"""The simulated analyst: plays the review loop from a gold file, to measure what a
complete crosswalk costs in review actions (``kcgraph review simulate``).

The analyst answers exactly what the loop shows, from the gold: on a screen it accepts the
candidates the gold links to the statement (with the gold's predicate) and rejects the rest.
Everything runs in a temporary decision folder that starts as a copy of the
workspace's decisions *minus those on the gold's own pairs* (for an ESCO sample: the
sample's statements' links to ESCO), so the model sees the gold only through the answers it
asked for, in order. The queue is made afresh by ``kcgraph match`` from that folder.

Recall is counted on the gold's equivalence links (``exact``/``close``) between
statements, or, for an ESCO sample, on its statements with an acceptable skill.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ...layout import Target
from ...match.items import matchable_items, statement_item
from ...terms import CLOSE_MATCH
from ..decisions.gold import EQUIVALENCE, GOLD_PREDICATES, read_gold
from ..decisions.samples import is_esco_sample, read_esco_sample
from .loop import ReviewLoop
from .screens import EXPLORATION, Screen

if TYPE_CHECKING:
    from ...workspace import Workspace
    from ..decisions.store import ReviewStore

__all__ = ["CHECKPOINTS", "GoldAnswers", "Simulation", "gold_answers", "simulate"]

#: Actions after which recall is reported.
CHECKPOINTS = (25, 50, 100, 200, 400)
#: The simulated analyst's reviewer CURIE (declared in the temporary folder only).
SIMULATED_REVIEWER = "kcgreviewer:simulated-analyst"


@dataclass
class GoldAnswers:
    """What the simulated analyst knows: acceptable pairs (CURIEs) with their predicate,
    and the units recall counts (a link, or a statement with an acceptable skill)."""

    target: Target
    predicates: dict[frozenset[str], str]
    units: dict[str, frozenset[frozenset[str]]]  # unit -> the pairs that find it
    unresolved: int = 0
    asked: set[frozenset[str]] = field(default_factory=set)

    def answer(self, pair: frozenset[str]) -> str | None:
        """The predicate the gold gives a pair, or None (not a link); the question is logged."""
        self.asked.add(pair)
        return self.predicates.get(pair)

    def found(self, accepted: set[frozenset[str]]) -> int:
        return sum(1 for pairs in self.units.values() if pairs & accepted)


def gold_answers(ws: Workspace, path: str | Path) -> GoldAnswers:
    """Read a crosswalk gold file or an ESCO labelled sample as a simulated analyst's answers."""
    compress = ws.converter.compress
    if is_esco_sample(path):
        statements = {(s.profile, s.label): s for s in matchable_items(ws.profiles, ws.minter)}
        predicates: dict[frozenset[str], str] = {}
        units: dict[str, frozenset[frozenset[str]]] = {}
        unresolved = 0
        for label in read_esco_sample(path):
            item = statements.get((label.doc, label.text))
            if item is None:
                unresolved += 1
                continue
            s = compress(item.iri, strict=True)
            pairs = frozenset(frozenset((s, compress(u) or u)) for u in label.uris)
            predicates.update(dict.fromkeys(pairs, CLOSE_MATCH))
            if pairs:
                units[s] = units.get(s, frozenset()) | pairs
        return GoldAnswers("esco", predicates, units, unresolved)
    items = {
        (item.profile, item.label): compress(item.iri, strict=True)
        for p in ws.profiles
        for item in (statement_item(p, s, ws.minter) for s in p.statements.values())
    }
    predicates, units, unresolved = {}, {}, 0
    for g in read_gold(path):
        a, b = items.get((g.doc_a, g.text_a)), items.get((g.doc_b, g.text_b))
        if a is None or b is None or g.relation not in GOLD_PREDICATES:
            unresolved += 1
            continue
        pair = frozenset((a, b))
        predicates[pair] = GOLD_PREDICATES[g.relation]
        if g.relation in EQUIVALENCE:
            units[f"{a} {b}"] = frozenset({pair})
    return GoldAnswers("profiles", predicates, units, unresolved)


@dataclass
class Simulation:
    """What a simulated review cost: recall after each action, candidates read, time."""

    target: Target
    units: int
    set_aside: int
    recall: list[float] = field(default_factory=list)  # after action 1, 2, ...
    read: int = 0
    seconds: float = 0.0
    #: towards a vocabulary: whether each gold statement's first screen held an acceptable one
    first_screen: dict[str, bool] = field(default_factory=dict)

    def lines(self) -> Iterator[str]:
        what = "links" if self.target == "profiles" else "statements with an acceptable skill"
        yield (
            f"simulated analyst ({self.target}): {self.units} gold {what}; "
            f"{self.set_aside} committed decisions on gold pairs set aside"
        )
        for n in CHECKPOINTS:
            if n <= len(self.recall):
                yield f"  after {n:>4} actions: recall {self.recall[n - 1]:.2f}"
        if self.recall:
            per = self.seconds / len(self.recall)
            yield (
                f"  at the end ({len(self.recall)} actions): recall {self.recall[-1]:.2f}; "
                f"{self.read} candidates read; {per:.3f} s per action"
            )
        if self.first_screen:
            hits, shown = sum(self.first_screen.values()), len(self.first_screen)
            yield (
                f"  first screen held an acceptable one: {hits / shown:.2f} of the gold "
                f"statements shown ({hits} of {shown})"
            )


def _start_folder(ws: Workspace, answers: GoldAnswers, folder: Path) -> int:
    """Copy the decisions into ``folder``, without those the gold would answer."""
    from ..decisions.store import ReviewStore

    source = ws.store(check_ids=False)
    statements = {c for pair in answers.predicates for c in pair if ":" in c}
    hidden_statements = {s for s in statements if s.split(":")[0] in ws.profile_ids}

    def hidden(pair: frozenset[str]) -> bool:
        if answers.target == "profiles":
            return pair in answers.predicates
        return bool(pair & hidden_statements) and any(
            c.split(":")[0] not in ws.profile_ids for c in pair
        )

    decisions = source.decisions()
    kept = [(d.verdict, d.mapping) for d in decisions if not hidden(d.pair)]
    folder.mkdir(parents=True, exist_ok=True)
    reviewers = source.directory / "reviewers.tsv"
    if reviewers.is_file():
        shutil.copy(reviewers, folder / "reviewers.tsv")
    target = ReviewStore(folder, converter=ws.converter, base=ws.settings.base)
    target.record_many(kept) if kept else target.restore_many([])
    return len(decisions) - len(kept)


def simulate(
    ws: Workspace,
    gold: str | Path,
    *,
    max_actions: int | None = None,
    exploration: float = EXPLORATION,
    progress: bool = False,
) -> Simulation:
    """Play the review loop from ``gold``; nothing outside a temporary
    folder is written."""
    answers = gold_answers(ws, gold)
    with tempfile.TemporaryDirectory(prefix="kcgraph-simulate-") as tmp:
        folder = Path(tmp)
        set_aside = _start_folder(ws, answers, folder / "mappings")
        sim_ws = ws.with_options(
            mappings_dir=folder / "mappings", out_dir=folder / "out", reviewer=SIMULATED_REVIEWER
        )
        _match(sim_ws, answers.target)
        result = Simulation(answers.target, len(answers.units), set_aside)
        player = _screen_player(sim_ws, answers, exploration, result)
        _play(player, answers, result, max_actions, progress)
    return result


def _match(ws: Workspace, target: Target) -> None:
    from ...match.proposals import write_proposals
    from ...match.run import match_profiles, match_targets

    result = match_profiles(ws) if target == "profiles" else match_targets(ws, target)
    path = ws.settings.proposals_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_proposals(path, result, ws.converter)


def _accepted(store: ReviewStore) -> set[frozenset[str]]:
    return {d.pair for d in store.decisions() if d.verdict == "accept"}


#: One action of a simulated analyst: how many candidates it read (None: nothing left).
Step = Callable[[], int | None]


def _screen_player(
    ws: Workspace, answers: GoldAnswers, exploration: float, result: Simulation
) -> tuple[Step, ReviewStore]:
    loop = ReviewLoop(ws, target=answers.target, exploration=exploration)

    def step() -> int | None:
        screen = loop.next()
        if screen is None:
            return None
        chosen = _choose(screen, answers)
        if answers.target != "profiles" and screen.statement in answers.units:
            result.first_screen.setdefault(screen.statement, bool(chosen))
        loop.answer(screen, chosen)
        return len(screen.candidates)

    return step, loop.store


def _choose(screen: Screen, answers: GoldAnswers) -> dict[str, str]:
    chosen = {}
    for c in screen.candidates:
        predicate = answers.answer(frozenset((screen.statement, c.other)))
        if predicate is not None:
            chosen[c.other] = predicate
    return chosen


def _play(
    player: tuple[Step, ReviewStore],
    answers: GoldAnswers,
    result: Simulation,
    max_actions: int | None,
    progress: bool,
) -> None:
    """Take actions until ``max_actions`` or nothing is left, noting recall after each."""
    step, store = player
    started = time.perf_counter()
    while max_actions is None or len(result.recall) < max_actions:
        read = step()
        if read is None:
            break
        result.read += read
        result.recall.append(answers.found(_accepted(store)) / max(len(answers.units), 1))
        _report(progress, result)
    result.seconds = time.perf_counter() - started


def _report(progress: bool, result: Simulation) -> None:
    n = len(result.recall)
    if progress and n % 25 == 0:
        import sys

        print(f"  {n} actions, recall {result.recall[-1]:.2f}", file=sys.stderr, flush=True)
