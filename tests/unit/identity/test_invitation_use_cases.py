"""Invitations of existing accounts over the fake unit of work: expiry, single use, the invitee only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fakes import FakeDatabase, FakeUnitOfWork
from pmsaas.domain.identity import users
from pmsaas.domain.identity.invitations import accept_invitation
from pmsaas.domain.identity.model import User
from pmsaas.domain.identity.roles import permissions_for
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.ports import EmailMessage, EmailSender

NOW = datetime(2031, 3, 1, 12, tzinfo=UTC)


class Outbox(EmailSender):
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


class Hasher:
    def hash(self, password: str) -> str:
        return "plain:" + password


async def invited(db: FakeDatabase) -> tuple[User, str, Actor]:
    account = User(email="ann@example.com", name="Ann", created_at=NOW, updated_at=NOW)
    db.users[account.id] = account
    org = new_id()
    roles = frozenset({"OrganizationOwner"})
    owner = Actor(user_id=new_id(), organization_id=org, roles=roles, permissions=permissions_for(roles))
    mails = Outbox()
    data = users.NewUser(email="ANN@example.com", name="Someone", roles=["Tenant"])
    answer = await users.create_user(
        uow=FakeUnitOfWork(db), hasher=Hasher(), clock=FixedClock(NOW), mailer=mails,  # type: ignore[arg-type]
        base_url="http://x", actor=owner, data=data,
    )  # fmt: skip
    assert answer.user.id != account.id and answer.user.name == "Someone"
    assert db.memberships == {} and len(db.invitations) == 1
    secret = next(line for line in mails.sent[-1].body.splitlines() if line and " " not in line and len(line) >= 40)
    return account, secret, Actor(user_id=account.id, organization_id=None)


async def test_an_invitation_expires_after_seven_days():
    db = FakeDatabase()
    _, secret, invitee = await invited(db)
    late = FixedClock(NOW + timedelta(days=7))
    with pytest.raises(NotFound):
        await accept_invitation(uow=FakeUnitOfWork(db), clock=late, actor=invitee, token=secret)
    assert db.memberships == {}


async def test_an_invitation_is_accepted_once_by_its_invitee(monkeypatch):
    db = FakeDatabase()
    account, secret, invitee = await invited(db)
    uow = FakeUnitOfWork(db)

    async def exists(organization_id):  # the organization is there
        return True

    monkeypatch.setattr(uow.organization_registry, "exists", exists)
    stranger = Actor(user_id=new_id(), organization_id=None)
    with pytest.raises(NotFound):
        await accept_invitation(uow=uow, clock=FixedClock(NOW), actor=stranger, token=secret)
    joined = await accept_invitation(uow=uow, clock=FixedClock(NOW), actor=invitee, token=secret)
    assert joined.user.id == account.id and joined.membership.roles == frozenset({"Tenant"})
    with pytest.raises(NotFound):
        await accept_invitation(uow=uow, clock=FixedClock(NOW), actor=invitee, token=secret)
