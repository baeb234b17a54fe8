"""`pmsaas seed-demo`: an Ontario and a Maharashtra organization a new user can look around in,
checked over HTTP as that user would (both databases)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from conftest import BACKENDS, PG_URL, _drop_postgres, _fresh_postgres, make_settings
from pmsaas.container import build_container, shutdown
from pmsaas.entrypoints.cli.db import upgrade
from pmsaas.entrypoints.cli.seed import seed
from pmsaas.entrypoints.http.app import create_app

REGIONS = {"CA": {"ON"}, "IN": {"MH"}}


@pytest.fixture(params=BACKENDS)
def demo_url(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "postgres":
        assert PG_URL
        url = _fresh_postgres(PG_URL)
        yield url
        _drop_postgres(url)
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}"


async def test_two_countries_with_leases_invoices_payments_and_a_request(demo_url: str, tmp_path: Path):
    upgrade(demo_url)
    settings = make_settings(demo_url, tmp_path)
    summary = await seed(settings)
    assert "(Ontario, CAD)" in summary and "(Maharashtra, INR)" in summary, summary
    assert "already present" in await seed(settings)  # idempotent

    container = build_container(settings)
    try:
        async with AsyncTestClient(app=create_app(container)) as client:
            login = {"email": "admin@sandbox.propertymgmt.com", "password": "admin123"}
            token = (await client.post("/api/v1/identity/login", json=login)).json()["data"]["access_token"]

            async def get(path: str, org: str, **params: Any) -> Any:
                headers = {"Authorization": f"Bearer {token}", "X-Organization-ID": org}
                r = await client.get(path, headers=headers, params=params)
                assert r.status_code == 200, r.text
                return r.json()["data"]

            orgs = (await client.get("/api/v1/organizations", headers={"Authorization": f"Bearer {token}"})).json()
            by_country = {o["settings"]["country"]: o["id"] for o in orgs["data"]}
            assert set(by_country) == {"CA", "IN"}
            for country, org in by_country.items():
                places = await get("/api/v1/properties", org)
                assert len(places) == 2 and {p["address"]["province"] for p in places} <= REGIONS[country]
                assert [lease["status"] for lease in await get("/api/v1/leases", org)] == ["active", "active"]
                invoices = await get("/api/v1/financial/invoices", org)
                assert sorted(i["status"] for i in invoices) == ["issued", "paid"]
                taxes = {t["tax"]: t["rate"] for i in invoices for line in i["lines"] for t in line["taxes"]}
                assert taxes == ({"HST": 13.0} if country == "CA" else {"CGST": 9.0, "SGST": 9.0}), taxes
                balance = await get("/api/v1/financial/trial-balance", org)
                assert balance["balanced"] is True
            requests = await get("/api/v1/operations/maintenance-requests", by_country["CA"])
            assert [r["title"] for r in requests] == ["Water leak in bathroom"]
    finally:
        await shutdown(container)


# 00:30 UTC on 8 December is still 7 December, 19:30, in Toronto.
@pytest.mark.today("2026-12-08T00:30:00+00:00")
async def test_the_demo_plays_on_each_organizations_day_after_midnight_utc(demo_url: str, tmp_path: Path):
    upgrade(demo_url)
    summary = await seed(make_settings(demo_url, tmp_path))  # the payment's received_on was UTC's day: 422
    assert "(Ontario, CAD)" in summary and "(Maharashtra, INR)" in summary, summary
