"""A run's shared state, made once: settings, the manifest, parsed profiles, the converter.

Every command works through one :class:`Workspace`: the manifest is read once, the
documents are parsed at most once and only when a statement is needed, and the CURIE
converter and the review store follow the settings' base IRI (``--base``).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import curies

from .model import Profile, SourceInfo
from .namespaces import Minter, make_converter
from .review import ReviewStore
from .settings import Settings

if TYPE_CHECKING:
    from .esco import EscoData

__all__ = ["Workspace"]


class Workspace:
    """Settings plus what is derived from them, computed lazily and once."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    @cached_property
    def sources(self) -> list[SourceInfo]:
        from .parse import PARSERS
        from .sources import read_manifest

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

    @cached_property
    def esco(self) -> EscoData:
        """ESCO (and its ISCO-08 groups): the official download of ``--esco``, else the
        vendored default."""
        from .esco import load_default_esco, read_esco_csv

        if self.settings.esco_dir:
            return read_esco_csv(self.settings.esco_dir)
        return load_default_esco()

    @cached_property
    def vocabulary_iris(self) -> frozenset[str]:
        """IRIs of the ESCO and ISCO-08 concepts links may point at."""
        from .esco import load_isco_groups

        data = self.esco
        return frozenset(c.uri for c in (*data.occupations, *data.skills, *load_isco_groups()))

    def is_known(self, iri: str) -> bool:
        """Whether ``iri`` names a statement of the sources or an ESCO/ISCO concept."""
        if iri.startswith(self.minter.base):
            return iri in self.statement_iris
        return iri in self.vocabulary_iris

    def store(self, *, check_ids: bool = True) -> ReviewStore:
        """The review decisions of :attr:`Settings.decisions_dir`."""
        return ReviewStore(
            self.settings.decisions_dir,
            converter=self.converter,
            is_known=self.is_known if check_ids else None,
        )
