"""A subset of Skosmos's REST API (``/rest/v1/…``, read-only JSON-LD) over a served build:
what Skosmos clients (skosmos-client, cocoda-sdk, BARTOC's and AGROVOC's tools) read.

Global: ``vocabularies``, ``search``, ``data``, ``label``. Per vocabulary (``/rest/v1/ID/…``):
the vocabulary itself (``/``), ``search``, ``lookup``, ``data``, ``topConcepts``,
``children``, ``broader``, ``narrower``, ``broaderTransitive``, ``hierarchy``,
``mappings``, ``label``. The answers have the keys and ``@context`` of Skosmos's own
(its ``RestController``); a ``callback`` parameter gives JSONP, as Skosmos does.

The vocabularies are the profiles (id: the profile's id), ESCO's skills and occupations
(``esco-skills``, ``esco-occupations``) and ISCO-08 (``isco``), where the build holds them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..graph.namespaces import ESCO_OCCUPATION_PREFIX, ESCO_SKILL_PREFIX, ISCO_PREFIX
from ..terms import MAPPING_PREDICATES
from ..vocab.model import ESCO_SCHEMES

if TYPE_CHECKING:
    import curies

    from .search import LabelIndex
    from .service import Service

__all__ = [
    "DATA_FORMATS",
    "MAX_HITS",
    "Concepts",
    "SkosmosApi",
    "SkosmosError",
    "Vocabulary",
    "skosmos_routes",
]

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_ONKI = "http://schema.onki.fi/onki#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"


def _s(name: str) -> str:
    """A SKOS term as Skosmos's answers spell it (``skos:prefLabel``)."""
    return f"skos:{name}"


#: The base context of Skosmos's answers.
_CONTEXT = {"skos": _SKOS, "uri": "@id", "type": "@type"}
#: The SKOS mapping predicates by their local names.
_MATCHES = tuple(p.split(":", 1)[1] for p in MAPPING_PREDICATES)
#: How Skosmos names each mapping type to a reader.
_MATCH_LABELS = {
    "exactMatch": "Exactly matching concepts",
    "closeMatch": "Closely matching concepts",
    "broadMatch": "Broader matching concepts",
    "narrowMatch": "Narrower matching concepts",
    "relatedMatch": "Related matching concepts",
}
#: The most search hits one request may ask for.
MAX_HITS = 1000
_CLEAN_IRI = re.compile(r"^https?://[^\s<>\"{}|^`\\]+$")
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


class SkosmosError(ValueError):
    """A request the API cannot answer: ``status`` and a message that says what was wrong."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Vocabulary:
    """A vocabulary: its id, title, concept scheme, the namespace its concepts live in,
    and the language its labels are in."""

    id: str
    title: str
    scheme: str
    namespace: str
    language: str


class Concepts:
    """What the answers read of the build's store: labels in a language, related concepts,
    notations, which concepts have children."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def ask(self, text: str) -> bool:
        return bool(self.service.store.query(text, use_default_graph_as_union=True))

    def rows(self, text: str) -> list[Any]:
        return list(self.service.store.query(text, use_default_graph_as_union=True))

    def labels(self, iris: Sequence[str], lang: str, prop: str = "prefLabel") -> dict[str, str]:
        """One label of each IRI: in ``lang`` where it has one, else in the reader's
        languages, else any."""
        values = " ".join(f"<{i}>" for i in dict.fromkeys(iris) if _CLEAN_IRI.match(i))
        if not values:
            return {}
        text = f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{_SKOS}{prop}> ?l }}"
        order = [lang, *self.service.languages]
        best: dict[str, tuple[int, str]] = {}
        for row in self.rows(text):
            tag = (row["l"].language or "").split("-")[0]
            rank = order.index(tag) if tag in order else len(order)
            s = row["s"].value
            if s not in best or (rank, row["l"].value) < best[s]:
                best[s] = (rank, row["l"].value)
        return {s: text for s, (_, text) in best.items()}

    def objects(self, iri: str, path: str) -> list[str]:
        text = f"SELECT DISTINCT ?o WHERE {{ <{iri}> {path} ?o . FILTER(isIRI(?o)) }} ORDER BY ?o"
        return [row["o"].value for row in self.rows(text)]

    def notations(self, iris: Sequence[str]) -> dict[str, str]:
        return self.labels(iris, "", "notation")

    def with_children(self, iris: Sequence[str]) -> set[str]:
        values = " ".join(f"<{i}>" for i in iris)
        text = f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} ?c <{_SKOS}broader> ?s }}"
        return {row["s"].value for row in self.rows(text)} if values else set()

    def literals(self, uri: str, prop: str, lang: str) -> list[str]:
        rows = self.rows(f"SELECT ?l WHERE {{ <{uri}> <{_SKOS}{prop}> ?l }} ORDER BY ?l")
        return [r["l"].value for r in rows if not lang or (r["l"].language or "").startswith(lang)]

    def entries(self, iris: list[str], lang: str, key: str) -> list[dict[str, Any]]:
        labels, notations, parents = (
            self.labels(iris, lang),
            self.notations(iris),
            self.with_children(iris),
        )
        rows = []
        for i in iris:
            row: dict[str, Any] = {"uri": i, key: labels.get(i, i), "hasChildren": i in parents}
            if i in notations:
                row["notation"] = notations[i]
            rows.append(row)
        return sorted(rows, key=lambda r: (r.get("notation", ""), r[key], r["uri"]))

    def ancestors(self, uri: str) -> list[str]:
        chain, seen = [uri], {uri}
        while True:
            parents = [p for p in self.objects(chain[-1], f"<{_SKOS}broader>") if p not in seen]
            if not parents:
                return chain
            chain.append(parents[0])
            seen.add(parents[0])


