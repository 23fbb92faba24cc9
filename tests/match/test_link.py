"""kcgraph link: any list of terms linked to ESCO, ISCO-08 or the profiles, as SSSOM."""

from __future__ import annotations

import csv
import gzip

import pytest

from kcgraph.resources import resource_dir

from ..conftest import read_table, run_cli

TITLES = ["Slager", "Callcenteragent", "Klantendienstmedewerker", "Telefonist"]


@pytest.fixture()
def titles(tmp_path):
    path = tmp_path / "titels.csv"
    rows = "".join(f"T{i};{t}\n" for i, t in enumerate(TITLES, start=1))
    path.write_bytes(("\ufeffid;text\n" + rows).encode("utf-8"))  # as Dutch-locale Excel saves
    return path


#: Six real ESCO occupations: the test's own ESCO, in English and in Dutch.
OCCUPATIONS = {
    "0ededdc2-050a-4ec3-8e70-6295105fcd19": "call centre agent",
    "1aadb308-432a-4d01-b54b-b4f7f76dd419": "baker",
    "34ec79d0-85fb-445a-a5f2-df51b70c6375": "slaughterer",
    "37c7880e-cfee-4c41-a41b-061682fefde3": "butcher",
    "9d2aae3e-cbfe-409f-86cc-7cef9cd0435a": "contact centre supervisor",
    "f1ecc3c4-8212-4386-871a-6fda1b5b4d91": "auctioneer",
}


@pytest.fixture()
def two_languages(tmp_path):
    """An ESCO download in English and Dutch: the rows of six occupations of the vendored
    v1.2.0 files (data/esco, data/esco-v1.2.0-nl)."""
    data = resource_dir("data")
    folder = tmp_path / "esco"
    folder.mkdir()
    for source in (
        data / "esco" / "occupations_en.csv.gz",
        data / "esco-v1.2.0-nl" / "occupations_nl.csv.gz",
    ):
        with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
            header, *rows = csv.reader(handle)
        with (folder / source.name.removesuffix(".gz")).open("w", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(r for r in rows if r[1].rsplit("/", 1)[-1] in OCCUPATIONS)
    return folder


def test_dutch_titles_meet_esco_s_dutch_labels(titles, two_languages, tmp_path):
    """Dutch terms are compared with ESCO's Dutch labels (character TF-IDF and the
    encoders); a term in a language ESCO's files here lack (French) meets the English labels
    by the encoders alone."""
    out = tmp_path / "occupations.sssom.tsv"
    result = run_cli(
        "link",
        titles,
        "--target",
        "esco-occupations",
        "-k",
        "2",
        "-o",
        out,
        "--esco",
        two_languages,
    )
    assert result.returncode == 0, result.stderr
    rows = read_table(out)[1]
    first = {r["subject_label"]: r for r in rows if r["candidate_rank"] == "1"}
    assert first["Slager"]["object_label"] == "butcher"
    assert first["Callcenteragent"]["object_label"] == "call centre agent"
    assert all(float(r["cosine_tfidf"]) >= 0 for r in rows)  # the words counted
    english = tmp_path / "english.csv"
    english.write_text("id,text,language\nT1,Boucher,fr\n", encoding="utf-8")
    out_en = tmp_path / "english.sssom.tsv"
    result = run_cli(
        "link", english, "--target", "esco-occupations", "-o", out_en, "--esco", two_languages
    )
    assert result.returncode == 0, result.stderr
    assert all(not r.get("cosine_tfidf") for r in read_table(out_en)[1])  # encoders alone


def test_link_titles_to_the_profiles_and_isco(titles, tmp_path):
    for target, k in (("profiles", 2), ("isco", 2)):
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


def test_a_profile_that_lists_occupations_links_each_as_link_does(tmp_path):
    """A national classification is a list of occupations: every one is linked to ESCO's
    occupations (compared with ESCO's Dutch labels, as ``link`` compares them) and, where
    the source states no ISCO-08 code, to the ISCO-08 unit groups."""
    table = tmp_path / "beroepen.csv"
    table.write_text(
        "id,kind,text,isco_codes\n"
        "b1,Occupation,Slager,\n"
        "b2,Occupation,Callcenteragent,4222\n"
        "b3,Occupation,Telefonist,\n"
        "c1,Competency,Beantwoordt vragen van klanten aan de telefoon,\n",
        encoding="utf-8",
    )
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        '[[source]]\nid = "beroepen"\nfile = "beroepen.csv"\nparser = "table"\n'
        'title = "Beroepen"\npublisher = "Test"\nregion = "BE"\nlanguage = "nl-BE"\n',
        encoding="utf-8",
    )
    common = ("--manifest", manifest, "--mappings", tmp_path / "decisions")
    for target in ("esco", "isco"):
        output = tmp_path / f"{target}.sssom.tsv"
        run = run_cli("match", "--target", target, "-o", output, *common)
        assert run.returncode == 0, run.stderr
        rows = [
            r
            for r in read_table(output)[1]
            if r["subject_label"] in {"Slager", "Callcenteragent", "Telefonist"}
        ]
        linked = {r["subject_label"] for r in rows}
        if target == "isco":
            assert linked == {"Slager", "Telefonist"}  # Callcenteragent states 4222
            continue
        assert linked == {"Slager", "Callcenteragent", "Telefonist"}
        first = {r["subject_label"]: r["object_label"] for r in rows if r["candidate_rank"] == "1"}
        assert first["Slager"] in {"slager", "butcher"}, first
        assert all(r["cosine_tfidf"] for r in rows)  # compared in Dutch: the lexical signal


def test_reconciliation_ranks_as_link_does(titles, tmp_path):
    """The Reconciliation API's candidates are ``kcgraph link``'s, in its order (here for
    ISCO-08 and ESCO's occupations; skills differ only by the batch-independent hubness)."""
    from kcgraph.match.reconcile import Query, Reconciler

    from ..conftest import workspace

    reconciler = Reconciler(workspace())
    for target, kind in (("isco", "isco"), ("esco-occupations", "esco-occupation")):
        out = tmp_path / f"{target}.sssom.tsv"
        assert run_cli("link", titles, "--target", target, "-k", "3", "-o", out).returncode == 0
        rows = read_table(out)[1]
        queries = [Query(f"T{i}", t, kind, 3) for i, t in enumerate(TITLES, start=1)]
        found = reconciler.reconcile(queries)
        converter = reconciler.workspace.converter
        for q in queries:
            linked = [r["object_id"] for r in rows if r["subject_id"] == f"titels:{q.key}"]
            assert [converter.compress(f.iri) for f in found[q.key]] == linked, q.text
