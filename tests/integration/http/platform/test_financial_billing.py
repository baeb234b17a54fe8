"""The rent billing run: exactly once per (lease, period), concurrent runs, late fees, CLI and job."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

import pytest
from click.testing import CliRunner
from fin_support import invoice_body, make_lease, set_country, trial_balance

from pmsaas.domain.financial.billing import parse_period
from pmsaas.domain.flows.rent_billing import run_billing
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.entrypoints.cli.main import cli
from pmsaas.entrypoints.worker.tasks import TASKS

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

INVOICES = "/api/v1/financial/invoices"


async def _run(api, owner=None, period="2026-12"):
    return await run_billing(
        uow_factory=api.container.system_uow,
        clock=api.container.clock(),
        period=period,
        organization_id=uuid.UUID(owner.org_id) if owner else None,
    )


async def _invoices(api, owner, lease):
    r = await api.get(INVOICES, owner.token, params={"lease_id": lease.id, "page_size": 100})
    return r.json()["data"]


async def test_each_active_lease_gets_one_taxed_invoice_per_period(api, owner):
    await set_country(api, owner, "IN")
    shop = await make_lease(api, owner, "IN", rent="40000.00")
    flat = await make_lease(api, owner, "IN", property_type="residential", rent="25000.00")
    await make_lease(api, owner, "IN", status="draft")
    summary = await _run(api, owner)
    assert (summary.created, summary.skipped, summary.failed) == (2, 0, {})

    shop_inv = (await _invoices(api, owner, shop))[0]
    assert shop_inv["period"] == "2026-12" and shop_inv["due_date"] == "2026-12-01"
    assert shop_inv["status"] == "issued" and shop_inv["total"]["amount"] == "47200.00"
    assert [t["tax"] for t in shop_inv["lines"][0]["taxes"]] == ["CGST", "SGST"]
    flat_inv = (await _invoices(api, owner, flat))[0]
    assert flat_inv["total"]["amount"] == "25000.00" and flat_inv["lines"][0]["taxes"] == []
    assert sorted([shop_inv["number"], flat_inv["number"]]) == ["INV/26-27/000001", "INV/26-27/000002"]
    balances = await trial_balance(api, owner)
    assert balances["rent_income"] == "-65000.00"

    again = await _run(api, owner)
    assert (again.created, again.skipped) == (0, 2)
    assert len(await _invoices(api, owner, shop)) == 1
    assert (await trial_balance(api, owner))["rent_income"] == "-65000.00"


async def test_with_the_round_off_setting_the_run_issues_whole_rupees(api, owner):
    body = {"country": "IN", "province": "MH", "invoice_round_off": True}
    r = await api.put(f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json=body)
    assert r.status_code == 200, r.text
    shop = await make_lease(api, owner, "IN", rent="1000.75")  # 1000.75 + 2 x 90.07 = 1180.89
    flat = await make_lease(api, owner, "IN", property_type="residential", rent="25000.49")
    whole = await make_lease(api, owner, "IN", property_type="residential", rent="25000.00")
    assert (await _run(api, owner)).created == 3
    figures = {}
    for name, lease in (("shop", shop), ("flat", flat), ("whole", whole)):
        [inv] = await _invoices(api, owner, lease)
        figures[name] = (inv["round_off"]["amount"], inv["total"]["amount"], inv["balance_due"]["amount"])
    assert figures == {
        "shop": ("0.11", "1181.00", "1181.00"),
        "flat": ("-0.49", "25000.00", "25000.00"),
        "whole": ("0.00", "25000.00", "25000.00"),
    }
    balances = await trial_balance(api, owner)
    assert balances["round_off"] == "0.38" and balances["rent_income"] == "-51001.24"


async def test_concurrent_runs_bill_each_lease_once_with_gap_free_numbers(api, owner):
    await set_country(api, owner, "IN")
    leases = [await make_lease(api, owner, "IN", rent="1000.00") for _ in range(5)]
    results = await asyncio.gather(*(_run(api, owner) for _ in range(3)), return_exceptions=True)
    created = sum(r.created for r in results if not isinstance(r, BaseException))
    errors = [r for r in results if isinstance(r, BaseException)]
    assert created == 5, (results, errors)
    numbers = sorted([i["number"] for lease in leases for i in await _invoices(api, owner, lease)])
    assert numbers == [f"INV/26-27/{n:06d}" for n in range(1, 6)]
    assert (await trial_balance(api, owner))["rent_income"] == "-5000.00"


async def test_late_fees_after_the_grace_days(api, owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(
        api, owner, "IN", property_type="residential", rent="20000.00", grace_days=5, late_fee=("flat", "500")
    )
    body = invoice_body(
        lease, ("Rent November", "20000.00", "rent"), issue=True, issue_date="2026-11-01", due_date="2026-11-01"
    )
    old = (await api.post(INVOICES, owner.token, json=body)).json()["data"]
    summary = await _run(api, owner)
    assert summary.late_fees == 1
    dec = next(i for i in await _invoices(api, owner, lease) if i["period"] == "2026-12")
    assert [(line["charge_type"], line["amount"]["amount"]) for line in dec["lines"]] == [
        ("rent", "20000.00"),
        ("late_fee", "500.00"),
    ]
    assert dec["lines"][1]["description"] == f"Late fee on {old['number']}"
    assert (await trial_balance(api, owner))["late_fee_income"] == "-500.00"


async def test_the_org_filter_and_other_organizations(api, owner, other_owner):
    await set_country(api, owner, "IN")
    await set_country(api, other_owner, "CA")
    mine = await make_lease(api, owner, "IN")
    theirs = await make_lease(api, other_owner, "CA", rent="3000.00")
    await _run(api, owner)
    assert await _invoices(api, other_owner, theirs) == []
    assert len(await _invoices(api, owner, mine)) == 1
    await _run(api, other_owner)
    inv = (await _invoices(api, other_owner, theirs))[0]
    assert inv["number"] == "INV/2026/000001" and inv["total"]["amount"] == "3390.00"  # HST-ON 13 %


async def test_the_cli_and_the_job_run_the_same_use_case(api, owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN")
    settings = api.container.settings()
    env = {"PMSAAS_DATABASE_URL": settings.database_url, "PMSAAS_VAR_DIR": str(settings.var_path)}
    result = await asyncio.to_thread(
        CliRunner().invoke, cli, ["billing", "run", "--period", "2026-12", "--org", owner.org_id], env=env
    )
    assert result.exit_code == 0, result.output
    assert "1 invoices created" in result.output
    out = await TASKS["billing_run"]({"container": api.container}, period="2026-12", organization_id=owner.org_id)
    assert out["created"] == 0 and out["skipped"] == 1
    assert len(await _invoices(api, owner, lease)) == 1
    bad = await asyncio.to_thread(
        CliRunner().invoke, cli, ["billing", "run", "--period", "2026-12", "--org", "x"], env=env
    )
    assert bad.exit_code != 0


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "december", "2026-12-01", ""])
def test_bad_periods_are_refused(period):
    with pytest.raises(ValidationFailed):
        parse_period(period)


def test_periods_cover_the_whole_month():
    assert parse_period("2028-02") == (date(2028, 2, 1), date(2028, 2, 29))
