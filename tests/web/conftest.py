"""A build with the test decisions and open proposals, served by a real ``kcgraph serve``
on 127.0.0.1 (a subprocess, stopped after), and its in-process service for the site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph

from ..conftest import RESOURCES, run_cli

#: Seconds a query may run on the test server (the runaway-query test waits this long).
TIMEOUT = 6
#: Each query worker's address space on the test server (MiB).
MEMORY_MB = 1536
#: Seconds the test server waits for a request's headers (or body) before closing.
REQUEST_SECONDS = 2.0
#: Rows the test server answers at most.
LIMIT = 5000


@pytest.fixture(scope="session")
def web_out(tmp_path_factory, decided_out, proposals) -> Path:
    """The default build with the test decisions, and the open proposals queue beside it."""
    out = tmp_path_factory.mktemp("web-out") / "out"
    shutil.copytree(decided_out, out)
    shutil.copy(proposals, out / "proposals.sssom.tsv")
    return out


@dataclass(frozen=True)
class Served:
    url: str
    out: Path
    process: subprocess.Popen
    log: Path  # what the server wrote to stderr


@pytest.fixture(scope="session")
def served(web_out, isolated_environment, tmp_path_factory) -> Iterator[Served]:
    """``kcgraph serve`` on a free port of 127.0.0.1, two workers; stopped afterwards. Its
    stderr goes to a log file; a traceback there fails the session when it stops."""
    log = tmp_path_factory.mktemp("serve-log") / "stderr.log"
    env = {**os.environ, "KCGRAPH_MAPPINGS": str(RESOURCES / "mappings")}
    env["KCGRAPH_SERVE_MEMORY_MB"] = str(MEMORY_MB)
    env["KCGRAPH_SERVE_REQUEST_SECONDS"] = str(REQUEST_SECONDS)
    command = [sys.executable, "-m", "kcgraph", "serve", "--port", "0", "--out-dir", web_out]
    command += ["--timeout", str(TIMEOUT), "--limit", str(LIMIT)]
    with log.open("w", encoding="utf-8") as errors:
        process = subprocess.Popen(
            [str(c) for c in command], env=env, stdout=subprocess.PIPE, stderr=errors, text=True
        )
    try:
        deadline = time.monotonic() + 120
        line = process.stdout.readline() if process.stdout else ""
        if not line.startswith("serving ") or time.monotonic() > deadline:
            raise AssertionError(f"kcgraph serve did not start: {line}{log.read_text()}")
        yield Served(line.split()[1].rstrip("/"), web_out, process, log)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
    assert "Traceback" not in log.read_text(encoding="utf-8"), log.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def site(tmp_path_factory, decided_out) -> Path:
    """The static site of the build with the test decisions, written once (no proposals
    queue: the pages' proposals are the server's test)."""
    target = tmp_path_factory.mktemp("site") / "site"
    result = run_cli(
        "site", "-o", target, "--out-dir", decided_out, KCGRAPH_MAPPINGS=str(RESOURCES / "mappings")
    )
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture(scope="session")
def graph(decided_out) -> Graph:
    """The profiles and mappings of the build as rdflib reads them (to name what the
    pages and documents must hold, independently of the server)."""
    graph = Graph()
    for name in ("kcgraph.ttl", "mappings.ttl"):
        graph.parse(decided_out / name, format="turtle")
    return graph
