"""``pmsaas import rent-roll``: all-or-nothing, line-numbered errors, idempotent, fast enough."""

from __future__ import annotations

import asyncio
import csv
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from leasing_support import LEASES, PROPERTIES
from pmsaas.entrypoints.cli.main import cli

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

HEADER = [
    "property_name",
    "street",
    "city",
    "province",
    "postal_code",
    "unit_name",
    "bedrooms",
    "market_rent",
    "tenant_name",
    "tenant_email",
    "tenant_phone",
    "lease_start",
    "lease_end",
    "rent",
    "billing_day",
    "security_deposit",
    "lease_status",
]


def row(prop: str, unit: str, n: int, **changes: str) -> dict[str, str]:
    values = {
        "property_name": prop,
        "street": "123 Main St",
        "city": "Vancouver",
        "province": "BC",
        "postal_code": "V6B 1A1",
        "unit_name": unit,
        "bedrooms": "2",
        "market_rent": "1500.00",
        "tenant_name": f"Tenant {n}",
        "tenant_email": f"tenant{n}@example.com",
        "tenant_phone": "604-555-0134",
        "lease_start": "2027-01-01",
        "lease_end": "2027-12-31",
        "rent": "1450.00",
        "billing_day": "1",
        "security_deposit": "1450.00",
        "lease_status": "active",
    }
    values.update(changes)
    return values


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


async def run(api, *args: str):
    settings = api.container.settings()
    env = {"PMSAAS_DATABASE_URL": settings.database_url, "PMSAAS_VAR_DIR": settings.var_dir, "PMSAAS_ENV": "test"}
    return await asyncio.to_thread(CliRunner().invoke, cli, list(args), env=env, catch_exceptions=False)


async def count_leases(api, owner) -> int:
    return (await api.get(LEASES, owner.token)).json()["meta"]["pagination"]["total_count"]


async def test_import_creates_everything_and_a_reimport_changes_nothing(api, owner, tmp_path):
    rows = [row("Sunset", "101", 1), row("Sunset", "102", 2, lease_status="draft"), row("Harbour", "1", 3)]
    rows.append(row("Sunset", "101", 4, lease_start="2028-01-01", lease_end=""))  # the next lease of 101
    path = write(tmp_path / "roll.csv", rows)
    r = await run(api, "import", "rent-roll", str(path), "--org", owner.org_id)
    assert r.exit_code == 0, r.output
    assert "created 2 properties, 3 units, 4 tenants, 4 leases (3 active)" in r.output
    props = (await api.get(PROPERTIES, owner.token, params={"sort_by": "name"})).json()["data"]
    assert [p["name"] for p in props] == ["Harbour", "Sunset"]
    units = (await api.get(f"{PROPERTIES}/{props[1]['id']}/units", owner.token)).json()["data"]
    assert [(u["name"], u["status"]) for u in units] == [("101", "occupied"), ("102", "vacant")]
    assert units[0]["market_rent"] == {"amount": "1500.00", "currency": "USD"}
    leases = (await api.get(LEASES, owner.token, params={"sort_by": "start_date"})).json()["data"]
    assert sorted(x["status"] for x in leases) == ["active", "active", "active", "draft"]

    r = await run(api, "import", "rent-roll", str(path), "--org", owner.org_id)
    assert r.exit_code == 0, r.output
    assert "created 0 properties, 0 units, 0 tenants, 0 leases (0 active); 4 lease(s) already present" in r.output
    assert await count_leases(api, owner) == 4


async def test_bad_rows_are_reported_by_line_and_nothing_is_written(api, owner, tmp_path):
    rows = [
        row("Sunset", "101", 1),
        row("Sunset", "102", 2, rent="-5"),  # line 3
        row("Sunset", "103", 3, lease_start="2027-02-30", tenant_email=""),  # line 4
        row("Sunset", "101", 4, lease_start="2027-06-01"),  # line 5: overlaps line 2's lease
        row("Lakeside", "1", 5, postal_code="12345"),  # line 6: not a BC postal code
    ]
    path = write(tmp_path / "bad.csv", rows)
    r = await run(api, "import", "rent-roll", str(path), "--org", owner.org_id)
    assert r.exit_code == 1
    err = r.output
    for expected in ("line 3: rent:", "line 4: tenant_email: is required", "line 4: lease_start:", "line 5: lease:"):
        assert expected in err, err
    assert "line 6: address.postal_code" in err or "line 6: address.province" in err, err
    assert "line 2:" not in err
    assert "nothing was imported" in err
    assert (await api.get(PROPERTIES, owner.token)).json()["data"] == []


