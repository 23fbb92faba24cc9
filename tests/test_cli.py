"""The command line: build/export/stats, and bad input as one-line errors with exit code 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import run_cli


def test_help_and_version():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("build", "export", "stats", "match", "review", "query", "publish"):
        assert command in result.stdout
    assert run_cli("--version").stdout.startswith("kcgraph, version ")


#: What the quick commands never load (their start-up time is in bench/bench_commands.py).
_HEAVY = ("pydantic", "rdflib", "numpy", "pyoxigraph", "sssom_pydantic")


@pytest.mark.parametrize("args", [["--help"], ["query", "--list"]])
def test_quick_commands_load_nothing_heavy(args):
    """``--help`` and ``query --list`` answer in a bare Python's start-up time: they import
    neither pydantic (the settings) nor rdflib, numpy, oxigraph or the SSSOM library."""
    import subprocess
    import sys

    code = (
        "import sys, contextlib, io\n"
        "from kcgraph.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({args!r})\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(_HEAVY)!r}))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert found.strip() == "[]"


def test_a_workspace_loads_no_matcher_until_it_matches():
    """Every command makes a workspace: it loads neither the matcher (numpy, the encoders'
    cache) nor Dask until a match runs."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kcgraph.workspace import Workspace\n"
        "Workspace()\n"
        "print(sorted(m for m in sys.modules if m in {'kcgraph.match', 'numpy', 'distributed'}))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert found.strip() == "[]"


def test_build_writes_every_output_together(tmp_path):
    result = run_cli("build", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "dataset.ttl",
        "esco.ttl",
        "isco.ttl",
        "kcgraph.jsonld",
        "kcgraph.nt",
        "kcgraph.ttl",
        "mappings.ttl",
    ]
    assert "| Competency | 15 | 20 | 11 | 0 |" in result.stdout


def test_export_one_format(tmp_path):
    target = tmp_path / "g.rdf"
    result = run_cli("export", "--format", "rdfxml", "-o", target)
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("<?xml")


def _truncate(path: Path) -> bytes:
    raw = path.read_bytes()
    return raw[: len(raw) // 2]


@pytest.fixture()
def previous_out(built, tmp_path) -> Path:
    """A copy of a complete earlier build, to check that a failed build leaves it alone."""
    out = tmp_path / "out"
    shutil.copytree(built.files[0].parent, out)
    return out


@pytest.mark.parametrize(
    ("name", "make", "expect"),
    [
        ("kcm.txt", lambda p: b"", "source document is empty"),
        ("cci.txt", lambda p: b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
        (
            "okla.txt",
            lambda p: p.read_bytes()[:200] + b"\xff\xfe" + p.read_bytes()[200:],
            "not UTF-8 text",
        ),
        ("ccm.txt", _truncate, "document truncated"),
        ("kcm.txt", _truncate, "document truncated"),
        ("okla.txt", _truncate, "document truncated"),
        ("cci.txt", _truncate, "document truncated"),
        ("cci.txt", lambda p: b"Lorem ipsum\ndolor sit amet\n", "not a VDAB Competentfiche"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_out_untouched(
    sources_copy, previous_out, name, make, expect
):
    before = {p.name: p.read_bytes() for p in previous_out.iterdir()}
    target = sources_copy.parent / name
    target.write_bytes(make(target))
    result = run_cli("build", "-o", previous_out, "--manifest", sources_copy)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert str(target) in lines[0] and expect in lines[0]
    assert {p.name: p.read_bytes() for p in previous_out.iterdir()} == before


def _manifest(tmp_path: Path, **fields: str) -> Path:
    entry = {
        "id": '"x"',
        "file": '"x.txt"',
        "parser": '"ecabo-bcp"',
        "title": '"t"',
        "publisher": '"p"',
        "language": '"nl-NL"',
        "region": '"NL"',
        **fields,
    }
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        "[[source]]\n" + "".join(f"{k} = {v}\n" for k, v in entry.items()), encoding="utf-8"
    )
    return manifest


@pytest.mark.parametrize(
    ("fields", "expect"),
    [
        ({"parser": '"pdf"'}, "unknown parser 'pdf'"),
        ({"id": "7"}, "id must be a string"),
        ({"file": '["a", "b"]'}, "file must be a string"),
        ({"id": '"c m>"'}, "must be lower-case letters"),
        ({"language": '"en"'}, "has language 'en'"),
    ],
)
def test_bad_manifest_is_one_line_exit_2(tmp_path, fields, expect):
    manifest = _manifest(tmp_path, **fields)
    result = run_cli("build", "-o", tmp_path / "out", "--manifest", manifest)
    assert result.returncode == 2, result.stderr
    assert expect in result.stderr and str(manifest) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_symlink_loop_in_manifest_is_one_line(tmp_path):
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    manifest = _manifest(tmp_path, file='"loop.txt"')
    result = run_cli("stats", "--manifest", manifest)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "loop.txt" in result.stderr


def test_missing_source_document(sources_copy, tmp_path):
    (sources_copy.parent / "ccm.txt").unlink()
    result = run_cli("build", "-o", tmp_path / "out", "--manifest", sources_copy)
    assert result.returncode == 2 and "source document not found" in result.stderr


def test_bad_base_is_a_usage_error(tmp_path):
    result = run_cli("build", "-o", tmp_path / "out", "--base", "not an iri")
    assert result.returncode == 2 and "base" in result.stderr
    assert not (tmp_path / "out").exists()
