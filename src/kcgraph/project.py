"""A crosswalk project of one's own: a folder with ``kcgraph.toml`` (its settings), its
manifest and sources, its decisions and its output.

``kcgraph init DIR`` writes one. Every command run inside it (in it or any folder below),
or with ``--project DIR`` / ``KCGRAPH_PROJECT``, takes its settings from ``kcgraph.toml``:
the paths there are relative to the project, so it reads and writes there, never inside the
installed package. Options and ``KCGRAPH_*`` variables still take precedence.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from .errors import KcgraphError
from .files import write_atomic

__all__ = ["PROJECT_FILE", "find_project", "init_project", "project_settings"]

PROJECT_FILE = "kcgraph.toml"
#: Settings whose values are paths (relative to the project in its file).
PATH_SETTINGS = ("manifest", "mappings_dir", "out_dir", "cache_dir", "esco_dir", "previous")

_SETTINGS = """\
# A kcgraph project: every kcgraph command run in this folder (or with --project) reads its
# settings here. Paths are relative to this folder. Any setting of kcgraph.Settings may be
# given (see `kcgraph --help` and the README); options and KCGRAPH_* variables win over it.
[settings]
manifest = "sources/manifest.toml"
mappings_dir = "decisions"
out_dir = "out"
# base = "https://example.org/competenties/"   # the base IRI of your profiles
# reviewer = "orcid:0000-0000-0000-0000"        # who records decisions here
"""

_MANIFEST = """\
# The profiles of this project: one [[source]] entry each. An entry's parser reads its file:
# "table" (CSV or XLSX, see sources/README.md) or one of kcgraph's extraction formats.
[[source]]
id = "voorbeeld"
file = "voorbeeld.csv"
parser = "table"
title = "Voorbeeldprofiel Medewerker klantcontact"
publisher = "(your organisation)"
region = "NL"
language = "nl-NL"
version = "0.1"
"""

_DECISIONS = """\
# Review decisions

The analysts' verdicts on proposed links, as SSSOM TSV: `positive.sssom.tsv` (accepted),
`negative.sssom.tsv` (rejected), `unsure.sssom.tsv`, and `reviewers.tsv` (who reviewed).
`kcgraph review ...` writes them; `kcgraph build` turns the accepted ones into links.
Keep them under version control; `kcgraph review merge` combines two reviewers' folders.
"""


def find_project(start: Path | None = None) -> Path | None:
    """The project folder: ``KCGRAPH_PROJECT`` if set, else the nearest folder from
    ``start`` (the working folder) upward that holds ``kcgraph.toml``."""
    given = os.environ.get("KCGRAPH_PROJECT")
    if given:
        root = Path(given)
        if not (root / PROJECT_FILE).is_file():
            raise KcgraphError(f"{root}: no {PROJECT_FILE} here (kcgraph init {root} makes one)")
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return None


def project_settings(root: Path) -> dict[str, Any]:
    """The ``[settings]`` of a project's file, paths made absolute."""
    path = root / PROJECT_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise KcgraphError(f"{path}: not a readable TOML file ({exc})") from None
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise KcgraphError(f"{path}: [settings] must be a table")
    return {
        key: str((root / value).resolve()) if key in PATH_SETTINGS else value
        for key, value in settings.items()
    }


#: What a project keeps out of version control: what ``kcgraph build`` and ``match`` remake,
#: the decision folder's lock and JupyterLab's checkpoints (the decisions and the sources
#: are the project).
_GITIGNORE = "out/\ndecisions/.lock\n.ipynb_checkpoints/\n"


def init_project(directory: Path) -> list[Path]:
    """Write a new project into ``directory`` (made if missing); refuses an existing one,
    and any folder that already holds one of the files it would write (nothing written)."""
    from .resources import default_manifest

    if (directory / PROJECT_FILE).exists():
        raise KcgraphError(f"{directory}: already a kcgraph project ({PROJECT_FILE} exists)")
    templates = default_manifest().parents[1] / "templates"
    files = {
        PROJECT_FILE: _SETTINGS,
        "sources/manifest.toml": _MANIFEST,
        "sources/voorbeeld.csv": (templates / "profile-table.csv").read_text(encoding="utf-8"),
        "sources/README.md": (templates / "README.md").read_text(encoding="utf-8"),
        "decisions/README.md": _DECISIONS,
        "decisions/reviewers.tsv": "reviewer_id\tname\n",
        ".gitignore": _GITIGNORE,
    }
    if directory.exists() and not directory.is_dir():
        raise KcgraphError(f"{directory}: exists and is not a folder")
    there = [name for name in files if (directory / name).exists()]
    if there:
        raise KcgraphError(
            f"{directory}: already holds {', '.join(there)}; init never overwrites "
            "(move them away, or init another folder)"
        )
    written = []
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
        written.append(path)
    return written
