"""One settings object declares a run: every default of kcgraph is written here, once.

The CLI, the workbench, the notebooks and the benchmarks build a :class:`Settings` once
(``Settings()`` reads ``KCGRAPH_*`` environment variables, e.g. ``KCGRAPH_BASE``,
``KCGRAPH_OUT_DIR``, ``KCGRAPH_MAPPINGS``, ``KCGRAPH_CACHE``, ``KCGRAPH_REVIEWER``) and
pass it down; options given on the command line replace single fields
(:meth:`Settings.with_options`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from .errors import KcgraphError
from .layout import Target, proposals_path
from .resources import checkout_root, default_manifest

__all__ = [
    "DEFAULT_BASE",
    "Settings",
    "is_http_iri",
]

#: Default base of the data IRIs (schemes, concepts); ``--base`` / ``KCGRAPH_BASE`` change it.
DEFAULT_BASE = "https://w3id.org/kcgraph/id/"


class _ProjectSource(PydanticBaseSettingsSource):
    """The settings of the project the command runs in (:mod:`kcgraph.project`), below the
    options and the environment."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        from .project import find_project, project_settings

        root = find_project()
        if root is None:
            return {}
        out = {}
        for key, value in project_settings(root).items():
            field = self.settings_cls.model_fields.get(key)
            alias = field.validation_alias if field is not None else None
            # a field read from the environment under an alias is given under it here too,
            # so that the environment's value wins instead of clashing with this one
            name = alias.choices[0] if isinstance(alias, AliasChoices) else alias
            out[name if isinstance(name, str) else key] = value
        return out


#: Characters an IRI may not hold (RFC 3987; SPARQL's IRIREF): controls, space, <>"{}|^`\.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def is_http_iri(value: str) -> bool:
    """Whether ``value`` is an http(s) IRI that can be written between ``<`` and ``>``.

    >>> is_http_iri("https://w3id.org/kcgraph/id/"), is_http_iri("http://a/x> } SERVICE <b")
    (True, False)
    """
    return value.startswith(("http://", "https://")) and not _NOT_IN_IRI.search(value)


def default_out_dir(here: Path | None = None) -> Path:
    """``out/`` of the checkout kcgraph runs from when ``here`` (the working folder) is inside
    it (relative at its root, as the commands print it), else ``out/`` of ``here``."""
    root = checkout_root()
    where = (here or Path.cwd()).resolve()
    if root is not None and root.resolve() in where.parents:
        return root / "out"
    return Path("out")


