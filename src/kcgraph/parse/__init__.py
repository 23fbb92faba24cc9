"""One parser per source format; the registry below is where the CLI's choices come from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..resources import default_manifest
from .ecabo import parse_ecabo_bcp
from .kch import parse_kch_bcp
from .model import Profile, SourceInfo
from .sources import read_manifest
from .table import parse_table
from .vdab import parse_vdab_competentfiche
from .vks import parse_vks_bk

__all__ = [
    "PARSERS",
    "parse_ecabo_bcp",
    "parse_kch_bcp",
    "parse_profiles",
    "parse_source",
    "parse_table",
    "parse_vdab_competentfiche",
    "parse_vks_bk",
]

#: Format name (as used in ``data/sources/manifest.toml``) -> parser.
PARSERS: dict[str, Callable[[SourceInfo], Profile]] = {
    "ecabo-bcp": parse_ecabo_bcp,
    "kch-bcp": parse_kch_bcp,
    "vdab-competentfiche": parse_vdab_competentfiche,
    "vks-bk": parse_vks_bk,
    # any profile as a table (CSV or XLSX), see kcgraph.parse.table
    "table": parse_table,
}


def parse_source(source: SourceInfo) -> Profile:
    """Parse one manifest entry with the parser it names."""
    return PARSERS[source.parser](source)


def parse_profiles(manifest: str | Path | None = None) -> list[Profile]:
    """Parse every document a manifest lists (default: the bundled sources)."""
    sources = read_manifest(manifest or default_manifest(), known_parsers=PARSERS)
    return [parse_source(source) for source in sources]
