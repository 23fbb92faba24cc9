"""Parsers: counts per kind, the hard cases, parent links and provenance."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kcgraph.parse.model import Kind, Profile
from kcgraph.parse.text import clean

from ..conftest import RESOURCES

EXPECTED = tomllib.loads((RESOURCES / "profiles.toml").read_text(encoding="utf-8"))


def _get(profile: Profile, label: str, kind: Kind | None = None):
    matches = [s for s in profile.statements.values() if s.label == label]
    if kind is not None:
        matches = [s for s in matches if s.kind is kind]
    assert len(matches) == 1, f"{label!r}: {len(matches)} statements"
    return matches[0]


def _parent_labels(profile: Profile, label: str, kind: Kind | None = None) -> list[str]:
    return [profile.statements[p].label for p in _get(profile, label, kind).parents]


@pytest.mark.parametrize("profile_id", sorted(EXPECTED))
def test_counts_per_kind(profiles, profile_id):
    counts = {kind.value: n for kind, n in profiles[profile_id].by_kind().items()}
    assert counts == EXPECTED[profile_id]


def test_kch_run_together_indicators_are_separate_concepts(profiles):
    okla = profiles["okla"]
    for label in (
        "Toont een sterk inlevingsvermogen in de klant",
        "Onderzoekt de wensen en behoeften van de klant",
        "Straalt vriendelijkheid, behulpzaamheid en gastvrijheid uit in het contact met klanten",
        "Stelt zijn communicatiestijl af op klanten vanuit diverse culturen en/of achtergronden",
    ):
        statement = _get(okla, label, Kind.INDICATOR)
        assert _parent_labels(okla, label) == ["Klantgericht handelen"]
        assert statement.occurrences[0].line_start == 47
    # the competency belongs to both roles in which it is listed
    assert _parent_labels(okla, "Klantgericht handelen") == [
        "De online klantadviseur als medewerker klantencontact",
        "De online klantadviseur als medewerker orderverwerking",
    ]


def test_kch_knowledge_and_skills_run_together_are_split_and_typed(profiles):
    okla = profiles["okla"]
    assert _get(okla, "Basiskennis van arbeidsovereenkomsten").kind is Kind.KNOWLEDGE
    assert _get(okla, "Kan een trainingsplan beoordelen / opstellen").kind is Kind.SKILL
    english = (
        "Kan teksten lezen en schrijven, ook in het Engels en in een andere moderne vreemde taal"
    )
    assert _get(okla, english).kind is Kind.SKILL


def test_ecabo_work_process_title_broken_across_cells(profiles):
    ccm = profiles["ccm"]
    wp = _get(ccm, "Handelt telefonische klantvragen en -verzoeken af", Kind.WORK_PROCESS)
    assert wp.notation == "3.2"
    assert wp.hidden_labels == ["Handelt telefonische klantvragen en - verzoeken af"]
    assert _parent_labels(ccm, wp.label) == ["Bouwt relaties op en onderhoudt ze"]
    assert wp.definition.startswith("De contactcenter medewerker handelt telefonische")
    assert "alert op mogelijkheden om vanuit service tot sales te komen" in wp.definition
    # competencies listed in the cell continued after the page break belong to it too
    assert wp.key in _get(ccm, "Relaties bouwen en netwerken").parents


def test_ecabo_work_process_worded_like_its_core_task_stays_separate(profiles):
    ccm = profiles["ccm"]
    task = _get(ccm, "Voert het verkooptraject uit", Kind.CORE_TASK)
    process = _get(ccm, "Voert het verkooptraject uit", Kind.WORK_PROCESS)
    assert process.parents == [task.key]
    assert process.notation == "2.3"


def test_ecabo_knowledge_and_skill_lists(profiles):
    ccm = profiles["ccm"]
    item = "producten en diensten van de organisatie of van die van de opdrachtgever"
    assert _get(ccm, item).kind is Kind.KNOWLEDGE
    assert len(_get(ccm, item).parents) == 7
    assert (
        _get(
            ccm,
            "wet- en regelgeving en organisatiespecifieke afspraken en protocollen "
            "(waaronder die m.b.t. wijze van gebruik en reageren op social media)",
        ).kind
        is Kind.KNOWLEDGE
    )
    assert _get(ccm, "stappen in het verkoopproces/- gesprek").kind is Kind.KNOWLEDGE
    assert _get(ccm, "gesprekstechnieken toepassen").kind is Kind.SKILL
    assert _get(ccm, "Gesprekstechnieken toepassen").kind is Kind.COMPETENCY
    assert _get(ccm, "Correcte registratie van het klantcontact").kind is Kind.RESULT


def test_vdab_activities_with_kunnen_and_kennen(profiles):
    cci = profiles["cci"]
    group = [
        "De klant informeren over de kenmerken van de producten",
        "De klant adviseren bij zijn keuze",
    ]
    for label in group:
        assert _get(cci, label).kind is Kind.ACTIVITY
    skill = "Zoekt informatie op in ter beschikking gestelde informatiebronnen"
    assert _get(cci, skill).kind is Kind.SKILL
    assert _parent_labels(cci, skill) == group
    knowledge = "Kennis van typologie van klanten of consumenten"
    assert _get(cci, knowledge).kind is Kind.KNOWLEDGE
    assert group[0] in _parent_labels(cci, knowledge)
    assert _parent_labels(
        cci,
        "Binnenkomende oproepen (consumentendienst, opnemen van "
        "bestellingen, bijstand en hulp aan klanten, ...)",
    ) == ["Behandelt"]


def test_vdab_occupation_titles_and_isco(profiles):
    occupation = profiles["cci"].occupation
    assert occupation.label == "Callcenter inbound-outbound"
    assert occupation.notation == "D140801"
    assert "Call center agent" in occupation.alt_labels
    assert len(occupation.alt_labels) == 21
    assert not any("(m/v)" in t or "Info block" in t for t in occupation.alt_labels)
    assert occupation.isco_codes == ["3312", "4222", "5244"]


def test_vks_recurring_statement_is_one_concept_linked_to_every_place(profiles):
    kcm = profiles["kcm"]
    ict = _get(kcm, "Basiskennis ICT")
    assert len(ict.parents) == 10  # every competency but 7
    assert len(ict.occurrences) == 11  # ten competencies and the descriptor list
    register = _get(kcm, "Registreert de verworven informatie in de daarvoor bestemde systemen")
    assert _parent_labels(kcm, register.label) == [
        "Sluit de communicatie professioneel en klantgericht af",
        "Contacteert (potentiële) klanten om de producten en diensten van de onderneming voor "
        "te stellen",
    ]
    sections = {
        " > ".join(o.section)
        for o in _get(
            kcm, "Behandelt inkomende klantvragen via de beschikbare communicatiekanalen"
        ).occurrences
    }
    assert any("Autonomie > Is zelfstandig in" in s for s in sections)
    assert any(s.endswith("Verantwoordelijkheid") for s in sections)


def test_alternative_job_titles(profiles):
    assert "Customer service agent" in profiles["ccm"].occupation.alt_labels
    assert len(profiles["ccm"].occupation.alt_labels) == 10
    assert profiles["okla"].occupation.alt_labels[:2] == [
        "Online klantadviseur",
        "medewerker customer service",
    ]


@pytest.mark.parametrize("profile_id", sorted(EXPECTED))
def test_every_occurrence_points_at_lines_holding_the_statement(profiles, profile_id):
    profile = profiles[profile_id]
    lines = Path(profile.source.path).read_text(encoding="utf-8").split("\n")
    for statement in profile.statements.values():
        assert statement.occurrences, statement.label
        for occurrence in statement.occurrences:
            span = clean(" ".join(lines[occurrence.line_start - 1 : occurrence.line_end]))
            spellings = [statement.label, *statement.hidden_labels]
            assert any(s.rstrip(".") in span for s in spellings), (statement.label, occurrence)


@pytest.mark.parametrize("profile_id", sorted(EXPECTED))
def test_labels_are_clean(profiles, profile_id):
    for statement in profiles[profile_id].statements.values():
        label = statement.label
        assert label == label.strip() and "  " not in label
        assert "<" not in label and "Info block" not in label and "(m/v)" not in label
        assert not label.startswith(("•", "·", "- ")) and "\u2019" not in label
