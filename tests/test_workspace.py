"""The run context: made once, passed whole, derived without recomputing what stays the same,
and ISCO-08 follows ``--esco`` like ESCO does."""

from __future__ import annotations

from kcgraph.vocab.model import ESCO_VERSION

from .conftest import RESOURCES, derived, read_table, run_cli, workspace

FIXTURE = RESOURCES / "esco"


def test_a_derived_workspace_keeps_what_its_options_do_not_change(session_ws, tmp_path):
    same = derived(session_ws, mappings_dir=tmp_path, top_k=3)
    assert same.scorer is session_ws.scorer and same.profiles is session_ws.profiles
    assert same.settings.top_k == 3 and same.settings.mappings_dir == tmp_path
    other = derived(session_ws, base="https://example.org/kc/")
    assert "scorer" not in other.__dict__ and "converter" not in other.__dict__
    assert other.profiles is session_ws.profiles  # the manifest is the same
    assert derived(session_ws) is session_ws


def test_isco_follows_the_esco_download():
    vendored = workspace()
    assert len(vendored.isco_groups) == 619
    ws = workspace(esco_dir=FIXTURE)
    assert [g.code for g in ws.isco_groups] == ["4", "42", "422", "4222"]
    assert "http://data.europa.eu/esco/isco/C4222" in ws.vocabulary_iris
    assert "http://data.europa.eu/esco/isco/C5244" not in ws.vocabulary_iris
    assert ws.vocabulary_versions == {}  # a download states no version of its own
    assert set(vendored.vocabulary_versions.values()) == {ESCO_VERSION}


def test_match_isco_with_a_download_proposes_its_groups(tmp_path):
    out = tmp_path / "isco.sssom.tsv"
    result = run_cli("match", "--target", "isco", "--esco", FIXTURE, "-o", out)
    assert result.returncode == 0, result.stderr
    metadata, rows = read_table(out)
    assert rows and {r["object_id"] for r in rows} == {"isco:C4222"}
    assert metadata["mapping_set_id"].endswith("/mappings/isco")
