"""No traceback anywhere a user can reach: every command, given each kind of bad input
where it takes a file or a folder, ends with a message (one line for kcgraph's own errors)
and an exit code, never with an exception. (The server's log is checked the same way by
``tests/web/test_serve.py::test_the_server_log_holds_no_traceback``.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import REVIEWER, run_cli

#: Each kind of bad input, made in a folder: the name of what to pass.
KINDS = ("missing", "empty", "binary", "latin-1", "folder", "garbage")
R = ("--reviewer", REVIEWER)
#: Every command, with BAD where a file or folder goes.
COMMANDS = [
    ("build", "--manifest", "BAD"),
    ("diff", "BAD", "BAD"),
    ("esco", "import", "BAD"),
    ("evaluate", "--gold", "BAD"),
    ("export", "-f", "turtle", "--manifest", "BAD"),
    ("init", "BAD"),
    ("link", "BAD", "--target", "isco"),
    ("match", "--manifest", "BAD"),
    ("match", "--target", "esco", "--esco", "BAD"),
    ("publish", "--endpoint", "http://127.0.0.1:9/gsp", "--out-dir", "BAD"),
    ("query", "coverage", "--out-dir", "BAD"),
    ("query", "BAD"),
    ("review", "accept", "okla:a", "kcm:b", *R, "--mappings", "BAD"),
    ("review", "answer", "okla:a", "kcm", "--none", *R, "--mappings", "BAD"),
    ("review", "import", "BAD", *R),
    ("review", "merge", "BAD", "BAD"),
    ("review", "merge-file", "BAD", "BAD", "BAD", "positive.sssom.tsv"),
    ("review", "next", "--proposals", "BAD"),
    ("review", "screen", "--proposals", "BAD"),
    ("review", "search", "klant", "--manifest", "BAD"),
    ("review", "simulate", "--gold", "BAD"),
    ("review", "status", "--mappings", "BAD"),
    ("serve", "--out-dir", "BAD"),
    ("site", "-o", "SITE", "--out-dir", "BAD"),
    ("stats", "--manifest", "BAD"),
    ("table", "okla", "-o", "BAD"),
    ("validate", "BAD"),
]


def _bad(folder: Path, kind: str) -> Path:
    path = folder / f"bad-{kind}.tsv"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(b"\x00\x01PK\x03\x04" * 50)
    elif kind == "latin-1":
        path.write_bytes("caf\xe9;na\xefef\n".encode("latin-1"))
    elif kind == "folder":
        path.mkdir()
    elif kind == "garbage":
        path.write_text('"unclosed,\t<<<<<<< HEAD\n[[source]\n= 1\n{"a":', encoding="utf-8")
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c).replace("BAD", "_"))
def test_every_command_answers_bad_input_without_a_traceback(command, tmp_path):
    for kind in KINDS:
        folder = tmp_path / kind
        folder.mkdir()
        bad = str(_bad(folder, kind))
        args = [bad if a == "BAD" else str(folder / "site") if a == "SITE" else a for a in command]
        result = run_cli(*args, cwd=folder)  # an exception here fails the test with it
        said = result.stdout + result.stderr
        assert "Traceback" not in said, (kind, said)
        if result.returncode == 2 and result.stderr.startswith("kcgraph: error:"):
            assert len(result.stderr.strip().splitlines()) == 1, (kind, result.stderr)
