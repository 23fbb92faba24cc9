"""``kcgraph serve`` under load: latency (p50/p95) and requests per second at 1, 10 and 50
concurrent clients, for the bundled queries over the protocol, concept pages (HTML), their
Turtle and the search; the same queries run in this process on the embedded store as the
baseline (the ratio is the cost of the protocol, the workers and the HTTP stack). Then the
limits: a runaway query beside ordinary requests, 200 connections at once, and 100 slow
clients (idle, or sending their headers a byte at a time, from 127.0.0.2) holding
connections while ordinary clients (from 127.0.0.1) are served beside them.

Run: ``python bench/bench_serve.py`` (``--seconds 10`` per level; ``--out-dir`` a build, else
one is made in a temporary folder). The server is started on 127.0.0.1 and stopped after.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

from kcgraph import Settings, Workspace
from kcgraph.build import run_build
from kcgraph.query import load_queries, load_store, run_local

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _start(out: Path, timeout: float, workers: int) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", "kcgraph", "serve", "--port", "0", "--out-dir", str(out)]
    command += ["--timeout", str(timeout), "--workers", str(workers)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline() if process.stdout else ""
    if not line.startswith("serving "):
        process.kill()
        raise SystemExit(f"kcgraph serve did not start: {line!r}")
    return process, line.split()[1].rstrip("/")


def _requests(url: str, out: Path) -> list[tuple[str, str, dict]]:
    """The request mix: (kind, method, requests keyword arguments)."""
    store = load_store(out)
    base = Settings().base
    concepts = [
        row["s"].value
        for row in store.query(
            "SELECT ?s WHERE { ?s <http://www.w3.org/2004/02/skos/core#inScheme> ?p "
            f'FILTER(STRSTARTS(STR(?s), "{base}")) }} ORDER BY ?s LIMIT 200',
            use_default_graph_as_union=True,
        )
    ]
    mix = []
    for q in load_queries().values():
        data = {"query": q.text}
        mix.append(("query", "POST", {"url": f"{url}/sparql", "data": data}))
    for iri in concepts[::10]:
        page = f"{url}/id/{iri.removeprefix(base)}"
        mix.append(("page", "GET", {"url": page, "headers": {"Accept": "text/html"}}))
        mix.append(("turtle", "GET", {"url": page, "headers": {"Accept": "text/turtle"}}))
    for word in ("klant", "gesprek", "kennis", "verkoop"):
        mix.append(("search", "GET", {"url": f"{url}/search", "params": {"q": word}}))
    return mix


def _load(mix: list, clients: int, seconds: float) -> tuple[dict, int, float]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        session.headers["Accept"] = "application/sparql-results+json"
        while time.monotonic() < stop:
            kind, method, kwargs = rng.choice(mix)
            start = time.perf_counter()
            response = session.request(method, timeout=120, **kwargs)
            took = time.perf_counter() - start
            with lock:
                latencies[kind].append(took)
                errors[0] += response.status_code != 200

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.monotonic() - started


def _report(clients: int, latencies: dict, errors: int, elapsed: float) -> None:
    every = [t for values in latencies.values() for t in values]
    print(
        f"{clients:>3} clients: {len(every) / elapsed:7.1f} req/s, p50 {1000 * _percentile(every, 0.5):7.1f} ms, "  # noqa: E501
        f"p95 {1000 * _percentile(every, 0.95):7.1f} ms, {len(every)} requests, {errors} not 200"
    )
    for kind in sorted(latencies):
        values = latencies[kind]
        print(
            f"      {kind:<7} p50 {1000 * _percentile(values, 0.5):7.1f} ms, "
            f"p95 {1000 * _percentile(values, 0.95):7.1f} ms ({len(values)})"
        )


def _baseline(out: Path) -> float:
    """Median in-process time of the bundled queries on the embedded store."""
    store = load_store(out)
    times = []
    for _ in range(3):
        for q in load_queries().values():
            start = time.perf_counter()
            run_local(store, q.text, timeout=60, limit=10_000)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def _runaway(url: str, mix: list, timeout: float) -> None:
    answer: dict[str, float | int] = {}

    def send() -> None:
        start = time.perf_counter()
        status = requests.post(f"{url}/sparql", data={"query": RUNAWAY}, timeout=120).status_code
        answer.update(status=status, seconds=time.perf_counter() - start)

    thread = threading.Thread(target=send)
    thread.start()
    time.sleep(0.2)
    latencies, errors, elapsed = _load(mix, 4, timeout)
    thread.join()
    every = [t for values in latencies.values() for t in values]
    print(
        f"runaway query: HTTP {answer['status']} after {answer['seconds']:.2f} s (timeout "
        f"{timeout:g} s); beside it 4 clients: {len(every) / elapsed:.1f} req/s, p50 "
        f"{1000 * _percentile(every, 0.5):.1f} ms, {errors} not 200"
    )


def _burst(url: str, connections: int) -> None:
    host, port = url.removeprefix("http://").split(":")
    request = (
        "GET /sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D HTTP/1.1\r\n"
        f"Host: {host}\r\nConnection: close\r\n\r\n"
    ).encode()
    statuses: list[int] = []
    lock = threading.Lock()

    def one() -> None:
        with socket.create_connection((host, int(port)), timeout=60) as sock:
            sock.sendall(request)
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        with lock:
            statuses.append(int(data.split(b" ", 2)[1]) if data else 0)

    start = time.perf_counter()
    threads = [threading.Thread(target=one) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - start
    ok, busy = statuses.count(200), statuses.count(503)
    alive = requests.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=30).ok
    print(
        f"{connections} connections at once: {ok} answered 200, {busy} told 503 (busy), "
        f"{connections - ok - busy} other, in {took:.2f} s; answering after: {alive}"
    )


def _slow_clients(url: str, mix: list, slow: int, seconds: float) -> None:
    """``slow`` connections from 127.0.0.2 that send nothing or dribble half a request,
    while ordinary clients from 127.0.0.1 run the mix (latency beside the 1-client level)."""
    host, port = url.removeprefix("http://").split(":")
    held: list[socket.socket] = []
    refused = 0
    for i in range(slow):
        sock = socket.socket()
        sock.bind(("127.0.0.2", 0))
        sock.settimeout(5)
        try:
            sock.connect((host, int(port)))
            if i % 2:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the rest
            held.append(sock)
        except OSError:
            refused += 1
    stop = threading.Event()

    def dribble() -> None:  # a byte a second on every held connection
        while not stop.wait(1.0):
            for sock in held:
                try:
                    sock.sendall(b"X")
                except OSError:
                    pass

    feeder = threading.Thread(target=dribble, daemon=True)
    feeder.start()
    try:
        latencies, errors, elapsed = _load(mix, 10, seconds)
    finally:
        stop.set()
        feeder.join()
    closed = 0
    for sock in held:
        try:
            sock.settimeout(0.5)
            data = sock.recv(1024)
            closed += data == b"" or data.startswith(b"HTTP/1.1 503")
        except OSError:
            closed += 1
        sock.close()
    print(f"{slow} slow clients from 127.0.0.2 beside 10 ordinary ones from 127.0.0.1:")
    _report(10, latencies, errors, elapsed)
    print(
        f"      the slow ones: {closed} of {len(held)} closed or told 503 by the server "
        f"({refused} not connected)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, help="A build (default: built now).")
    parser.add_argument("--seconds", type=float, default=10.0, help="Seconds per level.")
    parser.add_argument("--timeout", type=float, default=5.0, help="The server's query timeout.")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out_dir
        if out is None:
            out = Path(tmp) / "out"
            run_build(Workspace(Settings(out_dir=out)))
        os.environ.setdefault("KCGRAPH_CACHE", str(Path(tmp) / "cache"))
        process, url = _start(out, args.timeout, args.workers)
        try:
            mix = _requests(url, out)
            baseline = _baseline(out)
            print(f"{len(mix)} requests in the mix; {args.workers} workers; {os.cpu_count()} cores")
            for clients in (1, 10, 50):
                latencies, errors, elapsed = _load(mix, clients, args.seconds)
                _report(clients, latencies, errors, elapsed)
                if clients == 1:
                    served = statistics.median(latencies["query"])
                    print(
                        f"      bundled queries in process (baseline): median {1000 * baseline:.1f} ms; "  # noqa: E501
                        f"over the protocol {1000 * served:.1f} ms ({served / baseline:.1f}x)"
                    )
            _runaway(url, mix, args.timeout)
            _burst(url, 200)
            _slow_clients(url, mix, 100, args.seconds)
        finally:
            process.terminate()
            process.wait(30)


if __name__ == "__main__":
    main()
