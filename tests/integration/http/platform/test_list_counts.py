"""List totals from the counters (issue 15, item 3): the envelope's total stays exact across creates,
deletes, status changes and (PostgreSQL) concurrent creates, whether the list reads its total from
``platform_list_counts`` (filters the counters keep) or counts its rows (any other filter).

Every test also compares the organization's counters with a GROUP BY count of its rows in the four
counted tables, so a trigger that misses a write fails here whichever list shows it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fin_support import invoice_body, make_lease, set_country

from ops_support import make_place, make_ticket, patch
from pmsaas.adapters.sql.queries.list_totals import INVOICES as COUNTED_INVOICES
from pmsaas.adapters.sql.queries.list_totals import LEASES, PROPERTIES, TICKETS
from pmsaas.adapters.sql.repositories.properties.properties import property_row
from pmsaas.adapters.sql.tables.financial import invoices
from pmsaas.adapters.sql.tables.operations import tickets
from pmsaas.adapters.sql.tables.platform import list_counts
from pmsaas.adapters.sql.tables.properties import leases, properties
from pmsaas.domain.properties.model import Property, PropertyStatus, PropertyType
from pmsaas.domain.shared.address import Address
from support import property_body, put_on_plan

pytestmark = pytest.mark.today("2026-12-01")

BASE = "/api/v1/properties"
INVOICES = "/api/v1/financial/invoices"
# A filter the counters don't keep: the list counts its rows (the reference for the counted total).
SCANNED = {"created_after": "2000-01-01T00:00:00Z"}

COUNTED = [  # (list, table, first counted column, second or None, soft-deleted)
    (PROPERTIES, properties, properties.c.type, True),
    (LEASES, leases, None, False),
    (COUNTED_INVOICES, invoices, None, False),
    (TICKETS, tickets, tickets.c.priority, True),
]


async def counters_match_rows(api: Any, org_id: str) -> dict[tuple[str, str, str], int]:
    """The organization's counters summed per (list, value1, value2), checked against its rows."""
    org = uuid.UUID(org_id)
    async with api.container.system_engine().connect() as conn:
        c = list_counts.c
        summed = await conn.execute(
            sa.select(c.list, c.value1, c.value2, sa.func.sum(c.row_count))
            .where(c.organization_id == org)
            .group_by(c.list, c.value1, c.value2)
        )
        counters = {(r[0], r[1], r[2]): int(r[3]) for r in summed if r[3]}
        rows: dict[tuple[str, str, str], int] = {}
        for counted, table, second, soft in COUNTED:
            value2 = second if second is not None else sa.literal("")
            query = sa.select(table.c.status, value2, sa.func.count()).where(table.c.organization_id == org)
            if soft:
                query = query.where(table.c.deleted_at.is_(None))
            for status, v2, n in await conn.execute(query.group_by(table.c.status, value2)):
                rows[(counted.name, status, v2)] = n
    assert counters == rows
    return counters


async def _total(api: Any, token: str, url: str, **params: Any) -> int:
    r = await api.get(url, token, params=params)
    assert r.status_code == 200, r.text
    pagination = r.json()["meta"]["pagination"]
    return pagination["total_count"] if "total_count" in pagination else pagination["total"]


async def _both(api: Any, token: str, url: str, **params: Any) -> int:
    """The counted total, after checking it against the list's count of its rows."""
    counted = await _total(api, token, url, **params)
    assert counted == await _total(api, token, url, **params, **SCANNED)
    return counted


async def test_property_totals_follow_create_delete_and_status_change(api, owner):
    ids = []
    for i, kind in enumerate(["residential", "residential", "commercial", "residential", "commercial"]):
        r = await api.post(BASE, owner.token, json=property_body(name=f"Counted {i}", type=kind))
        assert r.status_code == 201, r.text
        ids.append(r.json()["data"]["id"])
    assert await _both(api, owner.token, BASE) == 5
    assert await _both(api, owner.token, BASE, type="commercial") == 2

    r = await api.put(f"{BASE}/{ids[0]}", owner.token, json=property_body(name="Counted 0", status="inactive"))
    assert r.status_code == 200, r.text
    r = await api.put(f"{BASE}/{ids[2]}", owner.token, json=property_body(name="Counted 2", type="residential"))
    assert r.status_code == 200, r.text
    assert (await api.delete(f"{BASE}/{ids[4]}", owner.token)).status_code == 204

    assert await _both(api, owner.token, BASE) == 4
    assert await _both(api, owner.token, BASE, status="active") == 3
    assert await _both(api, owner.token, BASE, status="inactive") == 1
    assert await _both(api, owner.token, BASE, type="commercial") == 0
    assert await _both(api, owner.token, BASE, status="active", type="residential") == 3
    assert await _total(api, owner.token, BASE, page=9) == 4  # past the end: the empty page's total
    counters = await counters_match_rows(api, owner.org_id)
    assert counters[("properties", "active", "residential")] == 3


async def test_another_organizations_rows_are_not_in_the_total(api, owner, other_owner):
    for i in range(3):
        await api.post(BASE, owner.token, json=property_body(name=f"Mine {i}"))
    await api.post(BASE, other_owner.token, json=property_body(name="Theirs"))
    assert await _both(api, owner.token, BASE) == 3
    assert await _both(api, other_owner.token, BASE) == 1


