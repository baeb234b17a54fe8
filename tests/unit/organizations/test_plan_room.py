"""The plan's room at the moment of use (check_room): refused exactly when one more would pass the
limit, with a message naming the limit and the plan; unlimited plans never refuse."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.organizations.plans import BYTES_PER_GB, PLANS, check_room
from pmsaas.domain.shared.errors import Conflict
from pmsaas.domain.shared.plan_limits import PlanLimitReached, Quota, takes_a_seat

# The standard plan at 5 seats and 10 properties: the rules are what is tested, not the catalogue.
pytestmark = pytest.mark.usefixtures("small_standard_plan")


@given(
    plan=st.sampled_from(list(Plan)),
    quota=st.sampled_from(list(Quota)),
    in_use=st.integers(min_value=0, max_value=2 * 1000 * BYTES_PER_GB),
    adding=st.integers(min_value=1, max_value=20 * 1000**2),
)
def test_refused_exactly_past_the_limit(plan, quota, in_use, adding):
    limit = PLANS[plan].limit_of(quota)
    over = limit is not None and in_use + adding > limit
    if not over:
        check_room(plan, quota, in_use, adding)
        return
    with pytest.raises(PlanLimitReached) as caught:
        check_room(plan, quota, in_use, adding)
    assert isinstance(caught.value, Conflict)  # 409 at the HTTP edge
    assert f"the {plan.value} plan allows" in caught.value.message
    assert caught.value.plan == plan.value and caught.value.quota is quota


@pytest.mark.parametrize(
    ("quota", "in_use", "adding", "words"),
    [
        (Quota.SEATS, 5, 1, "allows 5 seats and 5 are taken"),
        (Quota.PROPERTIES, 10, 1, "allows 10 properties and the organization has 10"),
        (Quota.STORAGE, 10 * BYTES_PER_GB - 10, 2_500_000, "allows 10.00 GB of stored files; 10.00 GB are stored"),
    ],
)
def test_standard_messages_name_the_limit(quota, in_use, adding, words):
    with pytest.raises(PlanLimitReached) as caught:
        check_room(Plan.STANDARD, quota, in_use, adding)
    assert words in caught.value.message and "upgrade the plan" in caught.value.message


def test_the_last_seat_property_and_byte_fit():
    check_room(Plan.STANDARD, Quota.SEATS, 4, 1)
    check_room(Plan.STANDARD, Quota.PROPERTIES, 9, 1)
    check_room(Plan.STANDARD, Quota.STORAGE, 10 * BYTES_PER_GB - 7, 7)
    check_room(Plan.ENTERPRISE, Quota.PROPERTIES, 10**9, 1)  # unlimited


@given(st.sets(st.sampled_from(["Tenant", "PropertyManager", "OrganizationOwner", "Accountant"])))
def test_every_role_but_tenant_takes_a_seat(roles):
    assert takes_a_seat(roles) == bool(roles - {"Tenant"})