class SkosmosApi:
    """The answers over a served build (routes: :func:`skosmos_routes`)."""

    def __init__(self, service: Service, index: LabelIndex, converter: curies.Converter) -> None:
        self.service, self.index, self.converter = service, index, converter
        self.concepts = Concepts(service)
        self.tree = Tree(self)
        self.vocabularies = {v.id: v for v in self._vocabularies()}

    def _vocabularies(self) -> list[Vocabulary]:
        found = [
            Vocabulary(p.iri.removeprefix(self.service.base), p.title, p.iri, p.iri + "/", "nl")
            for p in self.service.profiles
        ]
        esco = {
            "esco-skills": ("ESCO skills", ESCO_SCHEMES["skill"], ESCO_SKILL_PREFIX),
            "esco-occupations": (
                "ESCO occupations",
                ESCO_SCHEMES["occupation"],
                ESCO_OCCUPATION_PREFIX,
            ),
            "isco": ("ISCO-08", ESCO_SCHEMES["isco"], ISCO_PREFIX),
        }
        for vid, (title, scheme, prefix) in esco.items():
            if self.concepts.ask(f"ASK {{ ?c <{_SKOS}inScheme> <{scheme}> }}"):
                found.append(
                    Vocabulary(vid, title, str(scheme), self.converter.prefix_map[prefix], "en")
                )
        return sorted(found, key=lambda v: v.id)

    def concept(self, vocab: Vocabulary, uri: str | None) -> str:
        """The ``uri`` parameter, checked: an IRI of a concept of the vocabulary."""
        if not uri:
            raise SkosmosError(400, "uri parameter missing")
        if not _CLEAN_IRI.match(uri) or not self.concepts.ask(
            f"ASK {{ <{uri}> <{_SKOS}inScheme>|<{_SKOS}topConceptOf> <{vocab.scheme}> }}"
        ):
            raise SkosmosError(404, f"Could not find concept <{uri}>")
        return uri

    def vocab(self, vid: str) -> Vocabulary:
        if vid not in self.vocabularies:
            known = ", ".join(self.vocabularies)
            raise SkosmosError(404, f"Vocabulary id '{vid}' not found (vocabularies: {known})")
        return self.vocabularies[vid]

    def vocab_of(self, iri: str) -> Vocabulary | None:
        return next((v for v in self.vocabularies.values() if iri.startswith(v.namespace)), None)

    # --- global methods -------------------------------------------------------------------

    def list_vocabularies(self, lang: str | None, root: str) -> dict[str, Any]:
        if not lang:
            raise SkosmosError(400, "lang parameter missing")
        context = {
            "rdfs": _RDFS,
            "onki": _ONKI,
            "title": {"@id": "rdfs:label", "@language": lang},
            "vocabularies": "onki:hasVocabulary",
            "id": "onki:vocabularyIdentifier",
            "uri": "@id",
            "@base": f"{root}/rest/v1/vocabularies",
        }
        rows = [{"uri": v.id, "id": v.id, "title": v.title} for v in self.vocabularies.values()]
        return {"@context": context, "uri": "", "vocabularies": rows}

    def search(self, params: dict[str, str], vocabs: Sequence[Vocabulary]) -> dict[str, Any]:
        query = params.get("query", "").replace("*", " ").strip()
        if not query:
            raise SkosmosError(400, "query parameter missing")
        maxhits, offset = _count(params, "maxhits", 100), _count(params, "offset", 0, least=0)
        lang = params.get("lang") or params.get("labellang") or ""
        hits, _ = self.index.search(query, limit=min(MAX_HITS, offset + maxhits) * 3)
        results: dict[str, dict[str, Any]] = {}
        for hit in hits:
            vocab = self.vocab_of(hit.iri)
            if vocab is None or (vocabs and vocab not in vocabs) or hit.iri in results:
                continue
            results[hit.iri] = {
                "uri": hit.iri,
                "type": [_s("Concept")],
                "vocab": vocab.id,
                "lang": hit.language.split("-")[0],
                "matched": hit.label,
            }
        chosen = list(results.values())[offset : offset + maxhits]
        pref = self.concepts.labels([r["uri"] for r in chosen], lang)
        for r in chosen:
            r["prefLabel"] = pref.get(r["uri"], r["matched"])
            matched = r.pop("matched")
            if matched != r["prefLabel"]:
                r["altLabel"] = matched
        context = {
            **_CONTEXT,
            "isothes": "http://purl.org/iso25964/skos-thes#",
            "onki": _ONKI,
            "results": {"@id": "onki:results", "@container": "@list"},
            "prefLabel": _s("prefLabel"),
            "altLabel": _s("altLabel"),
            "hiddenLabel": _s("hiddenLabel"),
        }
        if lang:
            context["@language"] = lang
        return {"@context": context, "uri": "", "results": chosen}

    def lookup(self, vocab: Vocabulary, label: str | None, lang: str) -> dict[str, Any]:
        if not label:
            raise SkosmosError(400, "label parameter missing")
        found = self.search({"query": label, "lang": lang, "maxhits": "50"}, [vocab])["results"]
        wanted = label.casefold()
        hits = (
            [r for r in found if r["prefLabel"] == label]
            or [r for r in found if r["prefLabel"].casefold() == wanted]
            or [r for r in found if r.get("altLabel", "").casefold() == wanted]
        )
        if not hits:
            raise SkosmosError(404, f"Could not find label '{label}'")
        context = {
            **_CONTEXT,
            "onki": _ONKI,
            "results": {"@id": "onki:results"},
            "prefLabel": _s("prefLabel"),
            "altLabel": _s("altLabel"),
        }
        return {"@context": context | ({"@language": lang} if lang else {}), "result": hits}

    def label(self, uri: str | None, lang: str) -> dict[str, Any]:
        if not uri:
            raise SkosmosError(400, "uri parameter missing")
        pref = self.concepts.labels([uri], lang).get(uri)
        if pref is None:
            raise SkosmosError(404, f"Could not find concept <{uri}>")
        out: dict[str, Any] = {
            "@context": {
                **_CONTEXT,
                "prefLabel": _s("prefLabel"),
                "altLabel": _s("altLabel"),
                "hiddenLabel": _s("hiddenLabel"),
                "@language": lang,
            },
            "uri": uri,
            "prefLabel": pref,
        }
        alts = self.concepts.literals(uri, "altLabel", lang)
        if alts:
            out["altLabel"] = alts
        return out

    def data(self, uri: str | None, media: str) -> tuple[bytes, str]:
        if not uri:
            raise SkosmosError(400, "uri parameter missing")
        description = self.service.describe(uri) if _CLEAN_IRI.match(uri) else None
        if description is None or not description.triples:
            raise SkosmosError(404, "no concept found with given uri")
        return self.service.document(description, media), media

    # --- per vocabulary -------------------------------------------------------------------

    def vocabulary(self, vocab: Vocabulary, lang: str, root: str) -> dict[str, Any]:
        context = {
            "rdfs": _RDFS,
            "skos": _SKOS,
            "onki": _ONKI,
            "dct": "http://purl.org/dc/terms/",
            "uri": "@id",
            "type": "@type",
            "conceptschemes": "onki:hasConceptScheme",
            "id": "onki:vocabularyIdentifier",
            "defaultLanguage": "onki:defaultLanguage",
            "languages": "onki:language",
            "label": "rdfs:label",
            "prefLabel": _s("prefLabel"),
            "title": "dct:title",
            "@language": lang or vocab.language,
            "@base": f"{root}/rest/v1/{vocab.id}/",
        }
        scheme = {"uri": vocab.scheme, "type": _s("ConceptScheme"), "prefLabel": vocab.title}
        languages = sorted({vocab.language, "en", "nl"})
        return {
            "@context": context,
            "uri": "",
            "id": vocab.id,
            "title": vocab.title,
            "defaultLanguage": vocab.language,
            "languages": languages,
            "conceptschemes": [scheme],
        }


