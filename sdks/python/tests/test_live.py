"""The SDK against a live server: pages, iteration, creation, errors, the async client, ticketing."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from propertymgmt import AsyncPropertyManagementSDK, Page, PropertyManagementError, PropertyManagementSDK

ADDRESS = {"street": "1 Test St", "city": "Toronto", "province": "ON", "postal_code": "M5V 2T6"}


@pytest.fixture
def sdk(base_url: str, token: str):
    with PropertyManagementSDK(api_key=token, environment=base_url) as client:
        yield client


def test_a_page_of_properties_carries_its_pagination(sdk: PropertyManagementSDK):
    page = sdk.properties.list(page=1, page_size=1)
    assert isinstance(page, Page)
    assert len(page) == 1
    assert page.pagination["page_size"] == 1
    assert page.total_count >= 2
    assert page.has_next


def test_iterate_walks_every_page(sdk: PropertyManagementSDK):
    total = sdk.properties.list(page_size=1).total_count
    ids = [p["id"] for p in sdk.properties.iterate(page_size=1)]
    assert len(ids) == total == len(set(ids))


def test_create_sends_an_idempotency_key_and_returns_the_property(base_url: str, token: str):
    seen: list[httpx.Request] = []
    client = httpx.Client(event_hooks={"request": [seen.append]})
    with PropertyManagementSDK(api_key=token, environment=base_url, http_client=client) as sdk:
        name = f"SDK test {uuid.uuid4().hex[:8]}"
        created = sdk.properties.create(name=name, type="residential", address=ADDRESS)
        assert created["name"] == name
        assert created["address"]["postal_code"] == "M5V 2T6"
        assert sdk.properties.get(created["id"])["id"] == created["id"]
        sdk.properties.delete(created["id"])
    assert seen[0].method == "POST"
    assert len(seen[0].headers["Idempotency-Key"]) == 36


def test_an_unknown_id_raises_the_envelope_error(sdk: PropertyManagementSDK):
    with pytest.raises(PropertyManagementError) as caught:
        sdk.properties.get(str(uuid.uuid4()))
    assert caught.value.status == 404
    assert caught.value.code == "RESOURCE_NOT_FOUND"
    assert caught.value.request_id


def test_a_validation_error_names_the_field(sdk: PropertyManagementSDK):
    with pytest.raises(PropertyManagementError) as caught:
        sdk.properties.create(name="No address", type="residential")
    assert caught.value.status == 422
    assert caught.value.code == "VALIDATION_ERROR"
    assert any(d["field"] == "address" for d in caught.value.details)


def test_the_async_client_lists_and_iterates(base_url: str, token: str):
    async def run() -> tuple[int, int]:
        async with AsyncPropertyManagementSDK(api_key=token, environment=base_url) as sdk:
            page = await sdk.properties.list(page=1, page_size=1)
            items = [p async for p in sdk.properties.iterate(page_size=1)]
            return page.total_count, len(items)

    total, walked = asyncio.run(run())
    assert total == walked >= 2


def test_the_ticketing_surface_pages_too(sdk: PropertyManagementSDK):
    page = sdk.ticketing.tickets.list(per_page=1)
    assert page.pagination["per_page"] == 1
    assert len(list(sdk.ticketing.tickets.iterate(per_page=1))) == page.total_count


def test_an_attachment_uploads_as_multipart_and_downloads_as_bytes(sdk: PropertyManagementSDK):
    request = next(sdk.maintenance_requests.iterate())
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    attachment = sdk.attachments.create(request["id"], files={"file": ("leak.png", png, "image/png")})
    assert attachment["content_type"] == "image/png" and attachment["size"] == len(png)
    assert sdk.attachments.get(request["id"], attachment["id"]) == png


def test_an_undescribed_answer_is_unwrapped_too(sdk: PropertyManagementSDK):
    # the reports' answers are not described by the document; the envelope is removed all the same
    returns = sdk.financial.gst_returns()
    assert isinstance(returns, list) and returns[0]["currency"]
    assert sdk.financial.gst_returns(format="csv").startswith(b"period,")
