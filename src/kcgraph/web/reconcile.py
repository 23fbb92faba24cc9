"""The W3C Reconciliation Service API (0.2, answering 0.1 clients too) over a served build:
what OpenRefine and other spreadsheet tools use to match a column against a vocabulary.

- ``/reconcile``: the manifest (no parameters); a batch of queries (``queries``, GET or POST
  form); data extension (``extend``). A ``callback`` parameter wraps the answer as JSONP for
  0.1 clients.
- ``/reconcile/suggest/entity|type|property``: suggestions by prefix;
  ``/reconcile/properties``: the properties an extension may ask for;
  ``/reconcile/preview``: a small HTML card of one entity; ``/reconcile/view``: its page.

Entities are named by their CURIEs (``okla:…``, ``escoskill:…``, ``isco:C4222``). Queries
are ranked by :class:`~kcgraph.match.reconcile.Reconciler` (the ranking of ``kcgraph link``;
its module states when a candidate is a certain match); a property constraint of a query
moves the candidates that hold it first and is shown as a feature. Values come from the
build's store.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..graph.namespaces import ESCO_OCCUPATION_PREFIX, ESCO_SKILL_PREFIX, ISCO_PREFIX
from ..match.reconcile import DEFAULT_LIMIT, MAX_LIMIT, EntityType, Found, Query
from ..terms import MAPPING_PREDICATES

if TYPE_CHECKING:
    import curies

    from ..match.reconcile import Reconciler
    from .search import LabelIndex
    from .service import Service

__all__ = [
    "MAX_QUERIES",
    "PROPERTIES",
    "Property",
    "ReconcileError",
    "Reconciliation",
    "jsonp",
    "propose_properties",
    "reconcile_routes",
    "suggest_properties",
    "suggest_types",
]

_SKOS = "http://www.w3.org/2004/02/skos/core#"
#: The SKOS mapping predicates by their local names.
_MATCHES = tuple(p.split(":", 1)[1] for p in MAPPING_PREDICATES)
_LINKS = "|".join(f"<{_SKOS}{m}>" for m in _MATCHES)


@dataclass(frozen=True)
class Property:
    """A property a query may constrain and an extension may ask for: its name, the
    predicates it follows from the entity (a SPARQL alternative path) and, for links, the
    other way too, and the CURIE prefix its values must have (None: any, literals too)."""

    name: str
    forward: str
    backward: str | None = None
    prefix: str | None = None


#: The properties, by id.
PROPERTIES: dict[str, Property] = {
    "prefLabel": Property("preferred label", f"<{_SKOS}prefLabel>"),
    "altLabel": Property("alternative label", f"<{_SKOS}altLabel>"),
    "notation": Property("notation", f"<{_SKOS}notation>"),
    "broader": Property("broader concept", f"<{_SKOS}broader>"),
    "inScheme": Property("scheme", f"<{_SKOS}inScheme>"),
    "esco-skill": Property("ESCO skill linked", _LINKS, _LINKS, ESCO_SKILL_PREFIX),
    "esco-occupation": Property("ESCO occupation linked", _LINKS, _LINKS, ESCO_OCCUPATION_PREFIX),
    "isco": Property("ISCO-08 group", f"{_LINKS}|<{_SKOS}broader>", _LINKS, ISCO_PREFIX),
}
#: The most queries one batch may hold, and the most bytes a POSTed request may have.
MAX_QUERIES = 100
MAX_BODY = 1_000_000
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


class ReconcileError(ValueError):
    """A request the API cannot answer: its message says what was wrong (a 400)."""


@dataclass
class Reconciliation:
    """The API's answers over a served build (the HTTP layer is :mod:`kcgraph.web.app`)."""

    service: Service
    reconciler: Reconciler
    index: LabelIndex
    converter: curies.Converter

    # --- the manifest and the types -------------------------------------------------------

    def manifest(self, root: str) -> dict[str, Any]:
        """The service manifest; ``root`` is the server's URL as the client reached it."""
        service = {"service_url": root}
        return {
            "versions": ["0.1", "0.2"],
            "name": "kcgraph: competency profiles, ESCO and ISCO-08",
            "identifierSpace": self.service.base,
            "schemaSpace": _SKOS,
            "defaultTypes": [_type(self.reconciler.default_type)],
            "view": {"url": f"{root}/reconcile/view?id={{{{id}}}}"},
            "preview": {
                "url": f"{root}/reconcile/preview?id={{{{id}}}}",
                "width": 420,
                "height": 180,
            },
            "suggest": {
                "entity": {**service, "service_path": "/reconcile/suggest/entity"},
                "type": {**service, "service_path": "/reconcile/suggest/type"},
                "property": {**service, "service_path": "/reconcile/suggest/property"},
            },
            "extend": {
                "propose_properties": {**service, "service_path": "/reconcile/properties"},
                "property_settings": [],
            },
        }

    def _type_of(self, curie: str) -> EntityType | None:
        prefix = curie.split(":", 1)[0]
        return next((t for t in self.reconciler.types.values() if t.prefix == prefix), None)

    # --- queries ----------------------------------------------------------------------------

    def reconcile(self, text: str) -> dict[str, Any]:
        """Answer a batch (the ``queries`` parameter's JSON)."""
        batch = _json_object(text, "queries")
        if len(batch) > MAX_QUERIES:
            raise ReconcileError(f"queries: {len(batch)} queries; at most {MAX_QUERIES} a batch")
        queries = [self._query(key, value) for key, value in batch.items()]
        asked = [q for q, _ in queries if q.text.strip()]
        found = self.reconciler.reconcile(asked) if asked else {}
        return {
            q.key: {"result": self._results(found.get(q.key, []), constraints)}
            for q, constraints in queries
        }

    def _query(self, key: str, value: Any) -> tuple[Query, list[tuple[str, list[str]]]]:
        if not isinstance(value, Mapping) or not isinstance(value.get("query", ""), str):
            raise ReconcileError(f"queries: {key}: an object with a 'query' string")
        kind = value.get("type")
        if isinstance(kind, list):
            kind = kind[0] if kind else None
        if kind is not None and kind not in self.reconciler.types:
            known = ", ".join(self.reconciler.types)
            raise ReconcileError(f"queries: {key}: unknown type {kind!r} (types: {known})")
        limit = value.get("limit", DEFAULT_LIMIT)
        if not isinstance(limit, int | float) or not 1 <= int(limit) <= MAX_LIMIT:
            raise ReconcileError(f"queries: {key}: limit must be 1-{MAX_LIMIT}")
        constraints = [_constraint(key, c) for c in value.get("properties") or []]
        return Query(key, value.get("query", ""), kind, int(limit)), constraints

    def _results(
        self, found: list[Found], constraints: list[tuple[str, list[str]]]
    ) -> list[dict[str, Any]]:
        rows = []
        iris = [f.iri for f in found]
        given = {pid: self._values(iris, pid) for pid, _ in constraints}  # one read a property
        for f in found:
            curie = self.converter.compress(f.iri) or f.iri
            features = [{"id": k, "value": round(v, 4)} for k, v in sorted(f.features.items())]
            held = True
            for pid, wanted in constraints:
                values = {_norm(v) for v in given[pid].get(f.iri, [])}
                holds = any(_norm(w) in values for w in wanted)
                held &= holds
                features.append({"id": f"property:{pid}", "value": holds})
            row = {"id": curie, "name": f.name, "score": f.score, "match": f.match}
            row |= {"type": [_type(f.type)], "features": features}
            rows.append((not held, row))
        return [row for _, row in sorted(rows, key=lambda r: r[0])]  # stable: by score

    # --- data extension ---------------------------------------------------------------------

    def extend(self, text: str) -> dict[str, Any]:
        """Answer a data extension query (the ``extend`` parameter's JSON)."""
        query = _json_object(text, "extend")
        ids, asked = query.get("ids"), query.get("properties")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ReconcileError("extend: 'ids' must be a list of entity ids")
        if not isinstance(asked, list) or not all(isinstance(p, Mapping) for p in asked):
            raise ReconcileError("extend: 'properties' must be a list of {\"id\": …}")
        pids = [str(p.get("id")) for p in asked]
        unknown = [p for p in pids if p not in PROPERTIES]
        if unknown:
            raise ReconcileError(
                f"extend: unknown properties {unknown} (known: {list(PROPERTIES)})"
            )
        iris = {i: self.converter.expand(i) or i for i in ids[: MAX_QUERIES * 10]}
        per = {pid: self._values(list(iris.values()), pid) for pid in pids}
        linked = [v for found in per.values() for vs in found.values() for v in vs]
        labels = self._labels(linked)  # every linked entity's label, in one read
        rows = {
            i: {pid: [self._cell(v, labels) for v in per[pid].get(iri, [])] for pid in pids}
            for i, iri in iris.items()
        }
        return {"meta": [{"id": p, "name": PROPERTIES[p].name} for p in pids], "rows": rows}

    def _labels(self, values: Sequence[str]) -> dict[str, str]:
        """The first label of each IRI among ``values`` (literals are skipped)."""
        iris = [v for v in dict.fromkeys(values) if v.startswith(("http://", "https://"))]
        return {iri: found[0] for iri, found in self._values(iris, "prefLabel").items()}

    def _cell(self, value: str, labels: Mapping[str, str]) -> dict[str, str]:
        if value.startswith(("http://", "https://")):
            curie = self.converter.compress(value) or value
            return {"id": curie, "name": labels.get(value) or curie}
        return {"str": value}

    def _values(self, iris: Sequence[str], pid: str) -> dict[str, list[str]]:
        """The values of property ``pid`` of each of ``iris`` (labels in the reader's
        language first), from the build's store."""
        prop = PROPERTIES[pid]
        values = " ".join(f"<{i}>" for i in iris if _CLEAN_IRI.match(i))
        if not values:
            return {}
        where = f"{{ ?s {prop.forward} ?o }}"
        if prop.backward:
            where += f" UNION {{ ?o {prop.backward} ?s . FILTER(isIRI(?o)) }}"
        if prop.prefix is not None:
            namespace = self.converter.prefix_map[prop.prefix]
            where += f' FILTER(STRSTARTS(STR(?o), "{namespace}"))'
        text = f"SELECT DISTINCT ?s ?o WHERE {{ VALUES ?s {{ {values} }} {where} }}"
        out: dict[str, list[tuple[int, str]]] = {}
        order = {lang: n for n, lang in enumerate(self.service.languages)}
        for row in self.service.store.query(text, use_default_graph_as_union=True):
            o = row["o"]
            rank = order.get(getattr(o, "language", None) or "", len(order))
            out.setdefault(row["s"].value, []).append((rank, o.value))
        return {s: [v for _, v in sorted(found)] for s, found in out.items()}

    def label(self, iri: str) -> str | None:
        labels = self._values([iri], "prefLabel").get(iri)
        return labels[0] if labels else None

    # --- suggest, preview, view -------------------------------------------------------------

    def suggest_entities(self, prefix: str, kind: str | None) -> dict[str, Any]:
        hits, _ = self.index.search(prefix, limit=50)
        out: dict[str, dict[str, str]] = {}
        for hit in hits:
            curie = self.converter.compress(hit.iri) or ""
            found = self._type_of(curie)
            if found is None or (kind and found.id != kind) or curie in out:
                continue
            out[curie] = {"id": curie, "name": hit.label, "description": found.name}
        return {"result": list(out.values())[: DEFAULT_LIMIT * 2]}

    def page_of(self, curie: str) -> str | None:
        """Where an entity is shown: its page on this server, or its own IRI elsewhere."""
        iri = self.converter.expand(curie)
        if iri is None:
            return None
        if iri.startswith(self.service.base):
            return "/id/" + iri.removeprefix(self.service.base)
        return iri

    def preview(self, curie: str) -> str | None:
        """A small HTML card of an entity (its label, type, notation and broader concepts)."""
        iri = self.converter.expand(curie)
        kind = self._type_of(curie)
        label = self.label(iri) if iri else None
        if iri is None or kind is None or label is None:
            return None
        parents = self._values([iri], "broader").get(iri, [])
        labels = self._labels(parents)
        broader = [self._cell(b, labels).get("name", "") for b in parents]
        notation = self._values([iri], "notation").get(iri, [])
        rows = [
            ("type", kind.name),
            ("notation", ", ".join(notation)),
            ("broader", "; ".join(broader)),
        ]
        cells = "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows if v
        )
        return (
            '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>'
            f'{html.escape(label)}</title></head><body style="font-family:sans-serif">'
            f'<h1 style="font-size:1.1em">{html.escape(label)}</h1><table>{cells}</table>'
            f"<p><code>{html.escape(curie)}</code></p></body></html>"
        )