class Settings(BaseSettings):
    """Inputs, outputs and options of a kcgraph run."""

    model_config = SettingsConfigDict(
        env_prefix="KCGRAPH_", frozen=True, extra="forbid", populate_by_name=True
    )

    #: Base namespace of the minted IRIs.
    base: str = DEFAULT_BASE
    #: Source manifest (default: the bundled ``data/sources/manifest.toml``).
    manifest: Path | None = None
    #: Folder of the built graphs and the proposal queues (default: ``out/`` of the checkout
    #: when working anywhere inside it, as a notebook in ``notebooks/`` does; else ``./out``).
    out_dir: Path = Field(default_factory=lambda: default_out_dir())
    #: Folder of the review decisions (default: ``data/mappings`` of a checkout, else
    #: ``./mappings``).
    mappings_dir: Path | None = Field(
        None, validation_alias=AliasChoices("KCGRAPH_MAPPINGS", "KCGRAPH_MAPPINGS_DIR")
    )
    #: A previous version of the sources (a build folder or a manifest): the statements it
    #: had and these lack stay in the graph, deprecated and replaced by their successors.
    previous: Path | None = None
    #: Embedding cache folder (default: ``$XDG_CACHE_HOME/kcgraph``).
    cache_dir: Path | None = Field(
        None, validation_alias=AliasChoices("KCGRAPH_CACHE", "KCGRAPH_CACHE_DIR")
    )
    #: Read the vectors that ship with kcgraph (``data/vectors/``) before encoding a text.
    shipped_vectors: bool = True
    #: Official ESCO CSV download (default: the packaged English ESCO).
    esco_dir: Path | None = None
    #: Semantic encoders fused with the lexical signal.
    models: tuple[str, ...] = ("use-m3", "e5-small-q4")
    #: Fuse the character n-gram TF-IDF signal (profile-to-profile matching only).
    lexical: bool = True
    #: Candidates per statement and other profile / per statement for ESCO skills /
    #: per occupation for ESCO occupations and ISCO-08 unit groups.
    top_k: int = Field(5, ge=1, le=1000)
    esco_skill_top_k: int = Field(10, ge=1, le=1000)
    occupation_top_k: int = Field(5, ge=1, le=1000)
    #: Minimum fused score of a profile-to-profile proposal (see docs/crosswalk.md: measured).
    threshold: float = Field(0.45, ge=0.0, le=1.0)
    #: From this many statements on, profile-to-profile candidates come from an approximate
    #: nearest-neighbour index (:mod:`kcgraph.match.crosswalk.neighbours`) instead of brute
    #: force (``None``: always brute force); each statement's ``ann_pool`` nearest statements
    #: of other profiles are then scored exactly (see docs/crosswalk.md: where it pays, measured).
    ann_min_items: int | None = Field(100_000, ge=2)
    ann_pool: int = Field(512, ge=1, le=10_000)
    #: Where the heavy stages of a match run (:mod:`kcgraph.match.engine`): ``local`` (this
    #: process) or ``dask`` (tasks on a Dask cluster: the one at ``scheduler``, e.g.
    #: ``tcp://10.0.0.5:8786``, else a local cluster of ``engine_workers`` worker processes
    #: started for the run). The output is byte-identical on either.
    engine: Literal["local", "dask"] = "local"
    scheduler: str | None = Field(None, pattern=r"^[a-z]+://\S+:\d+$")
    engine_workers: int = Field(2, ge=1, le=256)
    #: Minimum fused score of an ESCO or ISCO proposal (0 lists all top-k).
    target_threshold: float = Field(0.0, ge=0.0, le=1.0)
    #: The learnt ranker's calibrated probability at which a reconciliation candidate is a
    #: certain match (:mod:`kcgraph.match.reconcile`; a convention, not fitted to any gold).
    reconcile_match_confidence: float = Field(0.8, ge=0.0, le=1.0)
    #: Encoders that read each label of an ESCO/ISCO concept as its own text (the concept
    #: scores its best label); the others read one main text. Cheap encoders only: the
    #: labels triple the texts to encode.
    label_encoders: tuple[str, ...] = ("use-m3",)
    #: Compare a statement also with ESCO's labels in its own language where ESCO has them
    #: (the mean of both cosines; ``kcgraph.match.vocabulary.languages``).
    own_language_labels: bool = True
    #: The language ESCO's labels are shown in (queues, workbench, pages), where ESCO has
    #: them in it, else English; "" is the commonest language of the profiles.
    reader_language: str = Field("", pattern=r"^([a-z]{2,3}(-[A-Za-z0-9]{1,8})*)?$")
    #: Learn a ranker from the review decisions (with too few, the fused score is used).
    learn: bool = True
    #: With a learned ranker, cut the queue where its expected precision (mean probability,
    #: most probable first) would fall below this (``kcgraph match --min-precision``); by
    #: default no cut: the queue holds every candidate a review screen may show.
    min_precision: float | None = Field(None, ge=0.0, le=1.0)
    #: The reviewer's CURIE (``orcid:0000-0002-1825-0097``) for recorded decisions.
    reviewer: str | None = None
    #: Seconds and rows a SPARQL query may take (``kcgraph query``).
    query_timeout: float = Field(30.0, gt=0.0, le=86400.0)
    query_limit: int = Field(10_000, ge=1)
    #: Seconds a request may wait for the endpoint before ``kcgraph publish`` gives up.
    publish_timeout: float = Field(120.0, gt=0.0, le=86400.0)
    #: The largest answer (bytes) ``publish`` and ``query --endpoint`` read from a server.
    answer_max_bytes: int = Field(512 * 1024 * 1024, ge=1024)
    #: Worker processes for the heavy stages of a build (JSON-LD of a big graph, SHACL
    #: validation of a graph in parts): the output is the same for any number.
    build_workers: int = Field(2, ge=1, le=64)
    #: ``kcgraph serve``: the address (127.0.0.1 unless told otherwise; port 0: any free
    #: port), query worker processes, the address space of each (MiB), the largest request
    #: body (bytes) and the connections answered at once (beyond them: 503); the
    #: connections one client address may hold, and the seconds a connection may take to
    #: send a whole request's headers (or its body) before it is closed. Query time and rows
    #: are ``query_timeout`` and ``query_limit``.
    serve_host: str = "127.0.0.1"
    serve_port: int = Field(8000, ge=0, le=65535)
    serve_workers: int = Field(2, ge=1, le=64)
    serve_memory_mb: int = Field(3072, ge=256)
    serve_max_body: int = Field(1_048_576, ge=1024)
    serve_max_connections: int = Field(100, ge=1)
    serve_client_connections: int = Field(50, ge=1)
    serve_request_seconds: float = Field(10.0, gt=0.0, le=3600.0)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Options, then ``KCGRAPH_*`` variables, then the project's ``kcgraph.toml``."""
        return init_settings, env_settings, _ProjectSource(settings_cls)

    @field_validator("base")
    @classmethod
    def _base_ends_with_separator(cls, value: str) -> str:
        if not is_http_iri(value):
            raise ValueError(f"base {value!r} must be an http(s) IRI")
        return value if value.endswith(("/", "#")) else value + "/"

    @field_validator("models")
    @classmethod
    def _some_model(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(value)

    @classmethod
    def from_options(cls, **options: Any) -> Settings:
        """The environment's settings with the options given; a bad value is one
        :class:`~kcgraph.errors.KcgraphError` line naming the setting."""
        from pydantic import ValidationError

        try:
            return cls().with_options(**options)
        except ValidationError as exc:
            why = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise KcgraphError(f"invalid setting: {why}") from None

    def with_options(self, **options: Any) -> Settings:
        """A copy with the options that were given (``None`` means not given)."""
        given = {k: v for k, v in options.items() if v is not None and v != ()}
        if not given:
            return self
        return type(self)(**{**self.model_dump(exclude_unset=True), **given})

    # --- derived paths --------------------------------------------------------------------

    @property
    def manifest_path(self) -> Path:
        return self.manifest or default_manifest()

    @property
    def decisions_dir(self) -> Path:
        if self.mappings_dir is not None:
            return self.mappings_dir
        root = checkout_root()
        return root / "data" / "mappings" if root else Path("mappings")

    @property
    def embedding_cache_dir(self) -> Path:
        if self.cache_dir is not None:
            return self.cache_dir
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(base) / "kcgraph"

    @property
    def fitted_dir(self) -> Path:
        """Where rankers fitted on a set of decisions are kept
        (:mod:`kcgraph.match.crosswalk.fitted`)."""
        return self.embedding_cache_dir / "rankers"

    def proposals_path(self, target: Target = "profiles") -> Path:
        """Where ``kcgraph match --target TARGET`` writes its queue."""
        return proposals_path(self.out_dir, target)
