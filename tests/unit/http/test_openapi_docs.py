"""The documentation layer on a small application: what it fills, and what it leaves for the test to report."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

import msgspec
from litestar import Litestar, get, post
from litestar.openapi import OpenAPIConfig
from litestar.params import FromPath, JSONBody

from openapi_checks import invalid_examples, undocumented
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.openapi_docs import document_schema, route_permissions
from pmsaas.entrypoints.http.openapi_docs.examples import fits
from pmsaas.entrypoints.http.openapi_docs.tags import service_tag


class BreakClauseIn(msgspec.Struct):
    lease_id: UUID
    due_date: str
    frequency: Literal["monthly", "quarterly", "yearly"]
    break_clause_months: int


class BreakClauseOut(msgspec.Struct):
    lease_id: UUID
    frequency: str


@post("/api/v1/leases/{lease_id:uuid}/break-clause", guards=[requires("lease:update")], summary="Add a break clause")
async def add_break_clause(lease_id: FromPath[UUID], data: JSONBody[BreakClauseIn]) -> BreakClauseOut:
    """Adds a break clause to the lease."""
    return BreakClauseOut(lease_id=lease_id, frequency=data.frequency)


@get("/api/v1/parking/spaces", summary="List parking spaces")
async def list_spaces() -> list[str]:
    return []


def documented() -> dict[str, Any]:
    app = Litestar(
        [add_break_clause, list_spaces],
        openapi_config=OpenAPIConfig(title="t", version="1", use_handler_docstrings=True),
    )
    document_schema(app.openapi_schema, route_permissions(app))
    return app.openapi_schema.to_schema()


def test_known_fields_get_the_glossary_and_an_unknown_one_is_reported_by_name():
    spec = documented()
    fields = spec["components"]["schemas"]["BreakClauseIn"]["properties"]
    assert fields["lease_id"]["description"] == "The lease this concerns."
    assert fields["lease_id"]["examples"] == ["3f2b8c1e-6d4a-4e7b-9a51-0c8d2e7f4a10"]
    assert fields["frequency"]["examples"] == ["monthly"]  # the glossary's, and it is in the enum
    # A plain string named like a date field: the glossary's date still fits a string.
    assert fields["due_date"]["examples"] == ["2026-04-05"]
    assert "description" not in fields["break_clause_months"]
    gaps = undocumented(spec)
    assert any(g.startswith("field BreakClauseIn.break_clause_months: no description (") for g in gaps), gaps
    assert any(g.startswith("field BreakClauseIn.break_clause_months: no example (") for g in gaps), gaps
    assert any(g.startswith("operation GET /api/v1/parking/spaces: no description") for g in gaps), gaps
    assert not invalid_examples(spec)


def test_a_response_field_typed_str_takes_the_values_of_its_request_twin():
    fields = documented()["components"]["schemas"]["BreakClauseOut"]["properties"]
    assert fields["frequency"]["description"] == "One of: monthly, quarterly, yearly."
    assert fields["frequency"]["examples"] == ["monthly"]


def test_operations_get_their_docstring_permission_and_service_tag():
    operation = documented()["paths"]["/api/v1/leases/{lease_id}/break-clause"]["post"]
    assert operation["tags"] == ["Properties"]
    assert operation["description"].startswith("Adds a break clause to the lease.")
    assert operation["description"].endswith("Permission: `lease:update`.")


def test_the_longest_prefix_picks_the_service():
    assert service_tag("/api/v1/leases/{lease_id}/ledger") == "Financial"
    assert service_tag("/api/v1/leases/{lease_id}/schedule") == "Properties"
    assert service_tag("/v1/tickets/{ticket_id}") == "Ticketing: Tickets"
    assert service_tag("/api/v2/anything") is None


def test_a_glossary_example_must_fit_the_schema_to_be_used():
    from litestar.openapi.spec import OpenAPIFormat, OpenAPIType, Schema

    date_time = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.DATE_TIME)
    assert fits("2026-04-01T09:30:00Z", date_time) and not fits("2026-04-01", date_time)
    assert not fits("weekly", Schema(type=OpenAPIType.STRING, enum=["monthly"]))
    assert not fits("10", Schema(one_of=[Schema(type=OpenAPIType.NUMBER), Schema(type=OpenAPIType.NULL)]))
    assert fits(None, Schema(one_of=[Schema(type=OpenAPIType.NUMBER), Schema(type=OpenAPIType.NULL)]))
    assert not fits(True, Schema(type=OpenAPIType.INTEGER))  # a bool is not a JSON integer
