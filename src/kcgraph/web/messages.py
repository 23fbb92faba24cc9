"""The interface's words in Dutch and English: the pages are written in English and shown
in Dutch where the reader asks for it (``Accept-Language``, or the switch's ``?lang=``)."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["INTERFACE_LANGUAGES", "translator"]

#: The languages the interface speaks; the first is the default.
INTERFACE_LANGUAGES = ("nl", "en")

_DUTCH = {
    "Profiles": "Profielen",
    "SPARQL": "SPARQL",
    "Ontology": "Ontologie",
    "Search labels": "Zoek in labels",
    "Search": "Zoeken",
    "Competency profiles": "Competentieprofielen",
    "The four customer-contact profiles as SKOS concept schemes, their accepted crosswalk "
    "links, ISCO-08 and ESCO.": "De vier klantcontactprofielen als SKOS-begrippenschema's, "
    "hun geaccepteerde koppelingen, ISCO-08 en ESCO.",
    "Profile": "Profiel",
    "Publisher": "Uitgever",
    "Version": "Versie",
    "Concepts": "Begrippen",
    "Downloads": "Downloads",
    "The crosswalk": "De koppeling tussen de profielen",
    "For each pair of profiles: links accepted by a reviewer, proposals still open, pairs "
    "rejected.": (
        "Per paar profielen: koppelingen die een beoordelaar aanvaardde, voorstellen die nog "
        "openstaan, afgewezen paren."
    ),
    "Rejected": "Afgewezen",
    "Linked": "Gekoppeld",
    "Open": "Open",
    "Also as": "Ook als",
    "Description": "Beschrijving",
    "Hierarchy": "Hiërarchie",
    "Places in the source": "Plaatsen in de bron",
    "Section": "Sectie",
    "Lines": "Regels",
    "Source": "Bron",
    "Accepted links": "Aanvaarde koppelingen",
    "Link": "Koppeling",
    "With": "Met",
    "Provenance": "Herkomst",
    "None.": "Geen.",
    "Open proposals": "Open voorstellen",
    "Proposed": "Voorgesteld",
    "In": "In",
    "Confidence": "Zekerheid",
    "Queue": "Wachtrij",
    "in": "in",
    "The kcgraph ontology": "De ontologie van kcgraph",
    "Its classes and properties, in English and Dutch, and the SHACL shapes the graph is "
    "validated with.": "Haar klassen en eigenschappen, in het Engels en het Nederlands, en de "
    "SHACL-vormen waarmee de graaf gevalideerd wordt.",
    "Classes": "Klassen",
    "Properties": "Eigenschappen",
    "Term": "Term",
    "Meaning": "Betekenis",
    "Shapes": "Vormen",
    "label(s) match": "label(s) komen overeen met",
    "Language": "Taal",
    "From an earlier version of its profile.": "Uit een eerdere versie van zijn profiel.",
    "Replaced by": "Vervangen door",
    "Replaces": "Vervangt",
    "History": "Geschiedenis",
}


def translator(lang: str) -> Callable[[str], str]:
    """The words of the interface in ``lang`` (English where it is not Dutch)."""
    if lang != "nl":
        return lambda text: text
    return lambda text: _DUTCH.get(text, text)
