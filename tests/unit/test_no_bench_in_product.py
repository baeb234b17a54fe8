"""Benchmark handlers are not part of the product: nothing under src/ mounts /bench/ routes, and a
production environment that still asks for them refuses to start."""

from __future__ import annotations

from pathlib import Path

import pytest

import pmsaas
from pmsaas.settings import load_settings


def test_no_module_of_the_package_knows_the_bench_routes():
    root = Path(pmsaas.__file__).parent
    assert not (root / "entrypoints" / "http" / "bench.py").exists()
    mentions = [str(p.relative_to(root)) for p in root.rglob("*.py") if "/bench/" in p.read_text(encoding="utf-8")]
    assert mentions == ["settings.py"]  # only the refusal's message


def test_production_refuses_the_old_bench_switch():
    with pytest.raises(ValueError, match="PMSAAS_BENCH_ENDPOINTS"):
        load_settings({"PMSAAS_ENV": "production", "PMSAAS_BENCH_ENDPOINTS": "1"})
    assert load_settings({"PMSAAS_ENV": "production", "PMSAAS_BENCH_ENDPOINTS": "0"}).is_production
    assert not hasattr(load_settings({}), "bench_endpoints")
