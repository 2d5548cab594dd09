"""Peer benchmark (issue 8): ``himozuke check`` beside Splink 5 (DuckDB backend) on the same pairs and fields.

    .venv/bin/python benchmarks/splink_peer.py [--pairs 1000000] [--out bench-output] [--repeat 3]
    .venv/bin/python benchmarks/splink_peer.py --show-bytes

Both jobs are real subprocesses in the same run, on the same generated files (``_bench.make_pairs``); time and
peak RSS are each child's own (``_bench.run_child``). The Splink job links the two tables (``link_only``),
blocked on 個人番号 equality, with five comparisons (漢字氏名, カナ氏名: exact / Jaro-Winkler ≥ 0.9, ≥ 0.7;
住所: exact / Levenshtein ≤ 1, ≤ 3; 生年月日, 性別: exact) and writes every blocked pair with its comparison
vector (``gamma_*``) and both sides' values to Parquet. No training: ``predict()`` runs on Splink's default
m/u, which changes the weights but not the gamma vectors, which is the work being compared.

Splink 5 turns non-ASCII column names into underscores in its derived columns (漢字氏名 and カナ氏名 both
become ``gamma_____``, so five comparisons yield two gamma columns); the child therefore renames the six
columns to ASCII when reading. DuckDB's ``levenshtein`` and ``jaro_winkler_similarity``, which Splink's levels
call, count UTF-8 bytes, not characters: ``--show-bytes`` prints the evidence, also kept in the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

# Column renames for the Splink child: Splink 5 derives output names (gamma_, mw_) from input names and
# maps every non-ASCII character to "_", so Japanese names collide.
_ASCII = {"個人番号": "my_number", "漢字氏名": "kanji_name", "カナ氏名": "kana_name",
          "生年月日": "birth_date", "性別": "sex", "住所": "address"}

# (left, right, why) — one character differs in each pair; compare the byte and the character counts.
_BYTE_PAIRS = [
    ("ab", "xb", "ASCII, one character differs"),
    ("髙橋", "高橋", "異体字: code points differ in the last UTF-8 byte only"),
    ("斉藤", "齋藤", "異体字: all three UTF-8 bytes differ"),
    ("渡辺", "渡邊", "異体字: all three UTF-8 bytes differ"),
]


def _splink_child(business: str, registry: str, out: str) -> None:
    """The measured Splink job: read both CSVs into DuckDB, predict over blocked pairs, write Parquet."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect()
    select = ", ".join(f'"{ja}" AS {en}' for ja, en in _ASCII.items())
    for table, path in (("business", business), ("registry", registry)):
        con.execute(f"CREATE TABLE {table} AS SELECT row_number() OVER () AS unique_id, {select} "
                    f"FROM read_csv(?, all_varchar = true, header = true)", [path])
    db_api = DuckDBAPI(con)
    tables = [db_api.register(t, dataset_display_name=t) for t in ("business", "registry")]
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[block_on("my_number")],
        comparisons=[
            cl.JaroWinklerAtThresholds("kanji_name", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("kana_name", [0.9, 0.7]),
            cl.ExactMatch("birth_date"),
            cl.ExactMatch("sex"),
            cl.LevenshteinAtThresholds("address", [1, 3]),
        ],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
    )
    linker = Linker(tables, settings, log_level=None)
    predictions = linker.inference.predict(warning_mode="never")
    predictions.as_duckdbpyrelation().write_parquet(out)


def byte_evidence() -> list[dict[str, object]]:
    """DuckDB's distances on one-character differences, with character and byte lengths."""
    import duckdb

    con = duckdb.connect()
    rows = con.execute(
        "SELECT a, b, length(a), strlen(a), levenshtein(a, b), round(jaro_similarity(a, b), 4), "
        "round(jaro_winkler_similarity(a, b), 4) FROM (SELECT unnest(?) AS a, unnest(?) AS b)",
        [[p[0] for p in _BYTE_PAIRS], [p[1] for p in _BYTE_PAIRS]],
    ).fetchall()
    names = ("left", "right", "chars", "utf8_bytes", "levenshtein", "jaro", "jaro_winkler")
    return [dict(zip(names, row, strict=True), why=why) for row, (_, _, why) in zip(rows, _BYTE_PAIRS, strict=True)]


