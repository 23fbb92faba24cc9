"""The wheel works outside a checkout: build it, install it in a fresh virtual environment
and run ``kcgraph build``, ``validate`` and ``query`` in an empty folder."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the kcgraph wheel; its dependencies come from the test venv."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(work / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = (work / "dist").glob("kcgraph-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for resource in (
        "kcgraph/ontology/shapes.ttl",
        "kcgraph/queries/coverage.rq",
        "kcgraph/data/sources/manifest.toml",
        "kcgraph/context.jsonld",
    ):
        assert resource in names
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python*/site-packages"))
    # the heavy dependencies (torch, rdflib, ...) are shared with the test environment
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return venv


def test_installed_wheel_builds_validates_and_queries_in_an_empty_folder(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("KCGRAPH_HOME", "KCGRAPH_MAPPINGS")}
    kcgraph = installed / "bin" / "kcgraph"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(kcgraph), *args], cwd=tmp_path, env=env, capture_output=True, text=True
        )

    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import kcgraph; print(kcgraph.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert str(installed) in where.stdout, where  # the wheel's copy, not the checkout's
    build = run("build", "-o", "out")
    assert build.returncode == 0, build.stderr
    assert "| Competency | 15 | 20 | 11 | 0 |" in build.stdout
    assert run("validate", "out/kcgraph.ttl").returncode == 0
    query = run("query", "profiles-under-isco", "--out-dir", "out")
    assert query.returncode == 0 and "(1 row)" in query.stdout, (
        query.stderr
    )  # the source-stated link
    listing = run("query", "--list")
    assert "statements-by-kind" in listing.stdout
    page = subprocess.run(  # the web room and its templates are in the wheel
        [
            str(installed / "bin" / "python"),
            "-c",
            "import kcgraph.web.app, kcgraph.web.site\n"
            "from kcgraph.web.pages import Pages\n"
            "print(Pages('https://w3id.org/kcgraph/id/', static=True).search())",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert page.returncode == 0 and "search-index.js" in page.stdout, page.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_project_of_ones_own_from_the_installed_wheel(installed, tmp_path):
    """kcgraph init in an empty folder; build, review and status inside it and with
    --project from elsewhere read and write there, never in the installed package."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCGRAPH_")}
    env["KCGRAPH_CACHE"] = os.environ["KCGRAPH_CACHE"]
    kcgraph = str(installed / "bin" / "kcgraph")
    package = next(installed.glob("lib/python*/site-packages/kcgraph"))
    files = [p for p in package.rglob("*") if "__pycache__" not in p.parts]
    before = sorted((p, p.stat().st_mtime_ns) for p in files)

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        command = [kcgraph, *args]
        result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result

    run("init", "mine", cwd=tmp_path)
    project = tmp_path / "mine"
    run("build", cwd=project / "sources")  # from a folder inside the project
    assert (project / "out" / "kcgraph.ttl").is_file()
    turtle = (project / "out" / "kcgraph.ttl").read_text(encoding="utf-8")
    assert "id/voorbeeld/" in turtle
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    status = run("--project", str(project), "review", "status", cwd=elsewhere)
    assert str(project / "decisions") in status.stdout
    run("--project", str(project), "build", "-o", str(project / "again"), cwd=elsewhere)
    assert (project / "again" / "kcgraph.ttl").read_bytes() == turtle.encode("utf-8")
    now = [p for p in package.rglob("*") if "__pycache__" not in p.parts]
    after = sorted((p, p.stat().st_mtime_ns) for p in now)
    assert after == before and sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "mine"]
    assert list(elsewhere.iterdir()) == []
