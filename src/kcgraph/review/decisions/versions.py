"""What changed between two versions of the profiles, and what it does to the decisions.

``kcgraph diff OLD NEW`` compares two builds (folders with ``kcgraph.ttl``) or two
manifests. A statement's IRI follows its text, so a statement whose text changed is gone
under its old IRI and new under another: per profile, the statements only the old version
has and those only the new one has are paired into *changed* statements when they are of
one kind and their texts are similar (the place, a shared parent, adds to the score); the
rest are *removed* and *added*.

The decisions on a removed or changed statement are listed. A decision on a changed
statement is offered for carrying over to its successor as a *proposal* (the old decision
and the old text as context, justification ``semapv:MappingChaining``): it becomes a
decision only when a reviewer accepts it. Nothing is moved without review.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from curies import NamableReference
from sssom_pydantic import SemanticMapping
from sssom_pydantic.api import MappingSetRecord

from ...errors import KcgraphError
from ...layout import PROFILES_FILE
from ...terms import LEXICAL_MATCHING, MAPPING_CHAINING
from .decision import Decision

if TYPE_CHECKING:
    import curies

    from ...graph.namespaces import Minter
    from ...parse.model import Profile

__all__ = [
    "MIN_SIMILARITY",
    "Change",
    "Gone",
    "Version",
    "carry_over",
    "diff_versions",
    "format_diff",
    "gone_since",
    "profile_versions",
    "read_versions",
    "version_mappings",
    "versions_metadata",
]

#: Least similarity (0-1) of two statements' texts for one to be the other's successor.
MIN_SIMILARITY = 0.6
#: What a shared parent adds to the similarity of two statements.
PLACE_BONUS = 0.1
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_KCG = "https://w3id.org/kcgraph/ontology#"


@dataclass(frozen=True)
class Version:
    """A statement as one version has it."""

    iri: str
    profile: str
    kind: str
    label: str
    parents: frozenset[str] = frozenset()  # their labels
    broader: frozenset[str] = frozenset()  # their IRIs


@dataclass(frozen=True)
class Change:
    what: Literal["added", "removed", "changed"]
    profile: str
    old: Version | None
    new: Version | None
    similarity: float = 0.0


def _from_build(folder: Path) -> dict[str, Version]:
    import pyoxigraph as ox

    path = folder / PROFILES_FILE
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    except (OSError, SyntaxError, ValueError) as exc:
        raise KcgraphError(f"{path}: not a readable build ({str(exc)[:200]})") from None
    concat = 'GROUP_CONCAT(?parentLabel; SEPARATOR="\\u0001") AS ?parents'
    iris = 'GROUP_CONCAT(STR(?p); SEPARATOR=" ") AS ?broader'
    text = f"""SELECT ?s ?scheme ?kind ?label ({concat}) ({iris})
      WHERE {{ ?s <{_SKOS}inScheme> ?scheme ; <{_SKOS}prefLabel> ?label ; a ?kind .
        FILTER(STRSTARTS(STR(?kind), "{_KCG}"))
        OPTIONAL {{ ?s <{_SKOS}broader> ?p . ?p <{_SKOS}prefLabel> ?parentLabel }} }}
      GROUP BY ?s ?scheme ?kind ?label"""
    out = {}
    for row in store.query(text):  # type: ignore[union-attr]
        profile = row["scheme"].value.rstrip("/").rsplit("/", 1)[-1]
        joined = row["parents"].value if row["parents"] is not None else ""
        parents = frozenset(p for p in joined.split("\u0001") if p)
        kind = row["kind"].value.removeprefix(_KCG)
        broader = frozenset((row["broader"].value if row["broader"] is not None else "").split())
        label = row["label"].value
        out[row["s"].value] = Version(row["s"].value, profile, kind, label, parents, broader)
    return out


def _from_manifest(path: Path, minter: Minter) -> dict[str, Version]:
    from ...parse import parse_profiles

    return profile_versions(parse_profiles(path), minter)


def profile_versions(profiles: Iterable[Profile], minter: Minter) -> dict[str, Version]:
    """The statements of parsed profiles, as a version."""
    out = {}
    for profile in profiles:
        labels = {key: s.label for key, s in profile.statements.items()}
        iris = {
            key: str(minter.concept(profile.source.id, s)) for key, s in profile.statements.items()
        }
        for key, statement in profile.statements.items():
            parents = frozenset(labels[p] for p in statement.parents if p in labels)
            broader = frozenset(iris[p] for p in statement.parents if p in iris)
            kind = statement.kind.value
            out[iris[key]] = Version(
                iris[key], profile.source.id, kind, statement.label, parents, broader
            )
    return out


@dataclass(frozen=True)
class Gone:
    """A statement of the previous version that this one lacks, and its successor."""

    iri: str
    profile: str
    kind: str
    label: str
    successor: str | None
    broader: frozenset[str] = frozenset()


def gone_since(previous: Path, profiles: Iterable[Profile], minter: Minter) -> list[Gone]:
    """What ``previous`` (a build folder or manifest) had and ``profiles`` have not: each
    statement with its successor where the diff pairs it with one."""
    now = profile_versions(profiles, minter)
    out = []
    for change in diff_versions(read_versions(previous, minter), now):
        old = change.old
        if old is None or old.iri in now:
            continue
        successor = change.new.iri if change.what == "changed" and change.new else None
        out.append(Gone(old.iri, old.profile, old.kind, old.label, successor, old.broader))
    return out


def read_versions(path: Path, minter: Minter) -> dict[str, Version]:
    """The statements of a build folder (its ``kcgraph.ttl``) or of a manifest's sources."""
    if path.is_dir() and (path / PROFILES_FILE).is_file():
        return _from_build(path)
    if path.is_file() and path.suffix == ".toml":
        return _from_manifest(path, minter)
    raise KcgraphError(f"{path}: neither a build folder (with kcgraph.ttl) nor a manifest")


