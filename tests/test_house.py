"""The house rules, checked on the code itself: rooms by stage with imports that flow one way,
small classes and functions, every term and every file name of ``out/`` written once, and a
suite that leaves the checkout as it found it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from .conftest import GIT_STATUS, ROOT, git_status, run_cli

PACKAGE = ROOT / "src" / "kcgraph"
MODULES = sorted(PACKAGE.rglob("*.py"))

#: The stage of each room; a module may import (outside ``if TYPE_CHECKING:``) only rooms of
#: its own stage or earlier ones: parse -> graph -> shapes -> match -> review -> evaluate ->
#: query/publish -> build -> the run context -> the command line.
STAGES = {
    "parse": 1,
    "vocab": 2,
    "graph": 2,
    "shapes": 2,
    "match": 3,
    "review": 4,
    "evaluate": 5,
    "query": 5,
    "publish": 5,
    "build": 6,
    "web": 6,
    "workspace": 7,
    "cli": 8,
    "__init__": 9,
    "__main__": 9,
}
#: The four hand-written parsers may keep their long functions (one pass over a document).
PARSERS = {"kch.py", "ecabo.py", "vks.py", "vdab.py"}
MAX_CLASS, MAX_FUNCTION = 200, 50


def _stage(module: str) -> int:
    """``kcgraph.match.run`` -> the stage of ``match``; core modules (settings, layout,
    terms, ...) come before every stage."""
    parts = module.split(".")
    return STAGES.get(parts[1], 0) if len(parts) > 1 else 0


def _name(path: Path) -> str:
    """``src/kcgraph/match/run.py`` -> ``kcgraph.match.run`` (a package: ``….__init__``)."""
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def _runtime_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every kcgraph import that runs (not under ``TYPE_CHECKING``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    package = _name(path).split(".")[:-1]
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only or not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package[: len(package) - node.level + 1]
            target = ".".join([*base, node.module] if node.module else base)
        else:
            target = node.module or ""
        if target.startswith("kcgraph"):
            for alias in node.names:  # ``from . import shapes`` names a module
                candidate = f"{target}.{alias.name}"
                exists = (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").is_file()
                found.append((node.lineno, candidate if exists else target))
    return found


def test_imports_flow_one_way():
    backwards = []
    for path in MODULES:
        own = _name(path)
        for line, target in _runtime_imports(path):
            if _stage(target) > _stage(own):
                backwards.append(f"{path.relative_to(ROOT)}:{line}: {own} imports {target}")
    assert backwards == []


#: The rooms of review, in the order they may import one another: decisions and their checks,
#: the session every front end works through, the front ends.
REVIEW_ROOMS = {"decisions": 0, "session": 1, "frontends": 2}
#: At most this many modules lie flat in ``src/kcgraph/`` (the run context, settings, layout,
#: terms, errors and the like); the rest live in their stage's package.
MAX_FLAT = 12
#: The command line only parses and prints: no module of it this long.
MAX_CLI_MODULE = 500


def _review_room(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) > 3 and parts[1] == "review":
        return REVIEW_ROOMS.get(parts[2])
    return None


def test_review_rooms_import_one_way():
    backwards = []
    for path in MODULES:
        own = _review_room(_name(path))
        for line, target in _runtime_imports(path):
            theirs = _review_room(target)
            if own is not None and theirs is not None and theirs > own:
                backwards.append(f"{path.relative_to(ROOT)}:{line}: imports {target}")
    assert backwards == []


def test_few_modules_lie_flat_and_the_command_line_is_thin():
    flat = sorted(p.name for p in PACKAGE.glob("*.py") if not p.name.startswith("__"))
    assert len(flat) <= MAX_FLAT, flat
    long = {
        p.name: n
        for p in (PACKAGE / "cli").glob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) >= MAX_CLI_MODULE
    }
    assert long == {}


def test_the_wheel_carries_every_package():
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {_name(init).removesuffix(".__init__") for init in PACKAGE.rglob("__init__.py")}
    assert found - listed == set()


def test_classes_and_functions_are_small():
    large = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                limit = MAX_CLASS
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                limit = MAX_FUNCTION if path.name not in PARSERS else 10**6
            else:
                continue
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            if size > limit:
                large.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {size} lines")
    assert large == []


def test_every_module_declares_its_all():
    """(ruff's RUF022, in ``make test``, keeps each ``__all__`` sorted.)"""
    missing = []
    for path in MODULES:
        if path.name == "__main__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [
            node.value
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            and any(
                isinstance(t, ast.Name) and t.id == "__all__"
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            )
        ]
        if not names:
            missing.append(f"{path.relative_to(ROOT)}: no __all__")
    assert missing == []


#: Facts that one module owns: a string constant matching the pattern may stand only there
#: (the ontology's own file is also called kcgraph.ttl: resources.py finds it).
OWNED = {
    r"^(skos|semapv):[A-Za-z]+$": ("terms.py",),
    r"creativecommons\.org": ("terms.py",),
    r"w3id\.org/kcgraph/graph/": ("layout.py",),
    r"^(kcgraph\.(ttl|jsonld|nt)|mappings\.ttl|isco\.ttl|esco\.ttl|dataset\.ttl)$": (
        "layout.py",
        "resources.py",
    ),
    r"proposals\.sssom\.tsv$": ("layout.py",),
}


def _constants(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_terms_and_file_names_are_written_once():
    elsewhere = []
    for path in MODULES:
        for line, value in _constants(path):
            for pattern, owners in OWNED.items():
                if re.search(pattern, value) and path.name not in owners:
                    elsewhere.append(f"{path.relative_to(ROOT)}:{line}: {value!r} ({owners[0]})")
    assert elsewhere == []


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_the_fixtures_leave_no_trace(request, built, proposals, session_ws):
    """The shared fixtures (a build, a queue, the embedded statements) and a command run as a
    user would leave ``git status`` as the session found it; conftest checks the same once
    more when the whole suite has run."""
    assert run_cli("stats").returncode == 0
    assert git_status() == request.config.stash[GIT_STATUS]