def _print_evidence(rows: list[dict[str, object]]) -> None:
    print("| left | right | chars | UTF-8 bytes | levenshtein | jaro | jaro_winkler | why |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['left']} | {r['right']} | {r['chars']} | {r['utf8_bytes']} | {r['levenshtein']} | "
              f"{r['jaro']} | {r['jaro_winkler']} | {r['why']} |")


def _gamma_summary(parquet: Path) -> dict[str, object]:
    """Pair count and per-comparison level counts of the Splink output (read after timing)."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE VIEW out AS SELECT * FROM read_parquet('{parquet}')")
    gammas = [c for c in con.table("out").columns if c.startswith("gamma_")]
    levels = {g: dict(sorted(con.execute(f"SELECT {g}, count(*) FROM out GROUP BY ALL").fetchall()))
              for g in gammas}
    return {"pairs": con.execute("SELECT count(*) FROM out").fetchone()[0], "levels": levels}


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    return {p: version(p) for p in ("himozuke", "splink", "duckdb", "polars")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=Path("bench-output"))
    ap.add_argument("--repeat", type=int, default=1, help="runs of each job, interleaved; median time, max RSS")
    ap.add_argument("--show-bytes", action="store_true", help="only print DuckDB's byte-counting evidence")
    ap.add_argument("--splink-child", nargs=3, metavar=("BUSINESS", "REGISTRY", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.splink_child:
        _splink_child(*args.splink_child)
        return
    evidence = byte_evidence()
    _print_evidence(evidence)
    if args.show_bytes:
        return

    sys.path.insert(0, str(Path(__file__).parent))
    from _bench import make_pairs, run_child

    t0 = time.perf_counter()
    b, r = make_pairs(args.pairs, args.out)
    print(f"inputs: {b.name}, {r.name} ({time.perf_counter() - t0:.1f} s to generate or reuse)", flush=True)
    load_before = os.getloadavg()
    himozuke = str(Path(sys.executable).with_name("himozuke"))
    ours_dir, splink_out = args.out / f"splink-peer-{args.pairs}-himozuke", args.out / f"splink-{args.pairs}.parquet"
    commands = {
        "himozuke": [himozuke, "check", str(b), str(r), "--out", str(ours_dir), "--formats", "csv"],
        "splink": [sys.executable, __file__, "--splink-child", str(b), str(r), str(splink_out)],
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}  # (seconds, peak MiB)
    for i in range(args.repeat):  # interleaved, so a change in machine load hits both alike
        for name, cmd in commands.items():
            runs[name].append(run_child(cmd)[:2])
            print(f"run {i + 1}/{args.repeat} {name:8}: {runs[name][-1][0]:7.1f} s {runs[name][-1][1]:7.0f} MiB",
                  flush=True)
    seconds = {name: statistics.median(s for s, _ in rs) for name, rs in runs.items()}
    rss = {name: max(m for _, m in rs) for name, rs in runs.items()}
    run = json.loads((ours_dir / "run.json").read_text(encoding="utf-8"))
    figures = {
        "pairs": args.pairs,
        "repeat": args.repeat,
        "himozuke_seconds": round(seconds["himozuke"], 2),
        "splink_seconds": round(seconds["splink"], 2),
        "time_ratio_himozuke_over_splink": round(seconds["himozuke"] / seconds["splink"], 3),
        "himozuke_peak_rss_mib": round(rss["himozuke"]),
        "splink_peak_rss_mib": round(rss["splink"]),
        "memory_ratio_himozuke_over_splink": round(rss["himozuke"] / rss["splink"], 3),
        "runs": {name: [{"seconds": round(s, 2), "peak_rss_mib": round(m)} for s, m in rs]
                 for name, rs in runs.items()},
        "himozuke_counts": run["counts"],
        "himozuke_engine": run.get("engine"),
        "himozuke_phase_seconds": run.get("seconds"),
        "splink_output": _gamma_summary(splink_out),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "versions": _versions(),
        "duckdb_byte_evidence": evidence,
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    (args.out / f"splink-peer-{args.pairs}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
