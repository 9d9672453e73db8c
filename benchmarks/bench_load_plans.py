"""How long planwatch takes to load, export and show the demo plans.

    make bench                                    # or:
    .venv/bin/python -m benchmarks.bench_load_plans [--runs 5]

Runs against a throwaway SQLite database in a temporary directory (created, migrated, then
removed); never touches ./data. ``--database-url`` points it at another *throwaway*
database instead, e.g. ``scripts/with-postgres sh -c '.venv/bin/python -m
benchmarks.bench_load_plans --database-url "$DATABASE_URL"'``.

Measured, each as the median of N runs (wall clock, ms), with the SQL queries of one run:

- loading the Vĩnh Phúc agency register into an empty database, and loading it again;
- importing each demo plan file (parse + import with its document text) into a database
  holding only the register ("fresh": every run is rolled back, so every run is a first
  import), and importing it again over itself ("update": the path of a corrected file);
- exporting each plan to its JSON plan file;
- rendering each plan's page (``/plans/<id>/``) for a logged-in consolidator through
  Django's test client, and the 01/CTr-UBND page filtered by the search "ho ngheo";
- the peak Python memory (tracemalloc) of one fresh import of each plan.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class _Rollback(Exception):
    """Raised to undo a measured run."""


@dataclass
class Row:
    name: str
    times_ms: list[float]
    queries: int | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)


def setup_django(database_url: str | None) -> Path:
    """Point planwatch at a temporary data directory (and database), then set Django up."""
    tmp = Path(tempfile.mkdtemp(prefix="planwatch-bench-"))
    (tmp / "static").mkdir()  # WhiteNoise looks for STATIC_ROOT
    os.environ["PLANWATCH_DATA_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.pop("DEBUG", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planwatch.settings")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return tmp


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a transaction that is always rolled back."""
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def measure(
    name: str, runs: int, action: Callable[[], Any], *, rollback: bool = False
) -> tuple[Row, Any]:
    """Time ``action`` ``runs`` times (each rolled back if asked); count the queries of run 1."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times: list[float] = []
    queries: int | None = None
    result: Any = None
    for i in range(runs):
        connection.queries_log.clear()  # the log keeps 9000 queries; the count needs room
        with (
            rolled_back() if rollback else nullcontext(),
            CaptureQueriesContext(connection) as captured,
        ):
            start = time.perf_counter()
            result = action()
            elapsed = time.perf_counter() - start
        times.append(elapsed * 1000)
        if i == 0:
            queries = len(captured)
    return Row(name, times, queries), result


def peak_memory(action: Callable[[], Any]) -> int:
    """Peak bytes allocated by Python during ``action`` (rolled back)."""
    with rolled_back():
        tracemalloc.start()
        try:
            action()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f", {int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs, {cpu}{ram}; Python {platform.python_version()}"


def run(runs: int) -> None:
    import django
    from django.db import connection
    from django.test import Client

    from planwatch.accounts.actions import create_user
    from planwatch.demo.setup import DEMO_DIR, PLAN_FILES
    from planwatch.organisations.actions import REGISTER_DIR, load_register_file
    from planwatch.organisations.models import Agency
    from planwatch.plans import planfile, queries
    from planwatch.plans.actions import import_plan
    from planwatch.plans.choices import PlanStatus
    from planwatch.plans.models import Plan

    register = REGISTER_DIR / "vinh_phuc.json"
    rows: list[Row] = []
    notes: list[str] = []

    def add(name: str, action: Callable[[], Any], *, rollback: bool = False) -> Any:
        row, result = measure(name, runs, action, rollback=rollback)
        rows.append(row)
        return result

    result = add(
        "register: load into an empty database", lambda: load_register_file(register), rollback=True
    )
    notes.append(
        f"register: {', '.join(f'{n} {k}' for k, n in vars(result).items() if isinstance(n, int))}"
    )
    load_register_file(register)
    add("register: load again (update)", lambda: load_register_file(register))

    def importer(path: Path) -> Callable[[], Any]:
        raw = path.read_bytes()

        def load() -> Any:
            plan_file = planfile.loads(raw)  # import_plan completes texts in place: parse anew
            text_path = DEMO_DIR / "seeds" / (plan_file.source or "")
            text = text_path.read_text(encoding="utf-8") if text_path.is_file() else None
            return import_plan(plan_file, source_text=text, status=PlanStatus.ACTIVE)

        return load

    plans = []
    for path in PLAN_FILES:
        label = path.name.removesuffix(".plan.json").removesuffix("-vinh-phuc")
        load = importer(path)
        result = add(f"import {label}: fresh", load, rollback=True)
        counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
        notes.append(f"{label}: {counts}; plan file {path.stat().st_size / 1024:.0f} KiB")
        peak = peak_memory(load)
        notes.append(
            f"{label}: peak Python memory of a fresh import {peak / 2**20:.2f} MiB (tracemalloc)"
        )
        plans.append((label, load().plan))
        add(f"import {label}: again (update)", load)

    def exporter(plan: Plan) -> Callable[[], str]:
        return lambda: planfile.dumps(queries.plan_to_file(plan))

    for label, plan in plans:
        text = add(f"export {label} to JSON", exporter(plan))
        notes.append(f"{label}: exported plan file {len(text.encode()) / 1024:.0f} KiB")

    user = create_user(
        "bench",
        password=None,
        agency=Agency.objects.get(name="Sở Tài chính"),
        roles=["consolidator"],
    )
    client = Client()
    client.force_login(user)

    def get(url: str) -> Callable[[], Any]:
        def fetch() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return fetch

    pages = [(f"render /plans/{plan.pk}/ ({label})", f"/plans/{plan.pk}/") for label, plan in plans]
    pages.append(
        (f"render /plans/{plans[0][1].pk}/?q=ho+ngheo", f"/plans/{plans[0][1].pk}/?q=ho+ngheo")
    )
    for name, url in pages:
        get(url)()  # warm up: templates compiled, translations loaded
        response = add(name, get(url))
        notes.append(f"{url}: {len(response.content) / 1024:.0f} KiB of HTML")

    pg_version = getattr(connection, "pg_version", None)  # 150018 for 15.18
    version = (
        f"{pg_version // 10000}.{pg_version % 10000}" if pg_version else sqlite3.sqlite_version
    )
    print(
        f"planwatch benchmarks: median of {runs} runs; Django {django.get_version()}, "
        f"{connection.vendor} {version}"
    )
    print(f"machine: {machine()}")
    print()
    width = max(len(r.name) for r in rows)
    print(f"{'step':<{width}}  {'median ms':>9}  {'min ms':>8}  {'max ms':>8}  {'queries':>7}")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 8}  {'-' * 8}  {'-' * 7}")
    for r in rows:
        q = "" if r.queries is None else str(r.queries)
        print(
            f"{r.name:<{width}}  {r.median:>9.1f}  {min(r.times_ms):>8.1f}  "
            f"{max(r.times_ms):>8.1f}  {q:>7}"
        )
    print()
    for note in notes:
        print(note)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark loading, exporting and showing plans.")
    parser.add_argument("--runs", type=int, default=5, help="runs per step (default 5)")
    parser.add_argument(
        "--database-url",
        help="a THROWAWAY database to use instead of a temporary SQLite file (it gets migrated "
        "and filled)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    tmp = setup_django(args.database_url)
    try:
        run(args.runs)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