@pytest.mark.usefixtures("small_standard_plan")
async def test_a_file_beyond_the_plans_units_or_properties_is_refused_whole(api, owner, tmp_path):
    """The small standard plan allows 12 units and 10 properties: the import counts what the file adds
    like one unit or property created over HTTP, and writes nothing when it would exceed them."""
    rows = [row("Sunset", f"{100 + n}", n) for n in range(13)]
    r = await run(api, "import", "rent-roll", str(write(tmp_path / "units.csv", rows)), "--org", owner.org_id)
    assert r.exit_code == 1, r.output
    assert "line 1: units: the standard plan allows 12 units and the organization has 0 (adding 13)" in r.output
    assert "nothing was imported" in r.output
    assert (await api.get(PROPERTIES, owner.token)).json()["data"] == []
    rows = [row(f"Building {n}", "1", n) for n in range(11)]
    r = await run(api, "import", "rent-roll", str(write(tmp_path / "props.csv", rows)), "--org", owner.org_id)
    assert r.exit_code == 1 and "line 1: properties: the standard plan allows 10 properties" in r.output, r.output
    assert (await api.get(PROPERTIES, owner.token)).json()["data"] == []
    r = await run(api, "import", "rent-roll", str(write(tmp_path / "fits.csv", rows[:10])), "--org", owner.org_id)
    assert r.exit_code == 0 and "created 10 properties, 10 units" in r.output, r.output


async def test_dry_run_and_bad_arguments(api, owner, tmp_path):
    path = write(tmp_path / "roll.csv", [row("Sunset", "101", 1)])
    r = await run(api, "import", "rent-roll", str(path), "--org", owner.org_id, "--dry-run")
    assert r.exit_code == 0 and "would create 1 properties" in r.output and "dry run" in r.output
    assert (await api.get(PROPERTIES, owner.token)).json()["data"] == []
    r = await run(api, "import", "rent-roll", str(path), "--org", str(uuid.uuid4()))
    assert r.exit_code == 1 and "no organization" in r.output
    r = await run(api, "import", "rent-roll", str(path), "--org", "acme")
    assert r.exit_code == 2
    bad_header = tmp_path / "header.csv"
    bad_header.write_text("property,unit\nA,1\n")
    r = await run(api, "import", "rent-roll", str(bad_header), "--org", owner.org_id)
    assert r.exit_code == 1 and "line 1: property: unknown column" in r.output


async def test_a_thousand_leases_import_well_under_a_minute(api, owner, tmp_path):
    rows = [row(f"Building {n // 100}", f"{n % 100 + 100}", n) for n in range(1000)]
    path = write(tmp_path / "big.csv", rows)
    started = time.perf_counter()
    r = await run(api, "import", "rent-roll", str(path), "--org", owner.org_id)
    elapsed = time.perf_counter() - started
    assert r.exit_code == 0, r.output
    assert "created 10 properties, 1000 units, 1000 tenants, 1000 leases (1000 active)" in r.output
    print(f"rent roll: 1,000 leases imported in {elapsed:.1f}s on {api.backend}")
    assert elapsed < 60
    assert await count_leases(api, owner) == 1000


async def test_the_first_data_row_is_line_2(api, owner, tmp_path):
    path = write(tmp_path / "first.csv", [row("Sunset", "101", 1, rent="-5"), row("Sunset", "102", 2)])
    r = await run(api, "import", "rent-roll", str(path), "--org", owner.org_id)
    assert r.exit_code == 1
    assert "line 2: rent:" in r.output and "line 1:" not in r.output, r.output


def test_the_help_documents_the_columns():
    text = CliRunner().invoke(cli, ["import", "rent-roll", "--help"]).output
    for column in HEADER:
        assert column in text, column
    assert "first data row line" in text and "docs/rent-roll.md" in text