_CLEAN_IRI = re.compile(r"^https?://[^\s<>\"{}|^`\\]+$")


def suggest_types(types: Sequence[EntityType], prefix: str) -> dict[str, Any]:
    words = prefix.casefold()
    return {"result": [_type(t) for t in types if words in t.name.casefold() or words in t.id]}


def suggest_properties(prefix: str) -> dict[str, Any]:
    words = prefix.casefold()
    found = [
        {"id": k, "name": v.name}
        for k, v in PROPERTIES.items()
        if words in k.casefold() or words in v.name
    ]
    return {"result": found}


def propose_properties(kind: str) -> dict[str, Any]:
    """The properties an extension may ask for (the same for every type)."""
    return {"type": kind, "properties": [{"id": k, "name": v.name} for k, v in PROPERTIES.items()]}


def _type(t: EntityType) -> dict[str, str]:
    return {"id": t.id, "name": t.name}


def _norm(value: str) -> str:
    return " ".join(value.casefold().split())


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReconcileError(f"{what}: not JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(value, dict):
        raise ReconcileError(f"{what}: a JSON object is needed")
    return value


def _constraint(key: str, c: Any) -> tuple[str, list[str]]:
    if not isinstance(c, Mapping) or c.get("pid") not in PROPERTIES:
        raise ReconcileError(
            f"queries: {key}: a property constraint needs a 'pid' of {list(PROPERTIES)}"
        )
    wanted = c.get("v")
    values = wanted if isinstance(wanted, list) else [wanted]
    text = [v.get("id", "") if isinstance(v, Mapping) else str(v) for v in values]
    return str(c["pid"]), text


def jsonp(body: dict[str, Any], callback: str | None) -> tuple[str, str]:
    """The answer as JSON, or as JSONP for a 0.1 client's ``callback``: (text, media)."""
    text = json.dumps(body, ensure_ascii=False)
    if not callback:
        return text, "application/json"
    if not _CALLBACK.match(callback):
        raise ReconcileError("callback: letters, digits, _ $ and . only")
    return f"{callback}({text});", "application/javascript"


def reconcile_routes(reconciliation: Reconciliation | None) -> list[Any]:
    """The API's routes (starlette), each answer built off the event loop; without a
    reconciler (a build served with no workspace) every route says so (503)."""
    from starlette.routing import Route

    both = ["GET", "POST"]
    types = list(reconciliation.reconciler.types.values()) if reconciliation else []
    default = reconciliation.reconciler.default_type.id if reconciliation else ""
    calls: dict[str, Any] = {
        "": _root,
        "/suggest/entity": lambda r, g, _: r.suggest_entities(g.get("prefix", ""), g.get("type")),
        "/suggest/type": lambda r, g, _: suggest_types(types, g.get("prefix", "")),
        "/suggest/property": lambda r, g, _: suggest_properties(g.get("prefix", "")),
        "/properties": lambda r, g, _: propose_properties(g.get("type") or default),
        "/preview": _preview,
        "/view": _view,
    }
    return [
        Route(f"/reconcile{path}", _answer(reconciliation, call), methods=both)
        for path, call in calls.items()
    ]


async def _params(request: Any) -> dict[str, str]:
    """The query string's parameters and a POSTed form's (URL-encoded, as clients send)."""
    from urllib.parse import parse_qsl

    found = dict(request.query_params)
    if request.method == "POST":
        body = await request.body()
        if len(body) > MAX_BODY:
            raise ReconcileError(f"the request is larger than {MAX_BODY} bytes")
        found |= dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return found


def _answer(reconciliation: Reconciliation | None, call: Any) -> Any:
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import PlainTextResponse, Response

    async def handle(request: Any) -> Response:
        if reconciliation is None:
            return PlainTextResponse("reconciliation is not available here", status_code=503)
        try:
            given = await _params(request)
            body = await run_in_threadpool(call, reconciliation, given, request)
            if isinstance(body, Response):
                return body
            text, media = jsonp(body, given.get("callback"))
        except ReconcileError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        return Response(text, media_type=media, headers={"Access-Control-Allow-Origin": "*"})

    return handle


def _root(r: Reconciliation, given: dict[str, str], request: Any) -> Any:
    if "queries" in given:
        return r.reconcile(given["queries"])
    if "extend" in given:
        return r.extend(given["extend"])
    return r.manifest(str(request.base_url).rstrip("/"))


def _preview(r: Reconciliation, given: dict[str, str], _request: Any) -> Any:
    from starlette.responses import HTMLResponse, PlainTextResponse

    card = r.preview(given.get("id", ""))
    if card is None:
        return PlainTextResponse(f"{given.get('id', '')}: no such entity", status_code=404)
    return HTMLResponse(card)


def _view(r: Reconciliation, given: dict[str, str], _request: Any) -> Any:
    from starlette.responses import PlainTextResponse, RedirectResponse

    page = r.page_of(given.get("id", ""))
    if page is None:
        return PlainTextResponse(f"{given.get('id', '')}: not an entity id", status_code=404)
    return RedirectResponse(page, status_code=303)
