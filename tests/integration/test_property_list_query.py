"""The property list's query port: the SQLite and the PostgreSQL adapter return the same pages.

The same organization, users and properties (same ids, names, times, owners) go into both databases;
every filter and sort the list endpoint offers must give the same page, in the same order, with the
same total, from both adapters."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from conftest import PG_URL, make_settings
from pmsaas.adapters.sql.queries.property_list import PostgresPropertyList, SqlitePropertyList
from pmsaas.container import build_container, shutdown
from pmsaas.domain.identity.model import User
from pmsaas.domain.organizations.model import OrganizationSettings
from pmsaas.domain.organizations.services import new_organization
from pmsaas.domain.properties.model import Property, PropertyPolicies, PropertyStatus, PropertyType
from pmsaas.domain.properties.ports import PropertyFilter
from pmsaas.domain.shared.address import Address
from pmsaas.domain.shared.paging import PageRequest

pytestmark = pytest.mark.skipif(not PG_URL, reason="compares the SQLite adapter with the PostgreSQL one")

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


async def _pages(url: str, tmp: Any, world: tuple[Any, list[User], list[Property]]) -> tuple[type, list[Any]]:
    org, users, props = world
    container = build_container(make_settings(url, tmp))
    try:
        async with container.uow() as uow:
            await uow.organizations.add(org)
            for u in users:
                await uow.users.add(u)
            await uow.properties.add_many(props)
            await uow.commit()
        pages = []
        cases = [*CASES, (PropertyFilter(owner_id=users[1].id), PageRequest(page=1, page_size=50, sort_by="name"))]
        async with container.uow().read_only() as reader:
            adapter = type(reader.property_list)
            for filters, page in cases:
                pages.append(await reader.property_list.page(org.id, filters, page))
        return adapter, pages
    finally:
        await shutdown(container)


async def test_both_adapters_return_the_same_pages(database_urls, tmp_path):
    world = _world()
    sqlite_adapter, on_sqlite = await _pages(database_urls["sqlite"], tmp_path / "s", world)
    pg_adapter, on_postgres = await _pages(database_urls["postgres"], tmp_path / "p", world)
    assert (sqlite_adapter, pg_adapter) == (SqlitePropertyList, PostgresPropertyList)
    for page_sqlite, page_pg in zip(on_sqlite, on_postgres, strict=True):
        assert page_sqlite.total == page_pg.total
        # every field, owners included, in the same order
        assert [asdict(x) for x in page_sqlite.items] == [asdict(x) for x in page_pg.items]
    assert [p.total for p in on_sqlite][:3] == [23, 23, 23] and on_sqlite[2].items == []
    assert len(on_sqlite[0].items) == 10 and all(p.items for i, p in enumerate(on_sqlite) if i != 2)
