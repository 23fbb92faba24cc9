"""The options the commands share: every default a setting (written once, in
:class:`~kcgraph.settings.Settings`), every choice from the module that owns it."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Sequence
from typing import Any

import click

from ..layout import PROPOSALS_FILES, TARGETS

__all__ = [
    "DIR",
    "FILE",
    "MATCHING",
    "OUT",
    "PROPOSALS_HELP",
    "TARGET",
    "Choices",
    "Finite",
    "Setting",
    "settings_options",
]


#: Help of the ``--proposals`` options of ``kcgraph review``.
PROPOSALS_HELP = f"Proposals file [default: out/{PROPOSALS_FILES['profiles']}]."

FILE = click.Path(dir_okay=False)

DIR = click.Path(file_okay=False)


class Choices(click.Choice):
    """The choices of another module (its formats, the SKOS predicates), imported only when
    a command checks or shows them: ``kcgraph --help`` loads none of those modules."""

    def __init__(self, module: str, name: str) -> None:
        self._where = (module, name)
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[Any, ...]:
        module, name = self._where
        return tuple(getattr(importlib.import_module(module, "kcgraph"), name))

    @choices.setter
    def choices(self, value: Sequence[Any]) -> None:  # click's own __init__ is not called
        raise AttributeError("the choices come from their module")


class Setting(click.Option):
    """An option whose default is a setting (:class:`~kcgraph.settings.Settings`, where every
    default is written once); its help shows that default, looked up when help is shown."""

    def __init__(self, *args: Any, setting: str, **kwargs: Any) -> None:
        self.setting = setting
        super().__init__(*args, **kwargs)

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from ..settings import Settings

        record = super().get_help_record(ctx)
        if record is None:
            return None
        default = Settings.model_fields[self.setting].default
        return record[0], f"{record[1]} [default: {default:g}]"


class Finite(click.FloatRange):
    """A float range that also refuses ``nan`` and ``inf`` (which compare false to any bound)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number or number in (float("inf"), float("-inf")):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


OUT = click.option("-o", "--out", "out_dir", type=DIR, help="Output folder.")

MATCHING = (
    click.option(
        "--model",
        "models",
        multiple=True,
        metavar="NAME_OR_PATH",
        help="Encoder: use-m3, e5-small-q4, or a sentence-transformers model name or folder; "
        "repeat to fuse several [default: use-m3 and e5-small-q4].",
    ),
    click.option("--lexical/--no-lexical", default=None, help="Fuse the TF-IDF signal."),
    click.option("--cache-dir", type=DIR, help="Embedding cache folder."),
)

ENGINE = (
    click.option(
        "--engine",
        type=click.Choice(["local", "dask"]),
        help="Where encoding, the candidate search and the pair scoring run: this process, or "
        "tasks on a Dask cluster (the output is the same) [default: local].",
    ),
    click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="With --engine dask: the cluster's scheduler, e.g. tcp://10.0.0.5:8786 "
        "[default: a local cluster started for the run].",
    ),
    click.option(
        "--engine-workers",
        type=click.IntRange(1, 256),
        help="With --engine dask and no scheduler: the local cluster's worker processes "
        "[default: 2].",
    ),
)

SETTING_NAMES = (
    "base",
    "manifest",
    "mappings_dir",
    "esco_dir",
    "out_dir",
    "cache_dir",
    "engine",
    "scheduler",
    "engine_workers",
)


def settings_options(
    *, out: bool = False, matching: bool = False, engine: bool = False
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Options every command shares; the command receives ``ws`` (a Workspace) instead."""

    def decorate(function: Callable[..., None]) -> Callable[..., None]:
        @click.option("--base", help="Base namespace of the minted IRIs.")
        @click.option("--manifest", type=FILE, help="Source manifest [default: bundled].")
        @click.option("--mappings", "mappings_dir", type=DIR, help="Decision folder.")
        @click.option("--esco", "esco_dir", type=DIR, help="Official ESCO CSV download folder.")
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> None:
            from ..settings import Settings
            from ..workspace import Workspace

            names = (*SETTING_NAMES, "models", "lexical")
            given = {n: kwargs.pop(n) for n in names if n in kwargs}
            return function(*args, ws=Workspace(Settings.from_options(**given)), **kwargs)

        chosen = (
            ((OUT,) if out else ()) + (MATCHING if matching else ()) + (ENGINE if engine else ())
        )
        for option in chosen:
            wrapper = option(wrapper)
        return wrapper

    return decorate


TARGET = click.option("--target", default=TARGETS[0], show_default=True, type=click.Choice(TARGETS))
