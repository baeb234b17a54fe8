"""bench/scale_out.py: its table comes only after ten minutes of measuring, so its arithmetic is checked
here on made-up rounds (no services): the configurations alternate, the speed-up is the median req/s of
2 + 2 over that of 1 + 1, and the commit time of a create is its first 201."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _scale_out() -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module("scale_out")


def _segment(config: str, rnd: int, rps: float) -> dict[str, Any]:
    return {
        "config": config,
        "round": rnd,
        "rps": rps,
        "rps_by_kind": {"read": rps * 0.7, "create": rps * 0.2, "payment": rps * 0.1},
        "errors": 0,
        "lag": {"events": 10, "undelivered": 0},
        "cpu_ms_per_request": {"api": 5.0, "worker": 1.0, "postgres": 6.0, "redis": 0.2, "load_generator": 2.0},
        "cpu_s": {"machine_busy_share": 0.97},
        "died": [],
    }


def test_the_configurations_alternate_and_the_table_gives_the_speed_up_of_the_medians():
    so = _scale_out()
    assert so.order(1) == ["1+1", "2+2"]
    assert so.order(2) == ["2+2", "1+1"]
    segments = [
        _segment("1+1", 1, 100.0),
        _segment("2+2", 1, 150.0),
        _segment("2+2", 2, 120.0),
        _segment("1+1", 2, 80.0),
        _segment("1+1", 3, 90.0),
        _segment("2+2", 3, 140.0),
    ]
    samples = {"all": [10.0, 20.0, 30.0], "read": [10.0], "create": [20.0], "payment": [30.0]}
    lags = {"lag_from_201": [1.0, 2.0, 6.0], "lag_from_occurred_at": [1.1, 2.1, 6.1]}
    summary = {
        label: so.summarize([s for s in segments if s["config"] == label], {**samples, **lags}) for label in so.CONFIGS
    }
    assert summary["1+1"]["rps"] == 90.0
    assert summary["2+2"]["rps"] == 140.0
    assert so.speed_ups(segments) == [1.5, 1.5, 140.0 / 90.0]
    table = so.table({"summary": summary, "speed_up_per_round": so.speed_ups(segments)})
    assert "| req/s, all (median of rounds) | 90 | 140 | **1.56 x** |" in table
    assert "| outbox lag p50 / p99 s (201 → verified webhook) | 2.00 / 6.00 | 2.00 / 6.00 |  |" in table


def test_a_create_committed_no_later_than_its_first_201():
    so = _scale_out()
    attempt = so.soak_load.Attempt
    attempts = [
        attempt("create", 1.0, 2.0, 503, None, key="k1"),
        attempt("create", 2.5, 3.0, 201, None, key="k1"),
        attempt("create", 3.5, 4.0, 201, None, key="k1"),  # a replay of the same key
        attempt("read", 0.0, 1.0, 200, None),
    ]
    assert so._first_201(attempts) == {"k1": 3.0}
