"""OpenAPI links (docs/api-contract.md §7): every create's 201 links to the operations on its record,
and every link names a real operation with all of its path parameters bound."""

from __future__ import annotations

import re


def _operations(doc):
    return {op["operationId"]: (path, op) for path, item in doc["paths"].items() for op in item.values()}


async def test_every_link_names_a_real_operation_with_its_path_bound(api):
    doc = api.client.app.openapi_schema.to_schema()
    by_id, links = _operations(doc), 0
    for path, item in doc["paths"].items():
        for link in item.get("post", {}).get("responses", {}).get("201", {}).get("links", {}).values():
            target, _ = by_id[link["operationId"]]
            assert set(re.findall(r"\{(\w+)\}", target)) == set(link["parameters"]), (path, target)
            assert "$response.body#/data/id" in link["parameters"].values()
            links += 1
    assert links > 100


async def test_a_create_links_to_the_read_of_what_it_made(api):
    doc = api.client.app.openapi_schema.to_schema()
    by_id = _operations(doc)
    for create, read in (
        ("/api/v1/properties", "/api/v1/properties/{property_id}"),
        ("/api/v1/properties/{property_id}/units", "/api/v1/properties/{property_id}/units/{unit_id}"),
        ("/api/v1/properties/{property_id}/tenants/{tenant_id}/lease", "/api/v1/leases/{lease_id}"),
        ("/v1/tickets", "/v1/tickets/{ticket_id}"),
        ("/api/v1/financial/invoices", "/api/v1/financial/invoices/{invoice_id}"),
    ):
        links = doc["paths"][create]["post"]["responses"]["201"]["links"].values()
        reads = [by_id[link["operationId"]] for link in links]
        assert any(path == read and op is doc["paths"][read]["get"] for path, op in reads), create
