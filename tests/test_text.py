import doctest

import pytest

import kcgraph.errors
import kcgraph.graph.namespaces
import kcgraph.parse.model
import kcgraph.parse.text
from kcgraph.parse.text import clean, clean_item, split_dash_items, split_run_together


@pytest.mark.parametrize(
    "module", [kcgraph.parse.text, kcgraph.errors, kcgraph.parse.model, kcgraph.graph.namespaces]
)
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def test_noise_and_apostrophes_are_removed():
    assert clean("Tele-adviseur (m/v)  Info block") == "Tele-adviseur"
    assert clean("klanten/collega\u2019s") == "klanten/collega's"
    assert clean("a\u00a0 \t b") == "a b"


def test_list_punctuation_is_dropped_but_ellipsis_kept():
    assert clean_item("- flexibel optreden;") == "flexibel optreden"
    assert (
        clean_item("· Archiveert documenten, bestanden...") == "Archiveert documenten, bestanden..."
    )


def test_run_together_split_keeps_proper_nouns_after_function_words():
    text = (
        "Kan gesprekstechnieken toepassen in telefoongesprekken, ook in het Engels en in een "
        "andere moderne vreemde taal Kan teksten lezen en schrijven"
    )
    assert split_run_together(text) == [
        "Kan gesprekstechnieken toepassen in telefoongesprekken, ook in het Engels en in een "
        "andere moderne vreemde taal",
        "Kan teksten lezen en schrijven",
    ]


def test_dash_split_keeps_elided_compounds_and_slash_dash():
    text = "- luister- en schrijfvaardigheid- zoekstrategieën toepassen- telefoon- of e-mail"
    assert split_dash_items(text) == [
        "luister- en schrijfvaardigheid",
        "zoekstrategieën toepassen",
        "telefoon- of e-mail",
    ]
    assert split_dash_items("- stappen in het verkoopproces/- gesprek") == [
        "stappen in het verkoopproces/- gesprek"
    ]
