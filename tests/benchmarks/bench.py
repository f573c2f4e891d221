"""Performance benchmarks (never part of the test suite). Run from the repo root:

    .venv/bin/python tests/benchmarks/bench.py [--floors DIR] [--runs 15] [--batch-runs 5]

Each target is a ratio measured in one run on this machine, against the floor
scripts beside this file (``floor_startup.py``, ``floor_batch.py``; ``--floors``
names another folder of them), with alternating runs and medians:

1. start-up: ``ketacalc quote 70 --json`` (target <= 0.9x), ``quote '154 lb'
   --json`` (target <= 1.0x) and ``quote 70`` (table) vs ``floor_startup.py``;
2. batch: ``ketacalc batch`` on a typical 200,000-row CSV (target <= 1.25x), and
   on ``make_varied.py``'s 200,000 rows where weight, rate, duration and
   infusions all vary, so no cache helps (target <= 2.0x, 1.5x excellent), vs
   ``floor_batch.py``;
3. memory: peak RSS of the batch for 200,000 rows vs 20,000 rows (target <= 1.3x);
4. output: ``batch --output csv`` vs the JSON Lines default on the same 200,000 rows (target <=
   1.3x), and ``--output xlsx`` vs ``--output csv`` on 100,000 rows (target <= 3x, peak RSS under
   150 MB).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def make_csv(path: Path, rows: int, seed: int = 20261127, distinct: bool = False) -> None:
    """id, weight (kg and lb units mixed, some bare), rate, infusions; some cells empty.
    ``distinct``: weights to 0.01 kg, so nearly every row has a dose of its own
    (the worst case for ketacalc's per-dose caches)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id,weight,rate,infusions\n")
        for i in range(rows):
            kg = rng.uniform(45, 140)
            if distinct:
                weight = f"{kg:.2f} kg"
            else:
                weight = rng.choice([f"{kg:.1f}", f"{kg:.1f} kg", f"{kg / 0.45359237:.0f} lb", f"{kg:.0f}kg"])
            rate = rng.choice(["", "0.5", "0.4", "0.75", "0.25", "0.1"])
            infusions = rng.choice(["", "6", "4", "8", "3"])
            handle.write(f"P{i:06d},{weight},{rate},{infusions}\n")


def wall(command: list[str], stdout_path: str = "/dev/null") -> float:
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        subprocess.run(command, stdout=out, stderr=subprocess.DEVNULL, check=False)
        return time.perf_counter() - start


def peak_rss_kb(command: list[str]) -> int:
    """Peak RSS of one child process, measured in a fresh helper process so
    RUSAGE_CHILDREN holds only that child."""
    helper = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", helper, *command], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def ratio(ours: list[str], floor: list[str], runs: int) -> tuple[float, float, float]:
    """Median wall times of alternating runs (after one warm-up each), and their ratio."""
    wall(ours), wall(floor)
    ours_s, floor_s = [], []
    for _ in range(runs):
        ours_s.append(wall(ours))
        floor_s.append(wall(floor))
    o, f = statistics.median(ours_s), statistics.median(floor_s)
    return o, f, o / f


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--floors", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--batch-runs", type=int, default=5)
    args = parser.parse_args()
    bench = args.floors
    python = sys.executable
    ketacalc = [python, "-m", "ketacalc"]

    print(f"python {sys.version.split()[0]}, {args.runs} start-up runs, {args.batch_runs} batch runs")
    # Measured as installed: `pip install .` (the README's first command)
    # compiles every module to bytecode. An editable install does not, and
    # with PYTHONDONTWRITEBYTECODE set (as on the farm's machines) each start
    # would then compile ketacalc's source again, about 15 ms; compileall
    # writes the bytecode whatever that variable says.
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "ketacalc")], check=True)
    for label, weight, extra, target in (
        ("quote 70 --json", "70", ["--json"], "0.9"),
        ("quote '154 lb' --json", "154 lb", ["--json"], "1.0"),
        ("quote 70 (table)", "70", [], "-"),
    ):
        o, f, r = ratio(
            [*ketacalc, "quote", weight, *extra], [python, str(bench / "floor_startup.py"), weight, *extra], args.runs
        )
        print(
            f"start-up {label:22s} ours {o * 1000:6.1f} ms  floor {f * 1000:6.1f} ms  "
            f"ratio {r:.2f} (target <= {target})"
        )

    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "b200k.csv", Path(tmp) / "b20k.csv"
        make_csv(big, 200_000)
        make_csv(small, 20_000)
        o, f, r = ratio(
            [*ketacalc, "batch", str(big)], [python, str(bench / "floor_batch.py"), str(big)], args.batch_runs
        )
        rows_per_s = 200_000 / o
        print(
            f"batch 200,000 rows       ours {o:6.2f} s   floor {f:6.2f} s   ratio {r:.2f} (target <= 1.25)  "
            f"{rows_per_s:,.0f} rows/s"
        )
        varied = Path(tmp) / "varied.csv"
        with varied.open("w", encoding="utf-8") as handle:
            subprocess.run([python, str(bench / "make_varied.py"), "200000"], stdout=handle, check=True)
        o, f, r = ratio([*ketacalc, "batch", str(varied)], [python, str(bench / "floor_batch.py"), str(varied)], 3)
        print(f"batch, every column varies ours {o:6.2f} s floor {f:6.2f} s ratio {r:.2f} (target <= 2.0)")
        worst = Path(tmp) / "distinct.csv"
        make_csv(worst, 200_000, distinct=True)
        o, f, r = ratio([*ketacalc, "batch", str(worst)], [python, str(bench / "floor_batch.py"), str(worst)], 3)
        print(f"batch, every dose new    ours {o:6.2f} s   floor {f:6.2f} s   ratio {r:.2f} (worst case, informative)")
        o, f, r = ratio([*ketacalc, "batch", str(big), "--output", "csv"], [*ketacalc, "batch", str(big)], 3)
        print(f"batch --output csv        ours {o:6.2f} s   jsonl {f:6.2f} s   ratio {r:.2f} (target <= 1.3)")
        hundred = Path(tmp) / "b100k.csv"
        make_csv(hundred, 100_000)
        as_xlsx = [*ketacalc, "batch", str(hundred), "--output", "xlsx"]  # to /dev/null: not a terminal
        o, f, r = ratio(as_xlsx, [*ketacalc, "batch", str(hundred), "--output", "csv"], 3)
        peak_book = statistics.median(peak_rss_kb(as_xlsx) for _ in range(3))
        print(
            f"batch --output xlsx 100k  ours {o:6.2f} s   csv {f:6.2f} s     ratio {r:.2f} (target <= 3.0)  "
            f"peak RSS {peak_book / 1024:.1f} MiB (target < 150)"
        )
        peak_big = statistics.median(peak_rss_kb([*ketacalc, "batch", str(big)]) for _ in range(3))
        peak_small = statistics.median(peak_rss_kb([*ketacalc, "batch", str(small)]) for _ in range(3))
        print(
            f"memory peak RSS          200k {peak_big / 1024:6.1f} MiB  20k {peak_small / 1024:6.1f} MiB  "
            f"ratio {peak_big / peak_small:.2f} (target <= 1.3)"
        )


if __name__ == "__main__":
    main()
