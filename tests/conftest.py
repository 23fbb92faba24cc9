"""Shared fixtures: one environment, the profiles parsed once, one build, one scorer.

The command line runs in-process (:func:`run_cli`) wherever a real process is not the
point; subprocesses are kept for signals, servers and the installed wheel.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from kcgraph.build import run_build
from kcgraph.parse.model import Profile
from kcgraph.resources import default_manifest
from kcgraph.settings import Settings
from kcgraph.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = Path(__file__).with_name("resources")
#: A copy of ``shared/eval/crosswalk-dev.tsv``, the development gold (also committed as the
#: decisions of its expert in data/mappings/), so the learning tests run wherever the suite does.
SHARED_GOLD = RESOURCES / "crosswalk-dev.tsv"
REVIEWER = "orcid:0000-0002-1825-0097"
PROFILE_IDS = ("okla", "ccm", "kcm", "cci")


#: The ``browser`` fixture (Chromium through selenium) for the browser tests.
pytest_plugins = ("tests.browsing",)

#: Where the session keeps ``git status`` as it found it.
GIT_STATUS = pytest.StashKey[str]()


def git_status() -> str:
    """``git status --porcelain`` of the checkout ('' outside one)."""
    if not (ROOT / ".git").exists():
        return ""
    command = ["git", "status", "--porcelain", "--untracked-files=all"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout


def pytest_configure(config: pytest.Config) -> None:
    config.stash[GIT_STATUS] = git_status()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The whole suite leaves no trace: ``git status`` is as the session found it."""
    if hasattr(session.config, "workerinput"):  # the xdist controller checks, once
        return
    before, after = session.config.stash[GIT_STATUS], git_status()
    changed = sorted(set(after.splitlines()) - set(before.splitlines()))
    if os.environ.get("KCGRAPH_SCREENSHOTS"):  # `make screenshot` renews docs/*.png
        changed = [line for line in changed if not line.endswith(".png")]
    if changed:
        print(f"\nthe suite changed the checkout (git status): {changed}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str


@contextmanager
def environment(**variables: str | None):
    """Set (or, with ``None``, unset) environment variables for the block."""
    saved = {name: os.environ.get(name) for name in variables}
    try:
        for name, value in variables.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = str(value)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_cli(*args: str | Path, cwd: Path | None = None, **env: str | None) -> CliRun:
    """Run ``kcgraph ARGS`` in this process, as :func:`kcgraph.cli.main` runs it.

    An unexpected exception propagates (the test fails with its traceback), so a passing
    error-path test proves the command printed a one-line error instead.
    """
    from kcgraph.cli import main

    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    with environment(**env), redirect_stdout(out), redirect_stderr(err):
        try:
            if cwd is not None:
                os.chdir(cwd)
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            os.chdir(previous)
    return CliRun(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """The pytest-xdist worker ("gw0", …), or "master" in a plain run."""
    return getattr(request.config, "workerinput", {}).get("workerid", "master")


def workspace(**options) -> Workspace:
    """A workspace over the bundled sources with the given settings."""
    return Workspace(Settings(**options))


@pytest.fixture(scope="session", autouse=True)
def isolated_environment(tmp_path_factory, worker_id):
    """One embedding cache (shared by the xdist workers of a run) and one decision folder
    per worker for the whole run, never the user's."""
    root = tmp_path_factory.getbasetemp()
    cache = (root.parent if worker_id != "master" else root) / "shared-cache"
    cache.mkdir(exist_ok=True)
    mappings = tmp_path_factory.mktemp("session-mappings")
    with environment(
        KCGRAPH_CACHE=str(cache),
        KCGRAPH_MAPPINGS=str(mappings),
        KCGRAPH_REVIEWER=None,
        KCGRAPH_BASE=None,
        KCGRAPH_OUT_DIR=None,
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    ):
        yield cache


@pytest.fixture(scope="session")
def profiles() -> dict[str, Profile]:
    return {p.source.id: p for p in Workspace().profiles}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The default build (profiles, ISCO, ESCO) written once into a session folder."""
    out = tmp_path_factory.mktemp("out")
    return run_build(workspace(out_dir=out))


@pytest.fixture(scope="session")
def decided_out(tmp_path_factory) -> Path:
    """The default build with the test decisions (``tests/resources/mappings``), once."""
    out = tmp_path_factory.mktemp("decided-out")
    run_build(workspace(out_dir=out, mappings_dir=RESOURCES / "mappings"))
    return out


@pytest.fixture(scope="session")
def session_ws() -> Workspace:
    """The default workspace of the session: parsed and embedded once (TF-IDF and the two
    embedded encoders); tests derive theirs from it with :func:`derived`."""
    ws = Workspace()
    assert ws.scorer.items  # embedded now, once
    return ws


def derived(ws: Workspace, **options) -> Workspace:
    """``ws`` with other settings, keeping its profiles and embedded statements."""
    return ws.with_options(**options)


@pytest.fixture(scope="session")
def scorer(session_ws):
    """The default scorer over the bundled profiles."""
    return session_ws.scorer


@pytest.fixture(scope="session")
def proposals(tmp_path_factory, session_ws):
    """The default proposals file (top-5, threshold 0.45), written once, with no decisions."""
    from kcgraph.match import match_profiles, write_proposals

    path = tmp_path_factory.mktemp("proposals") / "proposals.sssom.tsv"
    ws = derived(session_ws, mappings_dir=tmp_path_factory.mktemp("no-decisions"))
    write_proposals(path, match_profiles(ws), ws.converter)
    return path


@pytest.fixture()
def sources_copy(tmp_path) -> Path:
    """A writable copy of data/sources (manifest and documents); returns the manifest path."""
    target = tmp_path / "sources"
    shutil.copytree(default_manifest().parent, target)
    return target / "manifest.toml"


def read_table(path: Path) -> tuple[dict, list[dict]]:
    """An SSSOM TSV file as its raw YAML header and rows of strings (to test the file itself)."""
    import csv

    import yaml

    lines = path.read_text(encoding="utf-8").split("\n")
    header = "\n".join(line[1:] for line in lines if line.startswith("#"))
    body = [line for line in lines if not line.startswith("#") and line]
    return yaml.safe_load(header) or {}, list(csv.DictReader(body, delimiter="\t"))


@contextmanager
def untraced():
    """Pause the coverage tracer for a block of third-party work (speed only)."""
    try:
        import coverage

        tracer = coverage.Coverage.current()
    except ImportError:
        tracer = None
    if tracer is not None:
        tracer.stop()
    try:
        yield
    finally:
        if tracer is not None:
            tracer.start()