class Tree:
    """The answers about a vocabulary's hierarchy and a concept's place in it and links."""

    def __init__(self, api: SkosmosApi) -> None:
        self.api, self.concepts, self.service = api, api.concepts, api.service

    def vocab_of(self, iri: str) -> Vocabulary | None:
        return self.api.vocab_of(iri)

    def top_concepts(self, vocab: Vocabulary, lang: str) -> dict[str, Any]:
        tops = self.concepts.objects(vocab.scheme, f"<{_SKOS}hasTopConcept>") or [
            row["c"].value
            for row in self.concepts.rows(
                f"SELECT ?c WHERE {{ ?c <{_SKOS}topConceptOf> <{vocab.scheme}> }}"
            )
        ]
        labels, notations, parents = (
            self.concepts.labels(tops, lang),
            self.concepts.notations(tops),
            self.concepts.with_children(tops),
        )
        rows = []
        for uri in tops:
            row: dict[str, Any] = {
                "uri": uri,
                "topConceptOf": vocab.scheme,
                "label": labels.get(uri, uri),
                "hasChildren": uri in parents,
            }
            if uri in notations:
                row["notation"] = notations[uri]
            rows.append(row)
        rows.sort(key=lambda r: (r.get("notation", ""), r["label"], r["uri"]))
        context = {
            **_CONTEXT,
            "onki": _ONKI,
            "topconcepts": _s("hasTopConcept"),
            "notation": _s("notation"),
            "label": _s("prefLabel"),
            "@language": lang,
        }
        return {"@context": context, "uri": vocab.scheme, "topconcepts": rows}

    def children(self, uri: str, lang: str) -> dict[str, Any]:
        kids = [
            row["c"].value
            for row in self.concepts.rows(
                f"SELECT ?c WHERE {{ ?c <{_SKOS}broader> <{uri}> }} ORDER BY ?c"
            )
        ]
        context = {
            **_CONTEXT,
            "prefLabel": _s("prefLabel"),
            "narrower": _s("narrower"),
            "notation": _s("notation"),
            "hasChildren": "onki:hasChildren",
            "@language": lang,
        }
        return {
            "@context": context,
            "uri": uri,
            "narrower": self.concepts.entries(kids, lang, "prefLabel"),
        }

    def related_by(self, uri: str, lang: str, name: str) -> dict[str, Any]:
        """``broader`` or ``narrower``: the concepts and their labels."""
        path = f"<{_SKOS}broader>" if name == "broader" else f"^<{_SKOS}broader>"
        found = self.concepts.objects(uri, path)
        labels = self.concepts.labels(found, lang)
        context = {
            **_CONTEXT,
            "prefLabel": _s("prefLabel"),
            name: f"skos:{name}",
            "@language": lang,
        }
        rows = [{"uri": o, "prefLabel": labels.get(o, o)} for o in found]
        return {"@context": context, "uri": uri, name: rows}

    def broader_transitive(self, uri: str, lang: str) -> dict[str, Any]:
        chain = self.concepts.ancestors(uri)
        labels = self.concepts.labels(chain, lang)
        found: dict[str, dict[str, Any]] = {}
        for n, c in enumerate(chain):
            found[c] = {"uri": c, "prefLabel": labels.get(c, c)}
            if n + 1 < len(chain):
                found[c]["broader"] = [chain[n + 1]]
        context = {
            **_CONTEXT,
            "prefLabel": _s("prefLabel"),
            "broader": {"@id": _s("broader"), "@type": "@id"},
            "broaderTransitive": {"@id": _s("broaderTransitive"), "@container": "@index"},
            "@language": lang,
        }
        return {"@context": context, "uri": uri, "broaderTransitive": found}

    def hierarchy(self, vocab: Vocabulary, uri: str, lang: str) -> dict[str, Any]:
        answer = self.broader_transitive(uri, lang)
        for c, entry in answer["broaderTransitive"].items():
            kids = [
                row["c"].value
                for row in self.concepts.rows(f"SELECT ?c WHERE {{ ?c <{_SKOS}broader> <{c}> }}")
            ]
            entry["narrower"] = [
                {"uri": k["uri"], "label": k["prefLabel"], "hasChildren": k["hasChildren"]}
                | ({"notation": k["notation"]} if "notation" in k else {})
                for k in self.concepts.entries(kids, lang, "prefLabel")
            ]
            entry["hasChildren"] = bool(kids)
            if "broader" not in entry:
                entry["top"], entry["tops"] = vocab.scheme, [vocab.scheme]
        answer["@context"] |= {
            "onki": _ONKI,
            "notation": _s("notation"),
            "narrower": {"@id": _s("narrower"), "@type": "@id"},
            "top": {"@id": _s("topConceptOf"), "@type": "@id"},
            "tops": {"@id": _s("topConceptOf"), "@type": "@id"},
            "hasChildren": "onki:hasChildren",
        }
        return answer

    def mappings(self, uri: str, lang: str, root: str) -> dict[str, Any]:
        """The concept's mappings as JSKOS, the shape Skosmos gives them (``uri`` is the
        concept's own, ``to`` the other side with its label and notation), and its data."""
        out = []
        source = self.vocab_of(uri)
        for match in _MATCHES:
            targets = self.concepts.objects(uri, f"<{_SKOS}{match}>|^<{_SKOS}{match}>")
            labels, notations = (
                self.concepts.labels(targets, lang),
                self.concepts.notations(targets),
            )
            for t in targets:
                other, label = self.vocab_of(t), labels.get(t)
                to: dict[str, Any] = {"uri": t}
                if label is not None:
                    to["prefLabel"] = {lang: label}
                if t in notations:
                    to["notation"] = notations[t]
                row: dict[str, Any] = {
                    "uri": uri,
                    "notation": notations.get(t),
                    "type": [_s(match)],
                    "prefLabel": label or t,
                    "from": {"memberSet": [{"uri": uri}]},
                    "to": {"memberSet": [to]},
                    "hrefLink": _href(t, self.service.base, root),
                    "lang": lang,
                    "vocabName": other.title if other else (urlsplit(t).hostname or ""),
                    "typeLabel": _MATCH_LABELS[match],
                }
                if source is not None:
                    row["fromScheme"] = {"uri": source.scheme}
                if other is not None:
                    row["toScheme"] = {"uri": other.scheme}
                out.append(row)
        description = self.service.describe(uri)
        document = (
            self.service.document(description, "application/ld+json") if description else b"{}"
        )
        return {"mappings": out, "graph": json.loads(document)}


