"""How long the extractor takes to read a 100 KB plan document, on one core.

    make bench                                    # or:
    .venv/bin/python -m benchmarks.bench_extraction [--runs 7] [--size-kb 100]

The document is made from the project's two seed texts, repeated until it reaches the
size asked for, so it has the genre's layout throughout (targets, agency sections, tasks).
Reported: the median, fastest and slowest of N runs of ``extract_text`` (wall clock and
process CPU time), the time of each stage on one run, and the peak Python memory. The
target is under 0.5 s for 100 KB on one core; no Django, no database.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

from planwatch.extraction.agencies import AgencyMatcher
from planwatch.extraction.pipeline import extract_text

SEEDS = Path(__file__).resolve().parent.parent / "planwatch" / "demo" / "seeds"


def document(size_kb: int) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    parts: list[str] = []
    while len("\n".join(parts).encode()) < size_kb * 1024:
        parts.append(texts[len(parts) % len(texts)])
    text = "\n".join(parts)
    return text.encode()[: size_kb * 1024].decode("utf-8", "ignore")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size-kb", type=int, default=100)
    args = parser.parse_args()
    text = document(args.size_kb)
    matcher = AgencyMatcher.default()  # built once per process, as in a server
    extract_text(text, matcher=matcher)  # warm-up: compiled regexes, imports
    wall, cpu = [], []
    for _ in range(args.runs):
        w0, c0 = time.perf_counter(), time.process_time()
        result = extract_text(text, matcher=matcher)
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    tracemalloc.start()
    extract_text(text, matcher=matcher)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    plan = result.plan
    print(
        f"extract_text on {len(text.encode()) / 1024:.0f} KB ({len(text):,} characters), "
        f"{args.runs} runs"
    )
    print(
        f"  wall ms: median {statistics.median(wall):.1f}  min {min(wall):.1f}  max {max(wall):.1f}"
    )
    print(f"  cpu ms:  median {statistics.median(cpu):.1f}")
    print(f"  peak Python memory: {peak:.1f} MiB")
    print(
        f"  found: {len(plan['targets'])} targets, {len(plan['tasks'])} tasks, "
        f"{len(plan['references'])} references, {len(plan['reporting'])} reporting duties"
    )
    verdict = "meets" if statistics.median(wall) < 500 else "MISSES"
    print(f"  {verdict} the 0.5 s target")


if __name__ == "__main__":
    main()
