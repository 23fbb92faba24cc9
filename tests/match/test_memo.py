"""A second identical ``kcgraph match`` writes the queue the first made, from the cache; any
change of what it depends on computes it again."""

from __future__ import annotations

import shutil

from kcgraph.match.memo import MatchMemo

from ..conftest import RESOURCES, run_cli, workspace


def test_an_identical_match_is_replayed_and_a_new_decision_recomputes(tmp_path):
    decisions = tmp_path / "mappings"
    shutil.copytree(RESOURCES / "mappings", decisions)
    first, second = tmp_path / "a" / "isco.sssom.tsv", tmp_path / "b" / "isco.sssom.tsv"
    env = {"KCGRAPH_MAPPINGS": str(decisions)}
    computed = run_cli("match", "--target", "isco", "-o", first, **env)
    assert computed.returncode == 0 and "nothing changed" not in computed.stdout
    replayed = run_cli("match", "--target", "isco", "-o", second, **env)
    assert replayed.returncode == 0 and "nothing changed" in replayed.stdout
    assert second.read_bytes() == first.read_bytes()
    fresh = run_cli("match", "--target", "isco", "-o", second, "--fresh", **env)
    assert fresh.returncode == 0 and "nothing changed" not in fresh.stdout
    assert second.read_bytes() == first.read_bytes()  # computed again: the same bytes
    ws = workspace(mappings_dir=decisions)
    memo = MatchMemo.of(ws, "isco", second)
    assert MatchMemo.of(ws, "isco", first) == memo  # the same file name, the same queue
    assert MatchMemo.of(ws, "esco", second) != memo  # another target
    (decisions / "negative.sssom.tsv").write_text(
        (decisions / "negative.sssom.tsv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert MatchMemo.of(workspace(mappings_dir=decisions), "isco", second) != memo
    again = run_cli("match", "--target", "isco", "-o", second, **env)
    assert again.returncode == 0 and "nothing changed" not in again.stdout


def test_an_unreadable_entry_is_computed_again(tmp_path):
    decisions = tmp_path / "mappings"
    shutil.copytree(RESOURCES / "mappings", decisions)
    out = tmp_path / "isco.sssom.tsv"
    env = {"KCGRAPH_MAPPINGS": str(decisions)}
    assert run_cli("match", "--target", "isco", "-o", out, **env).returncode == 0
    memo = MatchMemo.of(workspace(mappings_dir=decisions), "isco", out)
    (memo.folder / "summary.json").write_text("{not json", encoding="utf-8")
    assert memo.replay(out) is None
    again = run_cli("match", "--target", "isco", "-o", out, **env)
    assert again.returncode == 0 and "nothing changed" not in again.stdout
    assert memo.replay(out) is not None
