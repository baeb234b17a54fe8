"""The property list's query port: the SQLite and the PostgreSQL adapter return the same pages, those
of the fake (the reference: a few lines of Python over the same rows).

The same organization, users and properties (same ids, names, times, owners) go into the fake and
into every configured database (SQLite always, PostgreSQL when PMSAAS_TEST_DATABASE_URL is set),
through the container's own unit of work; every filter and sort the list endpoint offers must give
the same page, in the same order, with the same total, from every adapter."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import make_settings
from fakes import FakeDatabase, FakeUnitOfWork
from fakes.properties import FakePropertyList
from pmsaas.adapters.sql.queries.property_list import PostgresPropertyList, SqlitePropertyList
from pmsaas.container import build_container, shutdown
from pmsaas.domain.identity.model import User
from pmsaas.domain.organizations.model import OrganizationSettings
from pmsaas.domain.organizations.services import new_organization
from pmsaas.domain.properties.model import Property, PropertyPolicies, PropertyStatus, PropertyType
from pmsaas.domain.properties.ports import PropertyFilter
from pmsaas.domain.shared.address import Address
from pmsaas.domain.shared.paging import PageRequest

AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def _world() -> tuple[Any, list[User], list[Property]]:
    org = new_organization("Twin Estates", AT, OrganizationSettings.for_country("CA"))
    users = [
        User(
            email=f"owner{i}-{uuid.uuid4().hex[:6]}@example.com",
            name=f"Owner {i}",
            password_hash="x",
            email_verified=True,
            default_organization_id=org.id,
            created_at=AT,
            updated_at=AT,
        )
        for i in range(3)
    ]
    props = []
    for i in range(23):
        props.append(
            Property(
                organization_id=org.id,
                name=f"{'Maple' if i % 3 else 'Cedar'} House {i:02d}",
                type=(PropertyType.RESIDENTIAL, PropertyType.COMMERCIAL, PropertyType.MIXED_USE)[i % 3],
                status=PropertyStatus.ACTIVE if i % 4 else PropertyStatus.INACTIVE,
                address=Address(f"{i} Main St", "Toronto", "ON", "M5V 2T6", "CA"),
                description=None if i % 2 else f"Described {i}",
                year_built=1990 + i if i % 5 else None,
                amenities=("gym", "pool")[: i % 3],
                policies=PropertyPolicies(pets_allowed=bool(i % 2), grace_days=i % 7) if i % 2 else PropertyPolicies(),
                owner_ids=tuple(u.id for j, u in enumerate(users) if (i + j) % 3 == 0),
                created_at=AT + timedelta(minutes=i // 2),  # ties on created_at: the id breaks them
                updated_at=AT + timedelta(hours=23 - i),
            )
        )
    return org, users, props


CASES = [
    (PropertyFilter(), PageRequest(page=1, page_size=10)),
    (PropertyFilter(), PageRequest(page=3, page_size=10)),
    (PropertyFilter(), PageRequest(page=9, page_size=10)),  # past the end: empty page, total still right
    (PropertyFilter(status="active"), PageRequest(page=1, page_size=50, sort_by="name", descending=True)),
    (PropertyFilter(type="commercial", search="maple"), PageRequest(page=1, page_size=5, sort_by="updated_at")),
    (PropertyFilter(created_after=AT + timedelta(minutes=3), created_before=AT + timedelta(minutes=8)), PageRequest()),
]


ADAPTERS = {"sqlite": SqlitePropertyList, "postgres": PostgresPropertyList}


async def _pages(make_uow: Callable[[], Any], world: tuple[Any, list[User], list[Property]]) -> tuple[type, list[Any]]:
    """Stores the world through one unit of work, then lists every case through a read-only one."""
    org, users, props = world
    async with make_uow() as uow:
        await uow.organizations.add(org)
        for u in users:
            await uow.users.add(u)
        await uow.properties.add_many(props)
        await uow.commit()
    pages = []
    cases = [*CASES, (PropertyFilter(owner_id=users[1].id), PageRequest(page=1, page_size=50, sort_by="name"))]
    async with make_uow().read_only() as reader:
        adapter = type(reader.property_list)
        for filters, page in cases:
            pages.append(await reader.property_list.page(org.id, filters, page))
    return adapter, pages


async def _pages_in(url: str, tmp: Any, world: tuple[Any, list[User], list[Property]]) -> tuple[type, list[Any]]:
    container = build_container(make_settings(url, tmp))
    try:
        return await _pages(container.system_uow, world)
    finally:
        await shutdown(container)


def _same_pages(these: list[Any], those: list[Any]) -> None:
    for one, other in zip(these, those, strict=True):
        assert one.total == other.total
        # every field, owners included, in the same order
        assert [asdict(x) for x in one.items] == [asdict(x) for x in other.items]


async def test_every_adapter_returns_the_pages_of_the_reference(database_urls, tmp_path):
    """Each configured database's adapter against the fake's list (the reference) on the same rows:
    SQLite always, PostgreSQL too when configured, and then SQLite and PostgreSQL against each other."""
    world = _world()
    fake = FakeDatabase()
    reference_adapter, reference = await _pages(lambda: FakeUnitOfWork(fake), world)
    assert reference_adapter is FakePropertyList
    listed = {backend: await _pages_in(url, tmp_path / backend, world) for backend, url in database_urls.items()}
    assert {backend: adapter for backend, (adapter, _) in listed.items()} == {b: ADAPTERS[b] for b in database_urls}
    on_sqlite = listed["sqlite"][1]  # the suite always runs on SQLite
    for _, pages in listed.values():
        _same_pages(pages, reference)
    if "postgres" in listed:
        _same_pages(on_sqlite, listed["postgres"][1])
    assert [p.total for p in on_sqlite][:3] == [23, 23, 23] and on_sqlite[2].items == []
    assert len(on_sqlite[0].items) == 10 and all(p.items for i, p in enumerate(on_sqlite) if i != 2)
