"""Bench only: where does a soaked process's memory go? (`bench/soak.py --trace-worker-memory`).

Python imports ``sitecustomize`` at start-up from ``sys.path``; the soak puts this directory on the
worker's ``PYTHONPATH`` and sets ``PMSAAS_SOAK_TRACE_FILE``. A daemon thread then takes a tracemalloc
snapshot every ``PMSAAS_SOAK_TRACE_SECONDS`` (60) and appends to the file the 25 source lines whose
allocations grew most since tracing began, ``PMSAAS_SOAK_TRACE_BASELINE_SECONDS`` (120) after
start-up: a bounded cache or a first-use import levels off from one report to the next, a leak keeps
climbing. Tracing starts late and keeps one frame so that start-up is not slowed and the worker keeps
up with the load. Nothing under src/ knows about it.
"""

import os

if os.environ.get("PMSAAS_SOAK_TRACE_FILE"):
    import threading
    import time
    import tracemalloc

    def _trace(path: str, every: float, baseline_after: float) -> None:
        started = time.monotonic()
        time.sleep(baseline_after)
        tracemalloc.start(1)
        baseline = tracemalloc.take_snapshot()
        while True:
            time.sleep(every)
            snapshot = tracemalloc.take_snapshot()
            stats = snapshot.compare_to(baseline, "lineno")[:25]
            traced, peak = tracemalloc.get_traced_memory()
            with open(path, "a", encoding="utf-8") as out:
                at = time.monotonic() - started
                out.write(f"\n== {at:.0f} s: traced {traced / 2**20:.1f} MiB (peak {peak / 2**20:.1f})\n")
                for stat in stats:
                    out.write(f"{stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks  {stat.traceback[0]}\n")

    threading.Thread(
        target=_trace,
        args=(
            os.environ["PMSAAS_SOAK_TRACE_FILE"],
            float(os.environ.get("PMSAAS_SOAK_TRACE_SECONDS", "60")),
            float(os.environ.get("PMSAAS_SOAK_TRACE_BASELINE_SECONDS", "120")),
        ),
        daemon=True,
        name="soak-tracemalloc",
    ).start()
