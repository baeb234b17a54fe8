"""Every list endpoint's SQL is answered from an index on PostgreSQL (issue 15 item 3).

Each list is called over HTTP as a client would; the statements it sends are captured (SQLAlchemy's
``before_cursor_execute`` on the engine, and the list queries' psycopg-direct statements at their shared
adapter base, ``PsycopgQuery``) and each SELECT is run again as ``EXPLAIN (FORMAT JSON)`` with its own
parameters under ``SET enable_seqscan = off``: with sequential scans priced out, a plan that still reads
a table of organization-owned rows (one with an ``organization_id`` column) by a ``Seq Scan``, or by
walking a whole index with no index condition, has no index to answer it, and the test names the
endpoint, the statement and the table. PostgreSQL only (the planner checked is PostgreSQL's); not
collected on a SQLite-only run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from fin_support import invoice_body, make_lease, money, set_country

from ops_support import make_place, make_ticket, ticket_body
from pmsaas.adapters.sql.queries.direct import PsycopgQuery
from pmsaas.adapters.sql.tenancy import TENANT_ROLE

pytestmark = [pytest.mark.today("2026-12-01"), pytest.mark.only_on("postgres")]

LISTS = [
    "/api/v1/identity/users",
    "/api/v1/organizations",
    "/api/v1/properties",
    "/api/v1/properties?status=active&sort_by=name",
    "/api/v1/properties/{property_id}/units",
    "/api/v1/properties/{property_id}/tenants",
    "/api/v1/leases",
    "/api/v1/leases?status=active&sort_by=start_date",
    "/api/v1/leases/{lease_id}/recurring-charges",
    "/v1/properties",
    "/api/v1/identity/api-keys",
    "/api/v1/operations/maintenance-requests",
    "/api/v1/operations/maintenance-requests?category=plumbing&unit_id={unit_id}&sort_by=status",
    "/api/v1/operations/maintenance-requests/{request_id}/updates",
    "/api/v1/operations/categories",
    "/api/v1/operations/work-orders",
    "/api/v1/operations/vendors",
    "/api/v1/operations/vendors/{vendor_id}/work-orders",
    "/v1/tickets",
    "/v1/tickets?status=open&priority=high",
    # The ticket list's one statement (queries/ticket_list.py), for each filter, sort and the cursor.
    "/v1/tickets?status=open",
    "/v1/tickets?priority=critical",
    "/v1/tickets?assigned_to={user_id}",
    "/v1/tickets?property_id={property_id}",
    "/v1/tickets?status=in_progress&assigned_to={user_id}&property_id={property_id}",
    "/v1/tickets?sort=updated_at&order=asc",
    "/v1/tickets?sort=priority&per_page=1&page=2",
    "/v1/tickets?cursor={ticket_cursor}&per_page=1",
    "/v1/users",
    "/v1/webhooks",
    "/api/v1/financial/invoices",
    "/api/v1/financial/invoices?status=issued&sort_by=due_date",
    "/api/v1/financial/invoices/{invoice_id}/payments",
    "/api/v1/financial/invoices/{invoice_id}/credit-notes",
    "/api/v1/financial/payments",
    "/api/v1/financial/payment-methods",
    "/api/v1/financial/expenses/{expense_id}/attachments",
    "/api/v1/financial/expenses",
    "/api/v1/financial/budgets/{budget_id}/categories",
    "/api/v1/financial/budgets",
    "/api/v1/notifications",
    "/api/v1/notifications/templates",
    "/api/v1/notifications/channels",
    "/api/v1/webhooks",
    "/api/v1/webhooks/{webhook_id}/deliveries",
    "/api/v1/jobs",
    "/api/v1/identity/oauth-clients",
    "/api/v1/identity/audit-events",
    "/api/v1/organizations/{organization_id}/domains",
    "/api/v1/organizations/{organization_id}/billing",
    "/api/v1/community/events",
    "/api/v1/community/marketplace/listings",
    "/api/v1/community/marketplace/categories",
]
STATIC = {"/api/v1/community/marketplace/categories"}  # a fixed list in the code: no SQL to check


async def test_the_inventory_names_every_list(api):
    """A new list endpoint must be added to LISTS (so its SQL is checked)."""
    spec = (await api.get("/schema/openapi.json")).json()
    schemas = spec["components"]["schemas"]
    found = set()
    for path, operations in spec["paths"].items():
        content = (operations.get("get") or {}).get("responses", {}).get("200", {}).get("content", {})
        ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        if name.startswith(("Paginated_", "TicketingList_")) and name in schemas:
            found.add(path)
    assert found == {url.split("?")[0] for url in LISTS}


async def _created(api: Any, owner: Any, url: str, body: dict[str, Any]) -> str:
    r = await api.post(url, owner.token, json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["data"]["id"])


async def _ids(api: Any, owner: Any) -> dict[str, str]:
    """One of each parent a nested list needs, with a few rows under it."""
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner)
    invoice = await _created(api, owner, "/api/v1/financial/invoices", invoice_body(lease, issue=True))
    place = await make_place(api, owner)
    await make_ticket(api, owner.token, place)
    request = await _created(api, owner, "/api/v1/operations/maintenance-requests", ticket_body(place))
    first = await api.get("/v1/tickets?cursor=&per_page=1", owner.token)  # two tickets: a cursor to the second
    assert first.status_code == 200, first.text
    vendor = {"name": "Aqua Plumbers", "trades": ["plumbing"], "service_areas": ["Mumbai"], "email": "a@aqua.example"}
    expense = {
        "category": "repairs",
        "description": "Lift AMC",
        "amount": money("118.00"),
        "expense_date": "2026-11-20",
    }
    budget = {"name": "FY", "period_start": "2026-04-01", "period_end": "2027-03-31", "categories": []}
    webhook = {"url": "https://hooks.example.com/pmsaas", "events": ["property.created"]}
    return {
        "property_id": lease.property_id,
        "lease_id": lease.id,
        "invoice_id": invoice,
        "request_id": request,
        "vendor_id": await _created(api, owner, "/api/v1/operations/vendors", vendor),
        "expense_id": await _created(api, owner, "/api/v1/financial/expenses", expense),
        "budget_id": await _created(api, owner, "/api/v1/financial/budgets", budget),
        "webhook_id": await _created(api, owner, "/api/v1/webhooks", webhook),
        "organization_id": owner.org_id,
        "user_id": owner.user_id,
        "unit_id": place.units["Unit 101"],
        "ticket_cursor": first.json()["meta"]["pagination"]["next_cursor"],
    }


class Captured:
    """The statements sent while ``on``: (SQL with pyformat placeholders, parameters)."""

    def __init__(self) -> None:
        self.on = False
        self.statements: list[tuple[str, Any]] = []

    def before_cursor_execute(self, conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if self.on and not many:
            self.statements.append((sql, params))


@pytest.fixture
def captured(api: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Captured]:
    seen = Captured()
    # The requests' engine, and the system one (the caller's organizations are listed across them).
    engines = {api.container.engine().sync_engine, api.container.system_engine().sync_engine}
    for engine in engines:
        sa.event.listen(engine, "before_cursor_execute", seen.before_cursor_execute)
    fetch = PsycopgQuery._fetch

    async def recorded(self: PsycopgQuery, sql: str, params: dict[str, Any]) -> list[Any]:
        if seen.on:
            seen.statements.append((sql, params))
        return await fetch(self, sql, params)

    monkeypatch.setattr(PsycopgQuery, "_fetch", recorded)
    yield seen
    for engine in engines:
        sa.event.remove(engine, "before_cursor_execute", seen.before_cursor_execute)


async def as_the_request(api: Any, owner: Any) -> psycopg.AsyncConnection[Any]:
    """A connection that plans as a request does: its role and organization, so each plan carries the
    row-level security policy's condition too (docs/tenancy.md)."""
    url = api.container.engine().url.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True, options=f"-c role={TENANT_ROLE}")
    await conn.execute("SELECT set_config('app.organization_id', %s, false)", (owner.org_id,))
    return conn