def _similarity(old: Version, new: Version) -> float:
    ratio = difflib.SequenceMatcher(None, old.label.lower(), new.label.lower()).ratio()
    return ratio + (PLACE_BONUS if old.parents & new.parents else 0.0)


def diff_versions(old: dict[str, Version], new: dict[str, Version]) -> list[Change]:
    """Per profile: changed (best pairs first), removed and added statements, sorted."""
    gone = [v for iri, v in sorted(old.items()) if iri not in new]
    came = [v for iri, v in sorted(new.items()) if iri not in old]
    scored = sorted(
        (
            (-_similarity(a, b), a.iri, b.iri, a, b)
            for a in gone
            for b in came
            if a.profile == b.profile and a.kind == b.kind
        ),
        key=lambda item: item[:3],
    )
    used_old: set[str] = set()
    used_new: set[str] = set()
    changes = []
    for minus, _, _, a, b in scored:
        if -minus < MIN_SIMILARITY:
            break
        if a.iri in used_old or b.iri in used_new:
            continue
        used_old.add(a.iri)
        used_new.add(b.iri)
        # the pairing score may pass 1 (a shared parent adds to it); a similarity may not
        changes.append(Change("changed", a.profile, a, b, round(min(-minus, 1.0), 4)))
    changes += [Change("removed", a.profile, a, None) for a in gone if a.iri not in used_old]
    changes += [Change("added", b.profile, None, b) for b in came if b.iri not in used_new]
    order = {"changed": 0, "removed": 1, "added": 2}
    return sorted(changes, key=lambda c: (c.profile, order[c.what], _iri(c)))


def _iri(change: Change) -> str:
    version = change.old or change.new
    return version.iri if version else ""


def _touching(
    decisions: Sequence[Decision], iri: str, converter: curies.Converter
) -> list[Decision]:
    return [
        d
        for d in decisions
        if iri
        in (converter.expand(d.mapping.subject.curie), converter.expand(d.mapping.object.curie))
    ]


