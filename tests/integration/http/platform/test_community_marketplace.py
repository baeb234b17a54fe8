"""The marketplace over HTTP: listings CRUD, categories, a contact relayed through the inbox without
either side ever seeing the other's e-mail or phone, expiry, reports, roles, another organization."""

from __future__ import annotations

import json

import pytest

from community_support import LISTINGS, PASSWORD, new_property, resident
from support import pinned_instant

pytestmark = pytest.mark.today("2026-12-01")


def codes(r) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


def listing_body(**changes):
    body = {
        "title": "Teak bookshelf",
        "description": "Five shelves, pick up from B-1203.",
        "category": "furniture",
        "price": {"amount": "4500.00", "currency": "INR"},
    }
    body.update(changes)
    return body


async def new_listing(api, token, **changes) -> str:
    r = await api.post(LISTINGS, token, json=listing_body(**changes))
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


async def inbox(api, token) -> list[dict]:
    r = await api.get("/api/v1/notifications", token, params={"page_size": 100})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def leaks(text: str, person: dict) -> bool:
    digits = "".join(c for c in person["phone"] if c.isdigit())[-10:]
    return person["email"].lower() in text.lower() or digits in "".join(c for c in text if c.isdigit())


async def test_contact_relays_without_revealing_either_address(api, owner):
    pid = await new_property(api, owner)
    seller = await resident(api, owner, pid, phone="+1 604 555 0161")
    buyer = await resident(api, owner, pid, phone="+1 604 555 0162")
    lid = await new_listing(api, seller["token"])
    seen_by_buyer: list[str] = []
    seen_by_seller: list[str] = []

    r = await api.get(f"{LISTINGS}/{lid}", buyer["token"])
    seen_by_buyer.append(r.text)
    assert r.json()["data"]["price"] == {"amount": "4500.00", "currency": "INR"}
    r = await api.post(f"{LISTINGS}/{lid}/contact", buyer["token"], json={"message": "Is it still free on Sunday?"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["recipient_id"] == seller["id"]
    seen_by_buyer.append(r.text)

    (note,) = [n for n in await inbox(api, seller["token"]) if n["type"] == "community.marketplace_message"]
    assert note["body"] == "Is it still free on Sunday?"
    assert note["data"]["from_user_id"] == buyer["id"] and note["data"]["listing_id"] == lid
    seen_by_seller.append(json.dumps(note))

    # The seller answers through the platform: only someone who wrote, never themselves.
    reply = {"message": "Yes, after 10.", "recipient_id": buyer["id"]}
    r = await api.post(f"{LISTINGS}/{lid}/contact", seller["token"], json=reply)
    assert r.status_code == 200, r.text
    seen_by_seller.append(r.text)
    (answer,) = [n for n in await inbox(api, buyer["token"]) if n["type"] == "community.marketplace_message"]
    assert answer["body"] == "Yes, after 10." and answer["data"]["from_user_id"] == seller["id"]
    seen_by_buyer.append(json.dumps(answer))
    seen_by_buyer.append((await api.get(LISTINGS, buyer["token"])).text)

    assert not any(leaks(text, seller) for text in seen_by_buyer)
    assert not any(leaks(text, buyer) for text in seen_by_seller)

    # To oneself: 422, nothing sent.
    before = len(await inbox(api, seller["token"]))
    for body in ({"message": "hello me"}, {"message": "hello me", "recipient_id": seller["id"]}):
        assert codes(await api.post(f"{LISTINGS}/{lid}/contact", seller["token"], json=body)) == (
            422,
            "VALIDATION_ERROR",
        )
    stranger = await resident(api, owner, pid, phone="+1 604 555 0163")
    r = await api.post(
        f"{LISTINGS}/{lid}/contact", seller["token"], json={"message": "hi", "recipient_id": stranger["id"]}
    )
    assert codes(r) == (422, "VALIDATION_ERROR")  # the seller answers only those who wrote
    assert codes(await api.post(f"{LISTINGS}/{lid}/contact", buyer["token"], json={"message": ""})) == (
        422,
        "VALIDATION_ERROR",
    )
    assert len(await inbox(api, seller["token"])) == before
    assert await inbox(api, stranger["token"]) == []


async def test_crud_categories_and_who_may_remove(api, owner):
    pid = await new_property(api, owner)
    seller = await resident(api, owner, pid, phone="+1 604 555 0171")
    other = await resident(api, owner, pid, phone="+1 604 555 0172")
    cats = (await api.get("/api/v1/community/marketplace/categories", other["token"])).json()["data"]
    assert {"id": "furniture", "name": "Furniture"} in cats
    lid = await new_listing(api, seller["token"])
    r = await api.put(f"{LISTINGS}/{lid}", seller["token"], json=listing_body(title="Oak bookshelf", price=None))
    assert r.status_code == 200 and r.json()["data"]["title"] == "Oak bookshelf" and r.json()["data"]["price"] is None
    assert codes(await api.put(f"{LISTINGS}/{lid}", other["token"], json=listing_body())) == (
        403,
        "INSUFFICIENT_PERMISSIONS",
    )
    assert codes(await api.delete(f"{LISTINGS}/{lid}", other["token"])) == (403, "INSUFFICIENT_PERMISSIONS")
    for bad in (
        listing_body(category="weapons"),
        listing_body(price={"amount": "-1.00", "currency": "INR"}),
        listing_body(expires_in_days=0),
        listing_body(expires_in_days=91),
        listing_body(title=""),
        listing_body(seller_email="x@example.com"),
    ):
        assert codes(await api.post(LISTINGS, seller["token"], json=bad)) == (422, "VALIDATION_ERROR"), bad
    listed = (await api.get(LISTINGS, other["token"])).json()
    assert listed["meta"]["pagination"]["total_count"] == 1  # the bad requests wrote nothing
    assert (await api.delete(f"{LISTINGS}/{lid}", owner.token)).status_code == 204  # a manager removes it
    assert codes(await api.get(f"{LISTINGS}/{lid}", seller["token"])) == (404, "RESOURCE_NOT_FOUND")
    mine = await new_listing(api, seller["token"])
    assert (await api.delete(f"{LISTINGS}/{mine}", seller["token"])).status_code == 204  # the seller too
    _, staff = await owner.add_user("MaintenanceStaff")
    assert codes(await api.get(LISTINGS, staff)) == (403, "INSUFFICIENT_PERMISSIONS")
    assert codes(await api.post(LISTINGS, staff, json=listing_body())) == (403, "INSUFFICIENT_PERMISSIONS")


async def test_reported_listing_is_hidden_until_a_manager_restores_it(api, owner):
    pid = await new_property(api, owner)
    seller = await resident(api, owner, pid, phone="+1 604 555 0181")
    neighbour = await resident(api, owner, pid, phone="+1 604 555 0182")
    lid = await new_listing(api, seller["token"])
    r = await api.post(f"{LISTINGS}/{lid}/report", neighbour["token"], json={"reason": "counterfeit"})
    assert r.status_code == 204, r.text
    assert lid not in {x["id"] for x in (await api.get(LISTINGS, neighbour["token"])).json()["data"]}
    assert codes(await api.get(f"{LISTINGS}/{lid}", neighbour["token"])) == (404, "RESOURCE_NOT_FOUND")
    assert codes(await api.post(f"{LISTINGS}/{lid}/contact", neighbour["token"], json={"message": "hi"})) == (
        404,
        "RESOURCE_NOT_FOUND",
    )
    assert (await api.get(f"{LISTINGS}/{lid}", seller["token"])).json()["data"]["status"] == "hidden"
    assert codes(await api.get(LISTINGS, neighbour["token"], params={"hidden": "true"})) == (
        403,
        "INSUFFICIENT_PERMISSIONS",
    )
    review = (await api.get(LISTINGS, owner.token, params={"hidden": "true"})).json()["data"]
    assert [x["id"] for x in review] == [lid]
    assert codes(await api.post(f"{LISTINGS}/{lid}/restore", neighbour["token"])) == (403, "INSUFFICIENT_PERMISSIONS")
    r = await api.post(f"{LISTINGS}/{lid}/restore", owner.token)
    assert r.status_code == 200 and r.json()["data"]["status"] == "active"
    assert lid in {x["id"] for x in (await api.get(LISTINGS, neighbour["token"])).json()["data"]}


async def test_listings_expire(api, owner, _pinned_clock):
    pid = await new_property(api, owner)
    seller = await resident(api, owner, pid, phone="+1 604 555 0191")
    short = await new_listing(api, seller["token"], expires_in_days=1)
    longer = await new_listing(api, seller["token"], expires_in_days=30)
    r = await api.get(f"{LISTINGS}/{short}", seller["token"])
    assert r.json()["data"]["expires_at"].startswith("2026-12-02")
    buyer = await resident(api, owner, pid, phone="+1 604 555 0192")
    _pinned_clock.pin(pinned_instant("2026-12-05"))
    buyer["token"] = (await api.login(buyer["email"], PASSWORD))["access_token"]  # signs in at the new date
    assert {x["id"] for x in (await api.get(LISTINGS, buyer["token"])).json()["data"]} == {longer}
    assert codes(await api.get(f"{LISTINGS}/{short}", buyer["token"])) == (404, "RESOURCE_NOT_FOUND")


async def test_another_organizations_ids_are_404(api, owner, other_owner):
    pid = await new_property(api, owner)
    seller = await resident(api, owner, pid, phone="+1 604 555 0151")
    lid = await new_listing(api, seller["token"])
    foreign = other_owner.token
    for method, path, body in (
        ("GET", f"{LISTINGS}/{lid}", None),
        ("PUT", f"{LISTINGS}/{lid}", listing_body()),
        ("DELETE", f"{LISTINGS}/{lid}", None),
        ("POST", f"{LISTINGS}/{lid}/contact", {"message": "hi"}),
        ("POST", f"{LISTINGS}/{lid}/report", {"reason": "spam"}),
        ("POST", f"{LISTINGS}/{lid}/restore", None),
    ):
        r = await api.request(method, path, token=foreign, json=body)
        assert codes(r) == (404, "RESOURCE_NOT_FOUND"), (method, path, r.text)
    assert (await api.get(LISTINGS, foreign)).json()["data"] == []
    assert (await api.get(f"{LISTINGS}/{lid}", seller["token"])).json()["data"]["status"] == "active"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64


async def test_images_go_through_the_attachment_checks(api, owner, other_owner):
    pid = await new_property(api, owner)
    seller = await resident(api, owner, pid, phone="+1 604 555 0141")
    buyer = await resident(api, owner, pid, phone="+1 604 555 0142")
    lid = await new_listing(api, seller["token"])
    path = f"{LISTINGS}/{lid}/images"
    r = await api.post(path, seller["token"], files={"file": ("../../shelf.exe", PNG, "application/octet-stream")})
    assert r.status_code == 201, r.text
    image = r.json()["data"]
    assert image["content_type"] == "image/png" and image["filename"] == "shelf.png"  # the bytes decide
    for name, data in (("fake.png", b"MZ\x90\x00 not an image"), ("doc.pdf", PDF), ("empty.png", b"")):
        r = await api.post(path, seller["token"], files={"file": (name, data, "image/png")})
        assert codes(r) == (422, "VALIDATION_ERROR"), (name, r.text)
    r = await api.post(path, buyer["token"], files={"file": ("x.png", PNG, "image/png")})
    assert codes(r) == (403, "INSUFFICIENT_PERMISSIONS")  # only the seller or a manager
    r = await api.post(path, other_owner.token, files={"file": ("x.png", PNG, "image/png")})
    assert codes(r) == (404, "RESOURCE_NOT_FOUND")
    got = (await api.get(f"{LISTINGS}/{lid}", buyer["token"])).json()["data"]
    assert [i["id"] for i in got["images"]] == [image["id"]]
    r = await api.get(image["url"], buyer["token"])
    assert r.status_code == 200 and r.content == PNG and r.headers["content-type"].startswith("image/png")
    assert codes(await api.get(image["url"], other_owner.token)) == (404, "RESOURCE_NOT_FOUND")
