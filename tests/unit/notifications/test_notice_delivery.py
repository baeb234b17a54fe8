"""The event notices' queued deliveries: one id per (event, recipient, channel), whoever computes it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.notifications.notice_delivery import EMAIL, REALTIME, NoticeDelivery, delivery_id
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ports import EmailMessage

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
keys = st.tuples(st.uuids(), st.uuids(), st.sampled_from([EMAIL, REALTIME]))


@given(keys, keys)
def test_the_id_is_the_same_for_the_same_event_recipient_and_channel_only(a, b):
    assert (delivery_id(*a) == delivery_id(*b)) == (a == b)


@given(st.uuids(), st.uuids())
def test_an_email_and_its_announcement_are_two_deliveries_of_one_event(event_id, user_id):
    event = DomainEvent("ticket.created", uuid.uuid4(), NOW, {}, id=event_id)
    mail = NoticeDelivery.email(event, user_id, EmailMessage("m@example.com", "New request", "A leak."), NOW)
    data = {"notification_id": str(uuid.uuid4()), "user_id": str(user_id), "type": "ticket.created"}
    told = NoticeDelivery.realtime(event_id, DomainEvent("notification.created", event.organization_id, NOW, data), NOW)
    assert mail.id == delivery_id(event_id, user_id, EMAIL) and told.id == delivery_id(event_id, user_id, REALTIME)
    assert mail.id != told.id
    assert (mail.status, mail.attempts, mail.next_attempt_at) == ("pending", 0, NOW)  # due at once
    assert told.payload["occurred_at"] == NOW.isoformat() and told.payload["user_id"] == str(user_id)


MAIL = EmailMessage("tenant@example.com", "Invoice INV-1", "Attached.")


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40), st.uuids(), st.uuids())
def test_a_use_cases_mail_is_once_per_key_and_recipient(key_a, key_b, tenant_a, tenant_b):
    org = uuid.uuid4()
    a = NoticeDelivery.mail(org, key_a, tenant_a, MAIL, NOW)
    b = NoticeDelivery.mail(org, key_b, tenant_b, MAIL, NOW)
    assert (a.id == b.id) == ((key_a, tenant_a) == (key_b, tenant_b))
    assert a.payload["key"] == key_a and a.channel == EMAIL and a.next_attempt_at == NOW


def test_an_attachment_is_stored_as_what_to_render_not_as_bytes():
    spec = {"kind": "invoice_pdf", "invoice_id": str(uuid.uuid4())}
    row = NoticeDelivery.mail(uuid.uuid4(), "invoice:x:v2", uuid.uuid4(), MAIL, NOW, attachment=spec)
    assert row.payload["attachment"] == spec and "attachments" not in row.payload