async def test_ticket_totals_follow_create_status_change_and_delete(api, owner):
    place = await make_place(api, owner)
    made = [await make_ticket(api, owner.token, place, priority=p) for p in ("high", "high", "low", "critical")]
    r = await patch(api, f"/v1/tickets/{made[0]['id']}", owner.token, json={"status": "in_progress"})
    assert r.status_code == 200, r.text
    assert (await api.delete(f"/v1/tickets/{made[3]['id']}", owner.token)).status_code == 200

    assert await _both(api, owner.token, "/v1/tickets") == 3
    assert await _both(api, owner.token, "/v1/tickets", status="open") == 2
    assert await _both(api, owner.token, "/v1/tickets", status="open", priority="high") == 1
    assert await _both(api, owner.token, "/v1/tickets", priority="critical") == 0
    await counters_match_rows(api, owner.org_id)


async def test_lease_and_invoice_totals_follow_status_changes(api, owner):
    await set_country(api, owner, "IN")
    active = await make_lease(api, owner)
    await make_lease(api, owner, status="draft")
    assert await _both(api, owner.token, "/api/v1/leases") == 2
    assert await _both(api, owner.token, "/api/v1/leases", status="active") == 1

    drafts = []
    for _ in range(2):
        r = await api.post(INVOICES, owner.token, json=invoice_body(active))
        assert r.status_code == 201, r.text
        drafts.append(r.json()["data"]["id"])
    assert await _total(api, owner.token, INVOICES, status="draft") == 2
    r = await api.post(f"{INVOICES}/{drafts[0]}/issue", owner.token)
    assert r.status_code == 200, r.text
    assert await _total(api, owner.token, INVOICES) == 2
    assert await _total(api, owner.token, INVOICES, status="draft") == 1
    assert await _total(api, owner.token, INVOICES, status=r.json()["data"]["status"]) == 1
    await counters_match_rows(api, owner.org_id)


async def test_concurrent_creates_are_all_counted(api, owner):
    """On PostgreSQL the creates run on separate connections at once (the counters' upserts contend on
    their rows); on SQLite they are serialized. Either way every one is counted, exactly once."""
    await put_on_plan(api, owner.org_id, "enterprise")  # more properties than the standard plan allows

    async def create(i: int) -> int:
        body = property_body(name=f"Concurrent {i}", type=("residential", "commercial")[i % 2])
        return (await api.post(BASE, owner.token, json=body)).status_code

    statuses = await asyncio.gather(*(create(i) for i in range(24)))
    assert statuses.count(201) == 24
    assert await _both(api, owner.token, BASE) == 24
    assert await _both(api, owner.token, BASE, type="commercial") == 12
    counters = await counters_match_rows(api, owner.org_id)
    if api.backend == "postgres":  # the slots spread the writers (ids are random: at least two slots)
        async with api.container.system_engine().connect() as conn:
            slots = await conn.scalar(
                sa.select(sa.func.count(sa.distinct(list_counts.c.slot))).where(
                    list_counts.c.organization_id == uuid.UUID(owner.org_id)
                )
            )
        assert slots is not None and slots >= 2
    assert sum(n for (name, _, _), n in counters.items() if name == "properties") == 24


def _property(org: uuid.UUID, name: str) -> dict[str, Any]:
    at = datetime(2026, 12, 1, 12, tzinfo=UTC)
    return property_row(
        Property(
            organization_id=org,
            name=name,
            type=PropertyType.RESIDENTIAL,
            status=PropertyStatus.ACTIVE,
            address=Address("1 Main St", "Toronto", "ON", "M5V 2T6", "CA"),
            created_at=at,
            updated_at=at,
        )
    )


@pytest.mark.only_on("postgres")
async def test_concurrent_transactions_writing_one_organization_keep_it_exact(api, owner):
    """Eight transactions on eight connections, started together: each inserts rows one statement at a
    time and ten in one statement, re-statuses one and soft-deletes another. 8 × (4 + 10 − 1) live rows."""
    org = uuid.UUID(owner.org_id)
    started = asyncio.Barrier(8)
    p = properties

    async def writer(i: int) -> None:
        async with api.container.system_engine().connect() as conn:
            await conn.begin()
            await started.wait()
            ids = []
            for j in range(4):
                row = _property(org, f"Writer {i} row {j}")
                await conn.execute(p.insert().values(**row))
                ids.append(row["id"])
            await conn.execute(p.insert(), [_property(org, f"Writer {i} bulk {j}") for j in range(10)])
            await conn.execute(p.update().where(p.c.id == ids[0]).values(status="inactive"))
            await conn.execute(p.update().where(p.c.id == ids[1]).values(deleted_at=datetime.now(UTC)))
            await conn.commit()

    await asyncio.gather(*(writer(i) for i in range(8)))
    assert await _both(api, owner.token, BASE) == 8 * 13
    assert await _both(api, owner.token, BASE, status="inactive") == 8
    await counters_match_rows(api, owner.org_id)
