"""A write whose COMMIT answer was lost and that the database could not settle (adapters/sql/in_doubt.py)
answers 503, and its Idempotency-Key stays claimed: the client's retry hears 409 "still being
processed", never runs the create a second time (the soak found a property written twice when the
key was released with the 503)."""

from __future__ import annotations

from typing import Any

import pytest
from dependency_injector import providers

from pmsaas.adapters.sql.uow import SqlUnitOfWork
from pmsaas.domain.shared.errors import CommitOutcomeUnknown
from support import property_body

pytestmark = pytest.mark.today("2026-12-01")

PROPERTIES = "/api/v1/properties"


def saved_but_unconfirmed(api: Any) -> Any:
    """Units of work whose commit takes, then reports that nobody knows whether it took."""

    def make() -> Any:
        uow = SqlUnitOfWork(api.container.engine(), access_cutoffs=api.container.revocations())
        commit = uow.commit

        async def lost_answer() -> None:
            await commit()
            raise CommitOutcomeUnknown("the database did not say whether the change was saved")

        uow.commit = lost_answer  # type: ignore[method-assign]
        return uow

    return make


async def count(api: Any, owner: Any) -> int:
    r = await api.get(PROPERTIES, owner.token)
    assert r.status_code == 200, r.text
    return int(r.json()["meta"]["pagination"]["total_count"])


async def test_an_unsettled_commit_keeps_the_key_so_a_retry_does_not_write_twice(api, owner):
    key = {"Idempotency-Key": f"unsettled-{owner.org_id}"}
    factory = api.container.uow
    factory.override(providers.Factory(saved_but_unconfirmed(api)))
    try:
        r = await api.post(PROPERTIES, owner.token, json=property_body(name="Maybe saved"), headers=key)
    finally:
        factory.reset_override()
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert await count(api, owner) == 1  # it was saved

    retry = await api.post(PROPERTIES, owner.token, json=property_body(name="Maybe saved"), headers=key)
    assert retry.status_code == 409, retry.text  # still claimed: not run again
    assert retry.headers.get("Retry-After") == "1"
    assert await count(api, owner) == 1

    # Another request, another key: served as usual.
    other = {"Idempotency-Key": f"unsettled-other-{owner.org_id}"}
    r = await api.post(PROPERTIES, owner.token, json=property_body(name="Next"), headers=other)
    assert r.status_code == 201, r.text
    assert await count(api, owner) == 2