def _href(iri: str, base: str, root: str) -> str:
    return f"{root}/id/{iri.removeprefix(base)}" if iri.startswith(base) else iri


def _count(params: dict[str, str], name: str, default: int, least: int = 1) -> int:
    given = params.get(name)
    if given is None or given == "":
        return default
    if not given.isdigit() or int(given) < least:
        raise SkosmosError(400, f"{name} parameter is invalid")
    return min(int(given), MAX_HITS)


#: The RDF formats ``data`` answers (a ``format`` parameter, or ``Accept``), first the default.
DATA_FORMATS = (
    "application/rdf+xml",
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
)


def _data_format(params: dict[str, str], accept: str) -> str:
    from .formats import NotAcceptable, negotiate

    wanted = params.get("format") or ""
    if wanted == "application/json":
        wanted = "application/ld+json"
    if wanted:
        if wanted not in DATA_FORMATS:
            raise SkosmosError(
                406, f"Unsupported format. Supported MIME types are: {' '.join(DATA_FORMATS)}"
            )
        return wanted
    try:
        return negotiate(accept or None, DATA_FORMATS)
    except NotAcceptable:
        raise SkosmosError(
            406, f"Unsupported format. Supported MIME types are: {' '.join(DATA_FORMATS)}"
        ) from None