def format_diff(
    changes: Sequence[Change], decisions: Sequence[Decision], converter: curies.Converter
) -> list[str]:
    """The changes as text, per profile, each with the decisions it affects."""
    lines = []
    for profile in sorted({c.profile for c in changes}):
        mine = [c for c in changes if c.profile == profile]
        counts = [f"{sum(c.what == w for c in mine)} {w}" for w in ("changed", "removed", "added")]
        lines.append(f"{profile}: {', '.join(counts)}")
        for c in mine:
            if c.what == "changed":
                assert c.old and c.new
                lines.append(f"  ~ {c.old.label!r} -> {c.new.label!r} ({c.similarity:.2f})")
            elif c.what == "removed":
                lines.append(f"  - {c.old.label!r}")  # type: ignore[union-attr]
            else:
                lines.append(f"  + {c.new.label!r}")  # type: ignore[union-attr]
            if c.old is not None:
                for d in _touching(decisions, c.old.iri, converter):
                    m = d.mapping
                    row = f"{m.subject.curie} {m.predicate.curie} {m.object.curie}"
                    lines.append(f"      decision: {d.verdict} {row}")
    return lines


def version_mappings(
    changes: Iterable[Change], converter: curies.Converter
) -> list[SemanticMapping]:
    """The changed statements as SSSOM: old ``dcterms:isReplacedBy`` new, with the texts'
    similarity, for a publisher to keep beside the new version."""
    out = []
    for c in changes:
        if c.what != "changed" or c.old is None or c.new is None:
            continue
        out.append(
            SemanticMapping(
                subject=NamableReference.from_curie(
                    converter.compress(c.old.iri), name=c.old.label
                ),
                predicate="dcterms:isReplacedBy",
                object=NamableReference.from_curie(converter.compress(c.new.iri), name=c.new.label),
                justification=LEXICAL_MATCHING,
                similarity_score=c.similarity,
                similarity_measure="difflib sequence ratio (+0.1 for a shared parent)",
            )
        )
    return sorted(out)


def carry_over(
    changes: Iterable[Change], decisions: Sequence[Decision], converter: curies.Converter
) -> list[SemanticMapping]:
    """Proposals that carry each decision on a changed statement over to its successor,
    with the old decision and text in the comment (a rejection as a negated proposal: "not
    closeMatch"); for review, never decisions."""
    out = []
    for c in changes:
        if c.what != "changed" or c.old is None or c.new is None:
            continue
        new_curie = converter.compress(c.new.iri)
        for d in _touching(decisions, c.old.iri, converter):
            m = d.mapping
            old_side = "subject" if converter.expand(m.subject.curie) == c.old.iri else "object"
            other = m.object if old_side == "subject" else m.subject
            reviewers = ", ".join(r.curie for r in m.reviewers or ())
            was = f"{converter.compress(c.old.iri)} ({c.old.label!r})"
            note = f"was {d.verdict} on {was} by {reviewers}"
            if m.mapping_date:
                note += f" on {m.mapping_date}"
            out.append(
                SemanticMapping(
                    subject=NamableReference.from_curie(new_curie, name=c.new.label),
                    predicate=m.predicate.curie,
                    predicate_modifier="Not" if m.negated else None,  # a rejection stays one
                    object=NamableReference(
                        prefix=other.prefix,
                        identifier=other.identifier,
                        name=getattr(other, "name", None),
                    ),
                    justification=MAPPING_CHAINING,
                    confidence=c.similarity,
                    comment=note,
                )
            )
    return sorted(out)


def versions_metadata(base: str, path: Path, title: str) -> MappingSetRecord:
    """The header of a version mapping set: its id follows the base and the file name."""
    from ...layout import mapping_set_id
    from ...terms import DATA_LICENSE

    return MappingSetRecord(
        mapping_set_id=mapping_set_id(base, path.name),
        mapping_set_title=f"kcgraph {title}",
        license=DATA_LICENSE,
    )
