"""The HTML of the server and of the static site, from one set of templates (Jinja2, escaped
by default, no asset from elsewhere: the styles and the two small scripts are inline).

A :class:`Pages` knows where the data's IRIs live as pages: the server answers
``/id/PATH`` for ``BASE + PATH``; the static site holds ``PATH.html`` (links are relative,
so the site works from any folder, or from disk).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

from ..graph.namespaces import ESCO_DATA
from ..settings import is_http_iri
from .describe import DCTERMS, OWL, RDF_TYPE, SKOS, Description

__all__ = ["Alternate", "Hit", "Pages", "PairEntry", "ProfileEntry"]

#: A description's alternative formats: (name, media type, file suffix).
FORMATS = (
    ("Turtle", "text/turtle", ".ttl"),
    ("JSON-LD", "application/ld+json", ".jsonld"),
    ("N-Triples", "application/n-triples", ".nt"),
)
_HIDDEN = {RDF_TYPE, f"{SKOS}inScheme"}
#: Where the pages of ESCO's and ISCO-08's concepts live (``esco/skill/…``).
ESCO_PATH = "esco/"


@dataclass(frozen=True)
class Alternate:
    name: str
    media: str
    href: str


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    language: str


@dataclass(frozen=True)
class ProfileEntry:
    iri: str
    title: str
    concepts: int
    publisher: str = ""
    version: str = ""


@dataclass(frozen=True)
class PairEntry:
    """How far the crosswalk of one profile pair has come: links accepted, proposals open,
    pairs rejected; and the bar's widths (of 200 px) for each."""

    a: str
    b: str
    linked: int
    open: int
    rejected: int = 0

    @property
    def widths(self) -> tuple[int, int, int]:
        total = self.linked + self.open + self.rejected
        if not total:
            return (0, 0, 0)
        linked, rejected = 200 * self.linked // total, 200 * self.rejected // total
        return (linked, 200 - linked - rejected, rejected)