def unindexed(plan: dict[str, Any], owned: set[str]) -> Iterator[str]:
    """Nodes reading an organization-owned table without an index condition."""
    relation = plan.get("Relation Name")
    kind = plan["Node Type"]
    if relation in owned:
        if kind == "Seq Scan":
            yield f"Seq Scan on {relation} (filter: {plan.get('Filter', 'none')})"
        elif kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in plan:
            yield f"whole index {plan.get('Index Name')} walked on {relation} (filter: {plan.get('Filter', 'none')})"
    for child in plan.get("Plans", []):
        yield from unindexed(child, owned)


async def test_every_list_query_uses_an_index(api, owner, captured):
    ids = await _ids(api, owner)
    async with await as_the_request(api, owner) as explain:
        owned = {
            row[0]
            for row in await (
                await explain.execute(
                    "SELECT table_name FROM information_schema.columns"
                    " WHERE column_name = 'organization_id' AND table_schema = current_schema()"
                )
            ).fetchall()
        }
        await explain.execute("SET enable_seqscan = off")
        problems: list[str] = []
        checked = 0
        for template in LISTS:
            path = template.format(**ids)
            captured.statements.clear()
            captured.on = True
            r = await api.get(path, owner.token)
            captured.on = False
            assert r.status_code == 200, f"{path}: {r.text}"
            selects = [
                (s, p)
                for s, p in captured.statements
                if s.lstrip().upper().startswith(("SELECT", "WITH")) and "set_config('app.organization_id'" not in s
            ]
            if template in STATIC:
                assert not selects, f"{path}: reads the database now; take it out of STATIC"
                continue
            assert selects, f"{path}: no SELECT captured"
            for sql, params in selects:
                row = await (await explain.execute(f"EXPLAIN (FORMAT JSON) {sql}", params or None)).fetchone()
                assert row is not None
                checked += 1
                for problem in unindexed(row[0][0]["Plan"], owned):
                    problems.append(f"{template}: {problem}\n    {' '.join(sql.split())[:600]}")
    assert checked >= len(LISTS) - len(STATIC)
    assert not problems, "\n".join(problems)


