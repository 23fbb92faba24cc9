"""The review loop on the command line: screen, answer, status (clashes), search, simulate."""

from __future__ import annotations

import shutil

from tests.conftest import REVIEWER, ROOT, SHARED_GOLD, run_cli


def test_review_by_statement_on_the_command_line(proposals, tmp_path):
    mappings = tmp_path / "mappings"
    shutil.copytree(ROOT / "data" / "mappings", mappings)
    common = ["--mappings", mappings, "--proposals", proposals]
    shown = run_cli("review", "screen", *common)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[2].startswith("candidates in ") and lines[3].lstrip().startswith("1. p=")
    command = lines[-1].removeprefix("answer: kcgraph ").split(" N[")[0].split()
    statement, scheme = command[2], command[3]
    answered = run_cli(*command, "1=exactMatch", *common, KCGRAPH_REVIEWER=REVIEWER)
    assert answered.returncode == 0, answered.stderr
    first, *rest = answered.stdout.splitlines()
    assert first.startswith("accept: ") and "skos:exactMatch" in first
    assert all(line.startswith("reject: ") for line in rest)
    assert statement in (mappings / "positive.sssom.tsv").read_text(encoding="utf-8")
    again = run_cli(
        "review", "answer", statement, scheme, "--none", *common, KCGRAPH_REVIEWER=REVIEWER
    )
    # the rest of the screen, if any is left open by the queue; else one line that says so
    assert again.returncode in (0, 1) or again.stderr.endswith(f"no open screen towards {scheme}\n")
    bad = run_cli("review", "answer", statement, scheme, "9", *common, KCGRAPH_REVIEWER=REVIEWER)
    assert bad.returncode != 0 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    neither = run_cli("review", "answer", statement, scheme, *common)
    assert neither.returncode == 2 and "--none" in neither.stderr
    status = run_cli("review", "status", *common)
    assert status.returncode == 0
    # the committed expert gold links one statement to two of one profile: reported
    assert "clash: " in status.stdout and "kcgreviewer:crosswalk-dev-expert" in status.stdout
    found = run_cli("review", "search", "klachten", "--in", "okla")
    assert found.returncode == 0 and "okla:kan-klachten-afhandelen" in found.stdout


def test_review_simulate_on_the_command_line(tmp_path):
    result = run_cli("review", "simulate", "--gold", SHARED_GOLD, "--actions", "3")
    assert result.returncode == 0, result.stderr
    assert "43 gold links" in result.stdout and "at the end (3 actions)" in result.stdout
    missing = run_cli("review", "simulate", "--gold", tmp_path / "none.tsv")
    assert missing.returncode == 2
