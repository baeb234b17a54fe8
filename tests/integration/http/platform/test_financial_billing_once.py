"""Issue 10: a (lease, period) is billed once whatever made the first invoice; a run never makes an
invoice due before it is issued; ``pmsaas billing run`` fails loudly, one line per problem."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from click.testing import CliRunner
from fin_support import invoice_body, make_lease, set_country, trial_balance

from pmsaas.adapters.sql.repositories.financial.billing import SqlBillingWriter
from pmsaas.adapters.sql.tables.properties import properties
from pmsaas.adapters.sql.uow import SqlUnitOfWork
from pmsaas.entrypoints.cli.main import cli

INVOICES = "/api/v1/financial/invoices"


def _billing(api, *args: str):
    settings = api.container.settings()
    env = {"PMSAAS_DATABASE_URL": settings.database_url, "PMSAAS_VAR_DIR": str(settings.var_path)}
    return asyncio.to_thread(CliRunner().invoke, cli, ["billing", "run", *args], env=env)


async def _invoices(api, owner, lease):
    r = await api.get(INVOICES, owner.token, params={"lease_id": lease.id, "page_size": 100})
    return r.json()["data"]


# Both billing writers where both exist: COPY is PostgreSQL's, SQLite has only the bulk one.
pytestmark = pytest.mark.only_on("postgres", writer="copy")


@pytest.fixture(params=["copy", "bulk"])
def writer(request, api, monkeypatch):
    assert request.param == "bulk" or api.container.system_engine().dialect.name == "postgresql"
    use_copy = request.param == "copy"
    monkeypatch.setattr(
        SqlUnitOfWork, "billing", property(lambda self: SqlBillingWriter(self.connection, use_copy=use_copy))
    )
    return request.param


@pytest.mark.today("2026-12-01")
async def test_a_hand_made_december_invoice_is_not_billed_again_by_the_run(api, owner, writer):
    await set_country(api, owner, "IN")
    shop = await make_lease(api, owner, "IN", rent="100000.00")
    other = await make_lease(api, owner, "IN", rent="100000.00")
    body = invoice_body(
        shop,
        ("Rent December 2026", "100000.00", "rent"),
        ("Security deposit", "250000.00", "deposit"),
        issue=True,
        issue_date="2026-12-01",
        due_date="2026-12-05",
    )
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["period"] == "2026-12"  # the service period of its rent line
    before = await trial_balance(api, owner)

    result = await _billing(api, "--period", "2026-12", "--org", owner.org_id)
    assert result.exit_code == 0, result.output
    assert "1 invoices created, 1 already billed" in result.output
    assert len(await _invoices(api, owner, shop)) == 1
    assert len(await _invoices(api, owner, other)) == 1
    after = await trial_balance(api, owner)
    assert after["tax_payable:CGST"] == "-18000.00"  # shop's 9000 once, other's 9000: not 27000
    assert after["deposits_held"] == before["deposits_held"] == "-250000.00"


@pytest.mark.today("2026-12-01")
async def test_a_draft_holds_its_period_a_cancelled_one_frees_it(api, owner, writer):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential", rent="25000.00")
    body = invoice_body(lease, ("December rent", "25000.00", "rent"), due_date="2026-12-01")
    draft = (await api.post(INVOICES, owner.token, json=body)).json()["data"]
    assert draft["period"] == "2026-12"
    assert (await _billing(api, "--period", "2026-12", "--org", owner.org_id)).exit_code == 0
    assert [i["id"] for i in await _invoices(api, owner, lease)] == [draft["id"]]

    await api.post(f"{INVOICES}/{draft['id']}/cancel", owner.token)
    result = await _billing(api, "--period", "2026-12", "--org", owner.org_id)
    assert "1 invoices created, 0 already billed" in result.output, result.output
    billed = [i for i in await _invoices(api, owner, lease) if i["status"] != "cancelled"]
    assert [(i["period"], i["total"]["amount"]) for i in billed] == [("2026-12", "25000.00")]


@pytest.mark.today("2026-11-20")
async def test_the_period_given_by_hand_wins_and_needs_a_rent_line(api, owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential", rent="25000.00")
    body = invoice_body(lease, ("December rent, early", "25000.00", "rent"), issue=True, due_date="2026-11-30")
    body.update(issue_date="2026-11-20", period="2026-12")
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 201 and r.json()["data"]["period"] == "2026-12", r.text
    assert (await _billing(api, "--period", "2026-12", "--org", owner.org_id)).exit_code == 0
    assert len(await _invoices(api, owner, lease)) == 1

    fee = invoice_body(lease, ("Key replacement", "500.00", "other"), period="2026-12")
    r = await api.post(INVOICES, owner.token, json=fee)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "period", r.text
    for bad in ("2026-13", "Dec-26", "+026-12"):
        r = await api.post(INVOICES, owner.token, json={**body, "period": bad})
        assert r.status_code == 422, (bad, r.text)
    no_rent = (await api.post(INVOICES, owner.token, json=fee | {"period": None})).json()["data"]
    assert no_rent["period"] is None


@pytest.mark.today("2026-12-07")
async def test_a_late_run_is_due_on_its_issue_date_never_before(api, owner, writer):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", billing_day=1)
    later = await make_lease(api, owner, "IN", billing_day=15)
    assert (await _billing(api, "--period", "2026-12", "--org", owner.org_id)).exit_code == 0
    [inv] = await _invoices(api, owner, lease)
    assert (inv["issue_date"], inv["due_date"]) == ("2026-12-07", "2026-12-07")
    [inv] = await _invoices(api, owner, later)
    assert (inv["issue_date"], inv["due_date"]) == ("2026-12-07", "2026-12-15")


@pytest.mark.today("2026-12-01")
async def test_the_cli_exits_non_zero_with_one_line_per_problem(api, owner):
    await set_country(api, owner, "IN")
    good = await make_lease(api, owner, "IN")
    broken = await make_lease(api, owner, "IN")
    async with api.container.system_engine().begin() as conn:  # a State the tax engine does not know
        await conn.execute(
            properties.update().where(properties.c.id == uuid.UUID(broken.property_id)).values(province="ZZ")
        )

    result = await _billing(api, "--period", "2026-12", "--org", owner.org_id)
    assert result.exit_code == 1
    assert "1 invoices created" in result.output and "1 failed" in result.output
    assert f"lease {broken.id}: property_state: unknown Indian State/UT 'ZZ'" in result.output
    assert "Traceback" not in result.output
    assert len(await _invoices(api, owner, good)) == 1

    for args, line in (
        (["--period", "2026-13"], "Error: --period '2026-13': must be YYYY-MM, e.g. 2026-12"),
        (["--period", "december"], "Error: --period 'december': must be YYYY-MM, e.g. 2026-12"),
        (["--period", "2026-12", "--org", "x"], "Error: --org 'x': must be an organization id (UUID)"),
        (
            ["--period", "2026-12", "--org", str(uuid.UUID(int=7))],
            f"Error: --org {uuid.UUID(int=7)}: no such organization",
        ),
    ):
        result = await _billing(api, *args)
        assert result.exit_code == 1, (args, result.output)
        assert result.output.strip().splitlines() == [line], result.output
    assert len(await _invoices(api, owner, good)) == 1  # nothing more was written