#: The methods about one concept (its ``uri``).
_CONCEPT_METHODS = frozenset(
    {"children", "broader", "narrower", "broaderTransitive", "hierarchy", "mappings", "label"}
)


def _answer(api: SkosmosApi, params: dict[str, str], path: str, request: Any) -> Any:
    """The answer to one request: a JSON body, or (bytes, media) for ``data``."""
    root = str(request.base_url).rstrip("/")
    lang = params.get("lang", "")
    uri = params.get("uri")
    parts = path.split("/", 1)
    if len(parts) == 1:  # a global method
        if path == "vocabularies":
            return api.list_vocabularies(params.get("lang"), root)
        if path == "search":
            vocabs = [api.vocab(v) for v in params.get("vocab", "").split()]
            return api.search(params, vocabs)
        if path == "data":
            return api.data(uri, _data_format(params, request.headers.get("accept", "")))
        if path == "label":
            return api.label(uri, lang)
        raise SkosmosError(404, f"/rest/v1/{path}: no such method")
    vocab, method = api.vocab(parts[0]), parts[1]
    lang = lang or vocab.language
    if method == "":
        return api.vocabulary(vocab, lang, root)
    if method == "search":
        return api.search(params, [vocab])
    if method == "lookup":
        return api.lookup(vocab, params.get("label"), params.get("lang", ""))
    if method == "topConcepts":
        return api.tree.top_concepts(vocab, lang)
    if method == "data":
        return api.data(uri, _data_format(params, request.headers.get("accept", "")))
    if method not in _CONCEPT_METHODS:
        raise SkosmosError(404, f"/rest/v1/{path}: no such method")
    concept = api.concept(vocab, uri)
    calls = {
        "children": lambda: api.tree.children(concept, lang),
        "broader": lambda: api.tree.related_by(concept, lang, "broader"),
        "narrower": lambda: api.tree.related_by(concept, lang, "narrower"),
        "broaderTransitive": lambda: api.tree.broader_transitive(concept, lang),
        "hierarchy": lambda: api.tree.hierarchy(vocab, concept, lang),
        "mappings": lambda: api.tree.mappings(concept, lang, root),
        "label": lambda: api.label(concept, lang),
    }
    return calls[method]()


def skosmos_routes(api: SkosmosApi | None) -> list[Any]:
    """The routes of ``/rest/v1/`` (starlette), answered off the event loop."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    async def handle(request: Any) -> Response:
        if api is None:
            return PlainTextResponse("the Skosmos API is not available here", status_code=503)
        params = dict(request.query_params)
        try:
            body = await run_in_threadpool(
                _answer, api, params, request.path_params["path"], request
            )
            if isinstance(body, tuple):
                return Response(body[0], media_type=body[1])
            callback = params.get("callback")
            text = json.dumps(body, ensure_ascii=False)
            if callback:
                if not _CALLBACK.match(callback):
                    raise SkosmosError(400, "callback: letters, digits, _ $ and . only")
                return Response(f"{callback}({text});", media_type="application/javascript")
        except SkosmosError as exc:
            return PlainTextResponse(str(exc), status_code=exc.status)
        return Response(text, media_type="application/json", headers={"Vary": "Accept"})

    return [Route("/rest/v1/{path:path}", handle)]
