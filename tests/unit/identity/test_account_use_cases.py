"""Account use cases over the fake unit of work: a failed sign-in's audit entry commits although
the sign-in fails, a lock tells the holder once, registration's country and e-mail verification."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from test_sign_in_use_cases import POLICY, CountingIssuer, CountingLimiter, PlainHasher

from fakes import FakeDatabase, FakeUnitOfWork
from pmsaas.domain.flows import sign_up
from pmsaas.domain.identity import email_verification, sessions
from pmsaas.domain.organizations.model import OrganizationSettings
from pmsaas.domain.shared.audit import RequestInfo
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import AuthenticationFailed, RateLimited, ValidationFailed
from pmsaas.domain.shared.ports import EmailMessage, EmailSender

CLOCK = FixedClock(datetime(2031, 3, 31, 23, 59, 50, tzinfo=UTC))
REQUEST = RequestInfo(ip="198.51.100.7", user_agent="Unit/1.0", request_id="req-unit")


class Outbox(EmailSender):
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


async def _sign_up(db, mailer, **kw):
    return await sign_up.sign_up(
        uow=FakeUnitOfWork(db),
        hasher=PlainHasher(),
        clock=CLOCK,
        mailer=mailer,
        base_url="https://app.example",
        email="chloe@example.ca",
        password="correct horse",
        name="Chloé",
        organization_name="Lofts",
        **kw,
    )


async def _login(db, limiter, mailer, email="chloe@example.ca", password="wrong horse"):
    return await sessions.login(
        uow=FakeUnitOfWork(db),
        hasher=PlainHasher(),
        issuer=CountingIssuer(),
        limiter=limiter,
        clock=CLOCK,
        policy=POLICY,
        email=email,
        password=password,
        client_ip="198.51.100.7",
        request=REQUEST,
        mailer=mailer,
    )


async def test_registration_sets_the_country_and_sends_a_single_use_verification():
    db, mailer = FakeDatabase(), Outbox()
    user, membership = await _sign_up(
        db, mailer, settings=replace(OrganizationSettings.for_country("CA"), province="qc")
    )
    assert membership is not None
    assert db.organizations[membership.organization_id].settings == OrganizationSettings(
        "CA", "QC", "CAD", "America/Toronto", "en-CA"
    )
    [mail] = mailer.sent
    token = mail.body.split("token:\n", 1)[1].split("\n", 1)[0]
    verified = await email_verification.verify_email(uow=FakeUnitOfWork(db), clock=CLOCK, token=token, request=REQUEST)
    assert verified.email_verified and db.users[user.id].email_verified
    with pytest.raises(ValidationFailed):
        await email_verification.verify_email(uow=FakeUnitOfWork(db), clock=CLOCK, token=token)
    [entry] = [e for e in db.audit_events if e.action == "email.verified"]
    assert entry.organization_id == membership.organization_id and entry.request == REQUEST


async def test_a_verification_token_expires_after_a_day():
    db, mailer = FakeDatabase(), Outbox()
    await _sign_up(db, mailer)
    token = mailer.sent[0].body.split("token:\n", 1)[1].split("\n", 1)[0]
    later = FixedClock(CLOCK.now() + timedelta(hours=24, seconds=1))
    with pytest.raises(ValidationFailed):
        await email_verification.verify_email(uow=FakeUnitOfWork(db), clock=later, token=token)


async def test_a_failed_sign_in_is_audited_although_it_fails():
    db, mailer = FakeDatabase(), Outbox()
    user, membership = await _sign_up(db, mailer)
    with pytest.raises(AuthenticationFailed):
        await _login(db, CountingLimiter(), mailer)
    with pytest.raises(AuthenticationFailed):
        await _login(db, CountingLimiter(), mailer, email="ghost@example.ca")
    known, unknown = [e for e in db.audit_events if e.action == "login.failed"]
    assert (known.actor_user_id, known.organization_id) == (user.id, membership.organization_id)
    assert known.details == {"reason": "wrong_password"} and known.request == REQUEST
    assert (unknown.actor_user_id, unknown.organization_id) == (None, None)
    assert unknown.target.label.startswith("sha256:") and "ghost" not in str(unknown)


async def test_a_lock_tells_the_holder_once():
    db, mailer = FakeDatabase(), Outbox()
    await _sign_up(db, mailer)
    limiter = CountingLimiter()
    outcomes = []
    for _ in range(POLICY.login_attempts_per_account + 3):
        try:
            await _login(db, limiter, mailer)
        except (AuthenticationFailed, RateLimited) as exc:
            outcomes.append(type(exc).__name__)
    assert outcomes == ["AuthenticationFailed"] * 3 + ["RateLimited"] * 3
    assert [m.subject for m in mailer.sent].count("Sign-in to your account is locked for a while") == 1
    assert [e.action for e in db.audit_events].count("login.locked") == 1
