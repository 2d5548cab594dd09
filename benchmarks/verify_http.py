"""``POST /api/v1/verify`` under 8 concurrent clients (issue #19 part 2): p50 / p99 latency against the running server.

    .venv/bin/python benchmarks/verify_http.py [--clients 8] [--calls 400] [--verify-calls 200] [--pairs 2000]

The real ``himozuke serve`` runs as a subprocess on a fresh store (a token with a rate limit high enough not to
bite); each client thread keeps one HTTP/1.1 connection and calls in a loop (the first 20 calls of each client are
warm-up, not counted). Printed, all in the same run:

- baseline: ``GET /api/v1/ping`` — authenticated, rate-limited, no body, no check, no audit;
- overhead: ``POST /api/v1/verify`` on a second server whose ``himozuke.verification.verify`` returns a canned
  answer — body validation, the thread hop, the grouped audit write, the JSON answer: everything but the check;
- total: ``POST /api/v1/verify`` on the real server over synthetic pairs (``himozuke.testing``; A / B / C / E);
- in-process: ``verify()`` alone, one caller, on the same pairs (what the endpoint adds is total − this).

Besides the latencies, the server's CPU time per call (from /proc, warm-up included): on a shared, loaded machine
latency follows the neighbours, CPU per call much less.

Every verify call must be answered 200 and audited: the audit entries are counted afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import polars as pl

from himozuke.cases import tokens as tokens_mod
from himozuke.cases.store import open_store
from himozuke.cases.users import add_user
from himozuke.formats import columns as C

PASSPHRASE = "benchmark passphrase"
WARMUP = 20
_CANNED = """
import himozuke.verification as v
from himozuke.formats import columns as C
_answer = v.Verification(number=None, verdict="A", items={i: "一致" for i in C.ITEMS}, reasons=None,
                         explanation=None, priority=None, business={i: None for i in C.ITEMS},
                         registry={i: None for i in C.ITEMS})
v.verify = lambda business, registry, **kw: _answer
"""


def _pairs(n: int) -> list[dict]:
    from himozuke.testing.perturb import business_copy
    from himozuke.testing.population import generate_population

    pop = generate_population(n, seed=19)
    registry = pop.select(C.STANDARD).with_columns(pl.col(C.BIRTH_DATE).cast(pl.String))
    business = business_copy(pop, seed=19).select(C.STANDARD)
    joined = business.join(registry, on=C.MY_NUMBER, how="left", suffix="_r")
    out = []
    for row in joined.iter_rows(named=True):
        reg = None if row[f"{C.KANJI_NAME}_r"] is None else {
            C.MY_NUMBER: row[C.MY_NUMBER], **{i: row[f"{i}_r"] for i in C.ITEMS}}
        out.append({"business": {c: row[c] for c in C.STANDARD}, "registry": reg})
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """``himozuke serve`` in a subprocess (``prelude``: Python run before the CLI, e.g. the canned verify)."""

    def __init__(self, store: Path, folder: Path, prelude: str = "") -> None:
        self.port = _free_port()
        code = prelude + "\nfrom himozuke.cli import main\nmain()"
        env = {**os.environ, "HIMOZUKE_PASSPHRASE": PASSPHRASE}
        self.proc = subprocess.Popen([sys.executable, "-c", code, "serve", "--store", str(store), "--runs",
                                      str(folder / "runs"), "--port", str(self.port), "--api-rate", "100000",
                                      "--api-burst", "100000"], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("himozuke serve did not start") from None
                time.sleep(0.1)

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system, from /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def _load(port: int, token: str, clients: int, calls: int, request) -> tuple[list[float], int]:
    """Latencies (s) of ``calls`` requests per client after the warm-up, and how many were not 200."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        for i in range(WARMUP + calls):
            method, path, body = request(k * 100_003 + i)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            t0 = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            r.read()
            took = time.perf_counter() - t0
            if i >= WARMUP:
                mine.append(took)
                if r.status != 200:
                    with lock:
                        failures[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, failures[0]


def _p(latencies: list[float], q: float) -> float:
    return statistics.quantiles(latencies, n=1000, method="inclusive")[int(q * 1000) - 1] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--calls", type=int, default=400, help="calls per client (ping, overhead)")
    ap.add_argument("--verify-calls", type=int, default=200, help="calls per client on the real verify")
    ap.add_argument("--pairs", type=int, default=2000)
    args = ap.parse_args()
    pairs = _pairs(args.pairs)
    bodies = [json.dumps(p, ensure_ascii=False).encode() for p in pairs]
    rows: list[tuple[str, list[float], int, float | None]] = []
    with tempfile.TemporaryDirectory(prefix="himozuke-bench-") as tmp:
        folder = Path(tmp)
        store_path = folder / "cases.db"
        with open_store(store_path, PASSPHRASE, create=True) as store:
            admin = add_user(store, None, "admin", "管理者", "bench-password")
            token = tokens_mod.add_token(store, admin, "bench")

        def verify_call(i: int):
            return "POST", "/api/v1/verify", bodies[i % len(bodies)]

        for name, prelude, request, calls in (
            ("baseline: GET /api/v1/ping", "", lambda i: ("GET", "/api/v1/ping", None), args.calls),
            ("overhead: POST /api/v1/verify, canned verify", _CANNED, verify_call, args.calls),
            ("total: POST /api/v1/verify", "", verify_call, args.verify_calls),
        ):
            server = Served(store_path, folder, prelude)
            try:
                cpu = server.cpu_seconds()
                latencies, failures = _load(server.port, token, args.clients, calls, request)
                cpu = (server.cpu_seconds() - cpu) / (args.clients * (WARMUP + calls))
            finally:
                server.stop()
            rows.append((name, latencies, failures, cpu))
        with open_store(store_path, PASSPHRASE) as store:
            audited = store.query("SELECT count(*) FROM audit WHERE action = ?", (tokens_mod.CALL_ACTION,))[0][0]

    from himozuke.verification import verify

    alone = []
    for p in pairs[: max(50, args.verify_calls)]:
        t0 = time.perf_counter()
        verify(p["business"], p["registry"])
        alone.append(time.perf_counter() - t0)
    alone = alone[10:]
    rows.append(("in-process: verify() alone, 1 caller", alone, 0, None))
    expected = args.clients * (WARMUP + args.calls) + args.clients * (WARMUP + args.verify_calls)
    print(f"{args.clients} concurrent clients, {os.cpu_count()} cores; audited verify calls: {audited} "
          f"(expected {expected})")
    print("| what | calls | p50 ms | p99 ms | server CPU ms / call | not 200 |\n|---|---:|---:|---:|---:|---:|")
    for name, lat, failures, cpu in rows:
        cpu_ms = "" if cpu is None else f"{cpu * 1000:.2f}"
        print(f"| {name} | {len(lat)} | {_p(lat, 0.5):.1f} | {_p(lat, 0.99):.1f} | {cpu_ms} | {failures} |")


if __name__ == "__main__":
    main()
