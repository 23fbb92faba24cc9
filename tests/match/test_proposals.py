"""Proposal files: the mapping set is named after the file written and the base IRI."""

from __future__ import annotations

import dataclasses

from kcgraph.match import match_profiles, proposals_metadata, write_proposals

from ..conftest import derived, read_table


def test_mapping_set_id_follows_the_file_and_the_base(session_ws, tmp_path):
    ws = derived(session_ws, mappings_dir=tmp_path / "none")
    result = match_profiles(ws)
    path = tmp_path / "my-queue.sssom.tsv"
    write_proposals(path, result, ws.converter)
    metadata, _ = read_table(path)
    assert metadata["mapping_set_id"] == "https://w3id.org/kcgraph/id/mappings/my-queue"
    other = dataclasses.replace(result, settings=ws.settings.with_options(base="https://e.org/k/"))
    assert (
        str(proposals_metadata(other, path).mapping_set_id) == "https://e.org/k/mappings/my-queue"
    )
