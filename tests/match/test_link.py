"""kcgraph link: any list of terms linked to ESCO, ISCO-08 or the profiles, as SSSOM."""

from __future__ import annotations

import pytest

from ..conftest import read_table, run_cli

TITLES = ["Slager", "Callcenteragent", "Klantendienstmedewerker", "Telefonist"]


@pytest.fixture()
def titles(tmp_path):
    path = tmp_path / "titels.csv"
    rows = "".join(f"T{i};{t}\n" for i, t in enumerate(TITLES, start=1))
    path.write_bytes(("\ufeffid;text\n" + rows).encode("utf-8"))  # as Dutch-locale Excel saves
    return path


def test_link_titles_to_esco_occupations_and_the_profiles(titles, tmp_path):
    for target, k in (("esco-occupations", 3), ("profiles", 2), ("isco", 2)):
        out = tmp_path / f"{target}.sssom.tsv"
        result = run_cli("link", titles, "--target", target, "-k", str(k), "-o", out)
        assert result.returncode == 0, result.stderr
        assert f"{len(TITLES) * k} candidates for {len(TITLES)} terms" in result.stdout
        metadata, rows = read_table(out)
        assert metadata["curie_map"]["titels"] == "https://w3id.org/kcgraph/id/titels/"
        assert [r["subject_id"] for r in rows[:k]] == ["titels:T1"] * k
        assert {r["subject_label"] for r in rows} == set(TITLES)
        ranks = [int(r["candidate_rank"]) for r in rows[:k]]
        assert ranks == list(range(1, k + 1))
        scores = [float(r["similarity_score"]) for r in rows[:k]]
        assert scores == sorted(scores, reverse=True)
    isco = read_table(tmp_path / "isco.sssom.tsv")[1]
    agent = [r["object_id"] for r in isco if r["subject_label"] == "Callcenteragent"]
    assert "isco:C4222" in agent  # contact centre information clerks


def test_link_skills_ranked_with_the_learnt_confidence(tmp_path):
    from ..conftest import ROOT

    terms = tmp_path / "kunnen.tsv"
    terms.write_text("id\ttext\nK1\tKlachten van klanten behandelen\n", encoding="utf-8")
    out = tmp_path / "skills.sssom.tsv"
    mappings = str(ROOT / "data" / "mappings")
    result = run_cli("link", terms, "--target", "esco-skills", "-o", out, KCGRAPH_MAPPINGS=mappings)
    assert result.returncode == 0, result.stderr
    assert "(learnt ranker)" in result.stdout
    rows = read_table(out)[1]
    confidence = [float(r["confidence"]) for r in rows]
    assert confidence == sorted(confidence, reverse=True) and 0 < confidence[0] < 1
    assert "complaints" in rows[0]["object_label"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,text\nT1,a\n", ":1: missing column(s) id"),
        ("id,text\nT1,a\nT1,b\n", ":3: column id: 'T1' is also the id of row 2"),
        ('id,text\nT1,"a\nT2,b\n', ':2: a quote (") opened in this row is never closed'),
        ("id,text,text\nT1,a,b\n", ":1: column 'text' named twice"),
        ("id,text\nT1,\n", ":2: column text: empty"),
        ("id,text\n", ":1: no terms"),
    ],
)
def test_a_bad_list_is_one_line_naming_file_and_row(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "out.sssom.tsv"
    result = run_cli("link", path, "--target", "isco", "-o", out)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: {path}{message}"] or (
        message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    )
    assert not out.exists()