# The hot lists at their default sort (and the ticketing seed's status + priority filter): the page is
# read in index order, so its cost does not grow with the organization's rows (no top-N sort of all).
IN_INDEX_ORDER = {
    "/api/v1/properties": "properties_properties",
    "/api/v1/properties?sort_by=name": "properties_properties",
    "/api/v1/leases": "properties_leases",
    "/api/v1/financial/invoices": "financial_invoices",
    "/v1/tickets": "operations_tickets",
    "/v1/tickets?status=open&priority=high": "operations_tickets",
}


def sorts_over(plan: dict[str, Any], table: str, sorting: bool = False) -> Iterator[str]:
    sorting = sorting or plan["Node Type"] in ("Sort", "Incremental Sort")
    if sorting and plan.get("Relation Name") == table:
        yield f"rows of {table} sorted (sort key not served by an index)"
    for child in plan.get("Plans", []):
        if child.get("Parent Relationship") in ("SubPlan", "InitPlan"):
            continue  # the count and the owners subqueries: not the page's order
        yield from sorts_over(child, table, sorting)


async def test_hot_list_pages_are_read_in_index_order(api, owner, captured):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner)
    await _created(api, owner, "/api/v1/financial/invoices", invoice_body(lease, issue=True))
    await make_ticket(api, owner.token, await make_place(api, owner))
    problems: list[str] = []
    async with await as_the_request(api, owner) as explain:
        await explain.execute("SET enable_seqscan = off")
        await explain.execute("SET enable_sort = off")  # a sort stays only where no index gives the order
        for path, table in IN_INDEX_ORDER.items():
            captured.statements.clear()
            captured.on = True
            r = await api.get(path, owner.token)
            captured.on = False
            assert r.status_code == 200, r.text
            pages = [(s, p) for s, p in captured.statements if f"FROM {table}" in s and "LIMIT" in s]
            assert pages, f"{path}: its page statement was not captured"
            sql, params = pages[0]
            row = await (await explain.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)).fetchone()
            assert row is not None
            problems += [
                f"{path}: {p}\n    {' '.join(sql.split())[:600]}" for p in sorts_over(row[0][0]["Plan"], table)
            ]
    assert not problems, "\n".join(problems)
