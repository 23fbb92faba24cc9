"""The command line: build/export/stats, and bad input as one-line errors with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import kcgraph


def test_help_and_version():
    result = kcgraph("--help")
    assert result.returncode == 0
    for command in ("build", "export", "stats"):
        assert command in result.stdout
    assert kcgraph("--version").stdout.startswith("kcgraph, version ")


def test_build_writes_the_three_serialisations(tmp_path):
    result = kcgraph("build", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "esco.ttl",
        "isco.ttl",
        "kcgraph.jsonld",
        "kcgraph.nt",
        "kcgraph.ttl",
    ]
    assert "| Competency | 15 | 20 | 11 | 0 |" in result.stdout


def test_export_one_format(tmp_path):
    target = tmp_path / "g.rdf"
    result = kcgraph("export", "--format", "rdfxml", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("<?xml")


def _break(manifest: Path, name: str, data: bytes) -> Path:
    path = manifest.parent / name
    path.write_bytes(data)
    return path


def _truncate(path: Path) -> bytes:
    raw = path.read_bytes()
    return raw[: len(raw) // 2]


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
def test_bad_input_is_one_line_exit_2_and_out_untouched(sources_copy, tmp_path, name, make, expect):
    out = tmp_path / "out"
    assert kcgraph("build", "-o", str(out), "--manifest", str(sources_copy)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    target = sources_copy.parent / name
    target.write_bytes(make(target))
    result = kcgraph("build", "-o", str(out), "--manifest", str(sources_copy))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert str(target) in lines[0] and expect in lines[0]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_bad_manifest(tmp_path):
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        '[[source]]\nid = "x"\nfile = "x.txt"\nparser = "pdf"\ntitle = "t"\n'
        'publisher = "p"\nlanguage = "nl-NL"\nregion = "NL"\n',
        encoding="utf-8",
    )
    result = kcgraph("build", "-o", str(tmp_path / "out"), "--manifest", str(manifest))
    assert result.returncode == 2
    assert "unknown parser 'pdf'" in result.stderr and str(manifest) in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_source_document(sources_copy, tmp_path):
    (sources_copy.parent / "ccm.txt").unlink()
    result = kcgraph("build", "-o", str(tmp_path / "out"), "--manifest", str(sources_copy))
    assert result.returncode == 2 and "source document not found" in result.stderr
