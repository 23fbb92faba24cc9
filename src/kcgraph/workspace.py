"""A run's shared state, made once: settings, the manifest, parsed profiles, the converter,
the decisions, the scorer and ESCO.

Every command works through one :class:`Workspace` and library entry points take it whole
(``match_profiles(ws)``, ``run_build(ws)``): the manifest is read once, the documents are
parsed at most once and only when a statement is needed, the encoders embed the statements
once, and the CURIE converter, the review store and ISCO/ESCO follow the settings
(``--base``, ``--mappings``, ``--esco``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

import curies
from sssom_pydantic import SemanticMapping

from .graph.namespaces import Minter, make_converter
from .parse.model import Profile, SourceInfo
from .settings import Settings

if TYPE_CHECKING:
    from .match.crosswalk.scoring import Scorer
    from .match.encoders import Encoder
    from .match.engine import Engine
    from .review.decisions.store import ReviewStore
    from .vocab.model import EscoConcept, EscoData

__all__ = ["Workspace"]

#: The settings each value a workspace computes depends on: a workspace derived with other
#: options (:meth:`Workspace.with_options`) keeps the values whose settings are unchanged.
_DEPENDS_ON: dict[str, tuple[str, ...]] = {
    "sources": ("manifest",),
    "profile_ids": ("manifest",),
    "profiles": ("manifest",),
    "minter": ("base",),
    "converter": ("manifest", "base"),
    "statement_iris": ("manifest", "base"),
    "esco": ("esco_dir",),
    "isco_groups": ("esco_dir",),
    "vocabulary_versions": ("esco_dir",),
    "vocabulary_iris": ("esco_dir",),
    "encoders": ("models",),
    "scorer": ("manifest", "base", "models", "lexical", "cache_dir"),
}


class Workspace:
    """Settings plus what is derived from them, computed lazily and once."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        #: where the heavy stages of a match run (``None``: this process), see :meth:`running`
        self.engine: Engine | None = None

    @contextlib.contextmanager
    def running(self) -> Iterator[Workspace]:
        """The workspace with the engine its settings name open (:mod:`kcgraph.match.engine`:
        a local Dask cluster started for it is stopped after)."""
        from .match.engine import open_engine

        with open_engine(self.settings) as engine:
            self.engine = engine
            try:
                yield self
            finally:
                self.engine = None

    def with_options(self, **options: Any) -> Workspace:
        """A workspace whose settings take the options given (``None``: not given), keeping
        what it computed already that those options do not change (parsed profiles,
        embedded statements); the same workspace when no option is given."""
        settings = self.settings.with_options(**options)
        if settings is self.settings:
            return self
        derived = Workspace(settings)
        derived.engine = self.engine
        for name, fields in _DEPENDS_ON.items():
            same = all(getattr(settings, f) == getattr(self.settings, f) for f in fields)
            if same and name in self.__dict__:
                derived.__dict__[name] = self.__dict__[name]
        return derived

    @cached_property
    def sources(self) -> list[SourceInfo]:
        from .parse import PARSERS
        from .parse.sources import read_manifest

        return read_manifest(self.settings.manifest_path, known_parsers=PARSERS)

    @cached_property
    def profile_ids(self) -> list[str]:
        return [s.id for s in self.sources]

    @cached_property
    def profiles(self) -> list[Profile]:
        """Every document of the manifest, parsed (all of them before anything is written)."""
        from .parse import parse_source

        return [parse_source(source) for source in self.sources]

    @cached_property
    def minter(self) -> Minter:
        return Minter(self.settings.base)

    @cached_property
    def converter(self) -> curies.Converter:
        return make_converter(self.profile_ids, self.settings.base)

    @cached_property
    def statement_iris(self) -> frozenset[str]:
        """IRIs of every statement of the current sources."""
        return frozenset(
            str(self.minter.concept(p.source.id, s))
            for p in self.profiles
            for s in p.statements.values()
        )

    # --- vocabularies ---------------------------------------------------------------------

    @cached_property
    def esco(self) -> EscoData:
        """ESCO (and its ISCO-08 groups): the official download of ``--esco``, else the
        vendored default."""
        from .vocab.cache import cached_esco
        from .vocab.read import load_default_esco, read_esco_csv

        directory = self.settings.esco_dir
        read = (lambda: read_esco_csv(directory)) if directory else load_default_esco
        return cached_esco(self, read)

    @cached_property
    def reader_language(self) -> str:
        """The language ESCO's labels are shown in (:attr:`Settings.reader_language`, or the
        commonest language of the profiles)."""
        if self.settings.reader_language:
            return self.settings.reader_language.split("-")[0].lower()
        languages = [s.language.split("-")[0].lower() for s in self.sources]
        return min(set(languages), key=lambda x: (-languages.count(x), x)) if languages else "en"

    def esco_label(self, uri: str, label: str) -> str:
        """An ESCO concept's preferred label in the reader's language, where ESCO has it."""
        translated = self.esco.translations.get(self.reader_language, {}).get(uri)
        return translated[0] if translated else label

    @cached_property
    def isco_groups(self) -> list[EscoConcept]:
        """The ISCO-08 groups (major to unit) of the ESCO in use, sorted by code."""
        return sorted(self.esco.isco, key=lambda g: g.code)

    @cached_property
    def vocabulary_versions(self) -> dict[str, str]:
        """ESCO scheme IRI -> the vendored ESCO's version (SSSOM ``*_source_version``); a
        download of ``--esco`` states none."""
        from .vocab.model import ESCO_SCHEMES, ESCO_VERSION

        if self.settings.esco_dir:
            return {}
        return {str(scheme): ESCO_VERSION for scheme in ESCO_SCHEMES.values()}

    @cached_property
    def vocabulary_iris(self) -> frozenset[str]:
        """IRIs of the ESCO and ISCO-08 concepts links may point at (an index kept with the
        cached vocabulary: no ESCO file is parsed to check an id)."""
        from .vocab.cache import vocabulary_iris

        return vocabulary_iris(self)

    def is_known(self, iri: str) -> bool:
        """Whether ``iri`` names a statement of the sources or an ESCO/ISCO concept."""
        if iri.startswith(self.minter.base):
            return iri in self.statement_iris
        return iri in self.vocabulary_iris

    # --- decisions and matching -----------------------------------------------------------

    def store(self, *, check_ids: bool = True) -> ReviewStore:
        """The review decisions of :attr:`Settings.decisions_dir`."""
        from .review.decisions.store import ReviewStore

        return ReviewStore(
            self.settings.decisions_dir,
            converter=self.converter,
            is_known=self.is_known if check_ids else None,
            base=self.settings.base,
        )

    @cached_property
    def examples(self) -> list[SemanticMapping]:
        """What a run learns from: the accepted and rejected review decisions as they stood
        when first asked for (:func:`~kcgraph.review.decisions.decision.learnable`; the
        decisions themselves, unsure ones too, are :meth:`store`'s)."""
        from .review.decisions.decision import learnable

        return learnable(self.store(check_ids=False).decisions())

    @cached_property
    def decided_pairs(self) -> set[frozenset[str]]:
        """Every decided pair as two IRIs: ``kcgraph match`` never proposes these again."""
        return self.store(check_ids=False).decided_pairs()

    @cached_property
    def encoders(self) -> list[Encoder]:
        """The settings' encoders, loaded once (their weights ship in packages)."""
        from .match.encoders import load_encoder

        return [load_encoder(name) for name in self.settings.models]

    @cached_property
    def scorer(self) -> Scorer:
        """Every matchable statement embedded by the settings' encoders (through the cache)."""
        from .match.run import build_scorer

        return build_scorer(self)