class Pages:
    """Renders pages; ``static`` chooses the site's relative ``.html`` links."""

    def __init__(
        self,
        base: str,
        *,
        static: bool,
        lang: str = "en",
        vocab_pages: frozenset[str] | None = None,
    ) -> None:
        """``vocab_pages``: the ESCO and ISCO-08 concepts that have a page here (``None``:
        every one, as the server shows them)."""
        from ..graph.namespaces import VOCABULARY_PREFIXES

        self.base, self.static, self.lang = base, static, lang
        self.vocab_pages = vocab_pages
        self.prefixes = sorted(VOCABULARY_PREFIXES.items(), key=lambda p: -len(p[1]))

    @cached_property
    def _env(self) -> Any:
        import jinja2

        loader = jinja2.PackageLoader("kcgraph.web", "templates")
        return jinja2.Environment(loader=loader, autoescape=True, keep_trailing_newline=True)

    def path(self, iri: str) -> str | None:
        """The page path of an IRI under the base (``okla/x``), or of an ESCO or ISCO-08
        concept the site shows (``esco/skill/…``), else ``None``."""
        if iri.startswith(self.base) and len(iri) > len(self.base):
            return iri[len(self.base) :]
        if iri.startswith(ESCO_DATA) and (self.vocab_pages is None or iri in self.vocab_pages):
            return ESCO_PATH + iri[len(ESCO_DATA) :]
        return None

    def iri(self, path: str) -> str:
        """The IRI of a page path (the inverse of :meth:`path`)."""
        if path.startswith(ESCO_PATH):
            return ESCO_DATA + path[len(ESCO_PATH) :]
        return self.base + path

    def href(self, iri: str, here: str = "") -> str:
        """Where a link to ``iri`` points from the page at ``here`` (a page path); ``""``
        (no link: the templates show the text alone) for anything but a page of the site or
        an http(s) IRI, so a value such as ``javascript:…`` from a source never becomes a
        link."""
        path = self.path(iri)
        if path is None:
            return iri if is_http_iri(iri) else ""
        if not self.static:
            return f"/id/{path}"
        return posixpath.relpath(f"{path}.html", posixpath.dirname(here) or ".")

    def _site(self, target: str, here: str) -> str:
        """A page of the site itself (``index``, ``search``, ``query``) from ``here``."""
        if not self.static:
            return {"index": "/", "search": "/search", "query": "/query", "ontology": "/ontology"}[
                target
            ]
        return posixpath.relpath(f"{target}.html", posixpath.dirname(here) or ".")

    def short(self, iri: str) -> str:
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def _render(self, template: str, here: str, **context: Any) -> str:
        from .messages import INTERFACE_LANGUAGES, translator

        nav = {
            "home": self._site("index", here),
            "search": self._site("search", here),
            "query": None if self.static else self._site("query", here),
            "ontology": self._site("ontology", here),
        }
        context.setdefault("alternates", [])
        context.setdefault("query_text", "")
        page = self._env.get_template(template)
        switch = () if self.static else INTERFACE_LANGUAGES
        t = translator(self.lang)
        return str(
            page.render(lang=self.lang, nav=nav, short=self.short, t=t, switch=switch, **context)
        )

    def alternates(self, iri: str, here: str) -> list[Alternate]:
        path = self.path(iri) or ""
        if self.static:
            name = posixpath.basename(path)
            return [Alternate(n, media, f"{name}{suffix}") for n, media, suffix in FORMATS]
        return [Alternate(n, media, f"/id/{path}{suffix}") for n, media, suffix in FORMATS]

    def resource(self, description: Description, here: str = "") -> str:
        hidden = _HIDDEN | ({f"{SKOS}hasTopConcept"} if description.tree else set())
        rows = [
            (self.short(p), values)
            for p, values in sorted(description.properties.items())
            if p not in hidden
        ]
        schemes = description.values(f"{SKOS}inScheme")
        history = {
            "replaces": [v.text for v in description.values(f"{DCTERMS}replaces")],
            "replaced_by": [v.text for v in description.values(f"{DCTERMS}isReplacedBy")],
            "deprecated": any(v.text == "true" for v in description.values(f"{OWL}deprecated")),
        }
        return self._render(
            "resource.html",
            here,
            history=history,
            title=description.title,
            d=description,
            kinds=[self.short(v.text) for v in description.values(RDF_TYPE)],
            profile=schemes[0].text if schemes else None,
            rows=rows,
            href=lambda iri: self.href(iri, here),
            alternates=self.alternates(description.iri, here),
        )

    def index(
        self,
        profiles: Sequence[ProfileEntry],
        downloads: Iterable[tuple[str, str]] = (),
        pairs: Sequence[PairEntry] = (),
    ) -> str:
        return self._render(
            "index.html",
            "index",
            title="Competency profiles",
            profiles=profiles,
            downloads=list(downloads),
            pairs=pairs,
            href=lambda iri: self.href(iri, "index"),
        )

    def ontology(self) -> str:
        """The ontology's classes and properties and the shapes that apply to them."""
        from .ontology import ontology_terms

        return self._render("ontology.html", "ontology", title="Ontology", terms=ontology_terms())

    def search(self, query: str = "", hits: Sequence[Hit] = (), *, truncated: bool = False) -> str:
        script = _script("search.js") if self.static else ""
        return self._render(
            "search.html",
            "search",
            title="Search",
            query_text=query,
            hits=hits,
            truncated=truncated,
            static=self.static,
            script=script,
            href=lambda iri: self.href(iri, "search"),
        )

    def query(self, examples: Sequence[dict[str, str]], *, limit: int, timeout: float) -> str:
        from .formats import GRAPH_TYPES, RESULT_TYPES

        script = _script("query.js")
        examples_json = json.dumps(list(examples), ensure_ascii=False).replace("</", "<\\/")
        return self._render(
            "query.html",
            "query",
            title="SPARQL query",
            endpoint="/sparql",
            examples=examples,
            examples_json=examples_json,
            formats=[*RESULT_TYPES, *GRAPH_TYPES],
            initial=examples[0]["text"] if examples else "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
            limit=limit,
            timeout=f"{timeout:g}",
            script=script,
            base=self.base,
        )


def _script(name: str) -> str:
    text = resources.files("kcgraph.web").joinpath("templates", name).read_text(encoding="utf-8")
    return text.replace("</", "<\\/")
