"""The soak (bench/soak.py, bench/README.md "Soak") for 15 seconds, faults on PostgreSQL every 0.5 to
2 s: the real server and worker, the fault proxies in front of PostgreSQL and Redis, clients retrying
creates and payments with their Idempotency-Key. Afterwards the books balance, every payment and property
exists exactly once and whole, every outbox event is relayed or pending and every webhook message
delivered or pending; no answer left the contract's envelope and no 5xx other than 503 came back.

Faults on Redis are left to the 10-minute soak: there they still find failures (a worker that exits
on a reset, a property created twice, webhook messages fanned out twice: bench/README.md), which would
make this test fail at random rather than say something new each time.

It runs the script as an operator does (a subprocess, its own processes and databases), so it checks
the script too; the figures it prints are not a measurement (see bench/README.md for those)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from conftest import PG_URL, REDIS_URL

ROOT = Path(__file__).resolve().parents[2]


def test_a_short_soak_under_faults_keeps_the_books_the_payments_and_the_outbox(tmp_path: Path) -> None:
    assert PG_URL and REDIS_URL
    redis = urlsplit(REDIS_URL)
    out = tmp_path / "soak.json"
    command = [
        sys.executable,
        str(ROOT / "bench" / "soak.py"),
        *("--minutes", "0.25", "--leases", "20", "--fault-gap", "0.5", "2", "--fault-targets", "postgres"),
        *("--sample-seconds", "1", "--drain-seconds", "5"),
        *("--pg-url", PG_URL, "--redis-url", f"{redis.scheme}://{redis.netloc}", "--json", str(out)),
    ]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=150)
    assert out.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(out.read_text())

    assert result["failures"] == [], result["failures"]  # books, payments, properties, outbox, webhooks
    assert run.returncode == 0, run.stdout[-3000:]
    requests = result["requests"]
    assert requests["error_non_envelope"] == 0, requests["error_examples"]
    assert requests["error_5xx_not_503"] == 0, requests["error_examples"]
    assert result["abandoned"] == []  # every create and payment was answered 201 in the end
    assert result["created"]["payments"] > 0 and result["created"]["properties"] > 0
    kinds = {kind.split()[1] for kind in result["faults"]["by_kind"]}
    assert kinds - {"latency"}, result["faults"]  # connections were cut, not only slowed down
    assert result["receiver_bad_signatures"] == 0
