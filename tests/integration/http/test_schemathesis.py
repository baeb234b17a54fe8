"""The whole OpenAPI document fuzzed by schemathesis (issue 11): every operation, as an owner, a tenant
and an API key, then stateful runs that follow the document's links (a create, then reads and writes
of what it made). Two checks: no server error, and every answer conforms to its documented schema.

The app runs in-process (schemathesis' ASGI transport, on its own event loop), over the session's
databases but with its own container. Examples are capped so the module costs about two and a half
minutes per backend on the CI machine; hypothesis is derandomized so a run is reproducible.

Schemathesis' own state machine draws create bodies at random, and the business rules (the
organization's currency, a unit of the property, ...) refuse nearly all of them, so its chains
rarely get past the create. The linked-operations test makes the chains certain: it makes each
create's record for real and fuzzes every operation the create links to on that record.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import msgspec
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance

from bola_support import factory_key, make_everything
from pmsaas.container import build_container
from pmsaas.entrypoints.http.app import create_app

CHECKS = [not_a_server_error, response_schema_conformance]
# Calls that end the caller's own session or credentials: fuzzed with them, every later call would be
# a 401. Their answers are covered by tests/integration/http/platform/test_identity.py and test_mfa.py.
SESSION_ENDERS = {
    ("POST", "/api/v1/identity/logout"),
    ("DELETE", "/api/v1/identity/me"),
    ("POST", "/api/v1/identity/mfa/setup"),
    ("POST", "/api/v1/identity/mfa/verify"),
}
# Per operation and caller. PostgreSQL's pass (its own text and integer limits) costs twice SQLite's
# per request on the CI machine, so it draws fewer: ~2.5 minutes each for the module.
# Fuzzing: the main pass of CI runs it on both databases; the shifted-clock reruns of .ci/run leave it
# out (``-m "not fuzz"``): it draws requests, not dates.
pytestmark = pytest.mark.fuzz
# PMSAAS_FUZZ_EXAMPLES=200 runs a deeper pass by hand (same derandomized draws, more of them).
EXAMPLES = {"sqlite": 15, "postgres": 8}
if os.environ.get("PMSAAS_FUZZ_EXAMPLES"):
    EXAMPLES = dict.fromkeys(EXAMPLES, int(os.environ["PMSAAS_FUZZ_EXAMPLES"]))
LINKED_EXAMPLES = 8  # per link and caller, on a real record
SCOPES = ["tickets:read", "tickets:write", "users:read", "properties:read", "webhooks:write", "workorders:write"]
FUZZ = settings(
    max_examples=EXAMPLES["sqlite"],
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
STATEFUL = settings(
    max_examples=30,
    stateful_step_count=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@dataclass
class Callers:
    owner: dict[str, str]
    tenant: dict[str, str]
    api_key: dict[str, str]


def _ok(r: Any, status: int = 201) -> dict[str, Any]:
    assert r.status_code == status, r.text
    data: dict[str, Any] = r.json()["data"]
    return data


def _callers(app: Any) -> Callers:
    """An organization with a property, a unit, a tenant user with a lease, and an API key."""
    with asgi.get_client(app) as client:
        email, password = f"owner-{uuid.uuid4().hex[:10]}@example.com", "correct horse battery"
        body = {"email": email, "password": password, "name": "Olivia Owner", "organization_name": "Fuzz Rentals"}
        _ok(client.post("/api/v1/identity/register", json=body))
        token = _ok(client.post("/api/v1/identity/login", json={"email": email, "password": password}), 200)
        owner = {"Authorization": f"Bearer {token['access_token']}"}
        place = _ok(client.post("/api/v1/properties", json=_property(), headers=owner))
        unit = _ok(client.post(f"/api/v1/properties/{place['id']}/units", json={"name": "1A"}, headers=owner))
        tenant_email = f"tenant-{uuid.uuid4().hex[:10]}@example.com"
        user = {"email": tenant_email, "name": "Tara", "roles": ["Tenant"], "password": "a long password"}
        user_id = _ok(client.post("/api/v1/identity/users", json=user, headers=owner))["id"]
        tenants = f"/api/v1/properties/{place['id']}/tenants"
        profile = {"name": "Tara", "email": tenant_email, "user_id": user_id}
        tenant_id = _ok(client.post(tenants, json=profile, headers=owner))["id"]
        lease = {"unit_id": unit["id"], "start_date": "2026-01-01", "rent": {"amount": "900.00", "currency": "USD"}}
        lease_id = _ok(client.post(f"{tenants}/{tenant_id}/lease", json=lease, headers=owner))["id"]
        _ok(client.post(f"/api/v1/leases/{lease_id}/activate", headers=owner), 200)
        login = {"email": tenant_email, "password": "a long password"}
        tenant = _ok(client.post("/api/v1/identity/login", json=login), 200)["access_token"]
        key = _ok(client.post("/api/v1/identity/api-keys", json={"name": "Fuzz", "scopes": SCOPES}, headers=owner))
    return Callers(owner, {"Authorization": f"Bearer {tenant}"}, {"X-API-Key": key["key"]})


def _property() -> dict[str, Any]:
    from support import property_body

    return property_body()


@pytest.fixture(scope="module")
def fuzzed(api) -> Iterator[tuple[Any, Callers]]:
    """The suite's settings (its databases, its signing keys: the ``api`` fixture's tokens are valid
    here) in a container of its own, for schemathesis' event loop."""
    own = msgspec.structs.replace(
        api.container.settings(),
        rate_limit_standard=10**9,  # the fuzzer is one organization making thousands of calls
        login_attempts_per_account=10**6,
    )
    app = create_app(build_container(own))
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    yield schema, _callers(app)


def _as(case: Any, headers: dict[str, str]) -> None:
    """The caller's credentials replace whatever the generator made up for the security schemes."""
    generated = {k: v for k, v in (case.headers or {}).items() if k.lower() not in ("authorization", "x-api-key")}
    case.headers = generated | headers


def _fuzz_operation(operation: Any, headers: dict[str, str], examples: int) -> None:
    @settings(FUZZ, max_examples=examples)
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        _as(case, headers)
        case.call_and_validate(checks=CHECKS)

    run()


@pytest.mark.parametrize("caller", ["owner", "tenant", "api_key"])
def test_every_operation_answers_within_its_schema_and_never_500(api, fuzzed, caller):
    schema, callers = fuzzed
    headers = getattr(callers, caller)
    failures, tried = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SESSION_ENDERS:
            continue
        tried += 1
        try:
            _fuzz_operation(operation, headers, EXAMPLES[api.backend])
        except (Exception, BaseExceptionGroup) as exc:  # every operation is tried; the failures are listed together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert tried > 150
    assert failures == [], "\n\n".join(failures)


@pytest.mark.parametrize("caller", ["owner", "api_key"])
def test_stateful_runs_follow_the_links(fuzzed, caller):
    schema, callers = fuzzed
    headers = getattr(callers, caller)
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", schema.app)
    # Valid inputs only: a create must succeed for its links to lead anywhere.
    schema.config.generation.update(modes=["positive"], with_security_parameters=False)
    base = schema.exclude(
        operation_id=[
            op.ok().definition.raw.get("operationId")
            for op in schema.get_all_operations()
            if (op.ok().method.upper(), op.ok().path) in SESSION_ENDERS
        ]
    ).as_state_machine()

    class Machine(base):  # type: ignore[misc,valid-type]
        def before_call(self, case: Any) -> None:
            _as(case, headers)

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kw: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    Machine.run(settings=STATEFUL)


def _links(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(create path, linked operation id, its parameters) for every link a 201 declares."""
    for path, item in doc["paths"].items():
        for link in item.get("post", {}).get("responses", {}).get("201", {}).get("links", {}).values():
            yield path, link["operationId"], link["parameters"]


def _fuzz_record(operation: Any, headers: dict[str, str], path_values: dict[str, str]) -> None:
    @settings(FUZZ, max_examples=LINKED_EXAMPLES)
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        _as(case, headers)
        case.path_parameters = {**(case.path_parameters or {}), **path_values}
        case.call_and_validate(checks=CHECKS)

    run()


@pytest.mark.today("2026-12-01")  # the factory's records are dated for that day
@pytest.mark.parametrize("caller", ["owner", "tenant", "api_key"])
async def test_linked_operations_are_fuzzed_on_real_records(api, fuzzed, caller):
    """Every link of the document, followed: the create's record is made for real (one of each, by the
    BOLA matrix's factory), then the linked operation is fuzzed on it, its path bound as the link says."""
    schema, _ = fuzzed
    owner = await api.new_org("Linked Rentals")
    org = await make_everything(api, owner)
    key = (await api.post("/api/v1/identity/api-keys", owner.token, json={"name": "Fuzz", "scopes": SCOPES})).json()
    tenant = (await api.login(org.tenant_email, org.tenant_password))["access_token"]
    headers = {
        "owner": {"Authorization": f"Bearer {owner.token}"},
        "tenant": {"Authorization": f"Bearer {tenant}"},  # the tenant of the lease the records hang on
        "api_key": {"X-API-Key": key["data"]["key"]},
    }[caller]
    doc = api.client.app.openapi_schema.to_schema()
    by_id = {op.ok().definition.raw.get("operationId"): op.ok() for op in schema.get_all_operations()}
    followed, failures = [], []
    # Deletions last: the records they remove are the ones every other link reads.
    for create, operation_id, parameters in sorted(_links(doc), key=lambda link: "Delete" in link[1]):
        operation = by_id[operation_id]
        values = {name: org.ids[factory_key(operation.path, name) or name] for name in parameters}
        try:
            _fuzz_record(operation, headers, values)
        except (Exception, BaseExceptionGroup) as exc:  # every link is followed; the failures are listed together
            failures.append(f"{create} -> {operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
        followed.append(operation_id)
    assert len(followed) > 100
    assert failures == [], "\n\n".join(failures)
