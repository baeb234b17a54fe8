"""Work orders, vendor performance, tax ids and upload sniffing: pure rules."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.operations.files import MAX_ATTACHMENT_BYTES, safe_filename, sniff_content_type
from pmsaas.domain.operations.model import WORK_ORDER_TRANSITIONS, TaxIdKind, WorkOrder, WorkOrderStatus
from pmsaas.domain.operations.performance import performance_of
from pmsaas.domain.operations.vendors import check_tax_id
from pmsaas.domain.shared.errors import Conflict, IllegalTransition, ValidationFailed
from pmsaas.domain.shared.money import Money

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
VENDOR = uuid.uuid4()


def order(estimate: str = "100.00", hours: int = 4) -> WorkOrder:
    return WorkOrder(
        organization_id=uuid.uuid4(),
        ticket_id=uuid.uuid4(),
        vendor_id=VENDOR,
        description="Fix the pipe",
        scheduled_start=T0,
        scheduled_end=T0 + timedelta(hours=hours),
        estimated_cost=Money.of(estimate, "INR"),
        created_at=T0 - timedelta(days=1),
        updated_at=T0 - timedelta(days=1),
    )


def test_window_must_be_positive():
    with pytest.raises(ValidationFailed):
        order(hours=0)


@pytest.mark.parametrize("status", list(WorkOrderStatus))
@pytest.mark.parametrize("action", ["start", "complete", "cancel"])
def test_every_work_order_transition(status, action):
    o = order()
    o.status = status
    target = WORK_ORDER_TRANSITIONS.get((status, action))
    call = {
        "start": lambda: o.start(T0),
        "complete": lambda: o.complete(T0, Money.of("90", "INR")),
        "cancel": lambda: o.cancel(T0),
    }[action]
    if target is None:
        with pytest.raises(IllegalTransition):
            call()
        assert o.status is status
    else:
        call()
        assert o.status is target


def test_complete_checks_the_currency_and_sign():
    o = order()
    o.start(T0)
    with pytest.raises(ValidationFailed):
        o.complete(T0, Money.of("10", "CAD"))
    with pytest.raises(ValidationFailed):
        o.complete(T0, Money.of("-1", "INR"))
    assert o.status is WorkOrderStatus.IN_PROGRESS


def test_rating_only_once_only_completed_only_1_to_5():
    o = order()
    with pytest.raises(Conflict):
        o.rate(5, None)
    o.start(T0)
    o.complete(T0 + timedelta(hours=1), Money.of("100", "INR"))
    for bad in (0, 6):
        with pytest.raises(ValidationFailed):
            o.rate(bad, None)
    o.rate(4, "good")
    with pytest.raises(Conflict):
        o.rate(5, None)


def test_performance_from_real_orders():
    early = order("100.00")
    early.start(T0)
    early.complete(T0 + timedelta(hours=2), Money.of("110.00", "INR"))  # on time, 2 h
    early.rate(5, None)
    late = order("200.00")
    late.start(T0)
    late.complete(T0 + timedelta(hours=6), Money.of("190.00", "INR"))  # late (window 4 h), 6 h
    late.rate(2, None)
    cancelled = order()
    cancelled.cancel(T0 + timedelta(hours=1))
    outside = order()
    outside.start(T0 - timedelta(days=60))
    outside.complete(T0 - timedelta(days=59), Money.of("1", "INR"))
    perf = performance_of(VENDOR, T0 - timedelta(days=30), T0 + timedelta(days=1), [early, late, cancelled, outside])
    assert perf.work_orders_completed == 2 and perf.work_orders_cancelled == 1
    assert perf.on_time_rate == Decimal("0.50")
    assert perf.average_hours_to_complete == Decimal("4.00")
    assert perf.average_rating == Decimal("3.50") and perf.ratings_count == 2
    assert perf.estimated_total == Money.of("300.00", "INR") and perf.actual_total == Money.of("300.00", "INR")
    assert perf.cost_vs_estimate == Decimal("1.00")


def test_performance_without_work_is_empty_not_zero():
    perf = performance_of(VENDOR, T0, T0 + timedelta(days=1), [])
    assert perf.on_time_rate is None and perf.average_rating is None and perf.cost_vs_estimate is None


@given(st.lists(st.tuples(st.integers(1, 10), st.integers(1, 5), st.booleans()), min_size=1, max_size=20))
def test_performance_rates_are_bounded(specs):
    orders = []
    for hours, rating, late in specs:
        o = order(hours=4)
        o.start(T0)
        o.complete(T0 + timedelta(hours=hours + (10 if late else 0)), Money.of("50", "INR"))
        o.rate(rating, None)
        orders.append(o)
    perf = performance_of(VENDOR, T0, T0 + timedelta(days=2), orders)
    assert Decimal(0) <= perf.on_time_rate <= Decimal(1)
    assert Decimal(1) <= perf.average_rating <= Decimal(5)
    assert perf.work_orders_completed == len(specs)


@pytest.mark.parametrize(
    ("kind", "raw", "ok"),
    [
        (TaxIdKind.GSTIN, "27AAPFU0939F1ZV", True),
        (TaxIdKind.GSTIN, "27AAPFU0939F1ZX", False),
        (TaxIdKind.BN, "123456782", True),
        (TaxIdKind.BN, "123456782RT0001", True),
        (TaxIdKind.BN, "123456789", False),
    ],
)
def test_tax_ids(kind, raw, ok):
    if ok:
        assert check_tax_id(kind, raw)
    else:
        with pytest.raises(ValidationFailed):
            check_tax_id(kind, raw)


def test_tax_id_and_kind_go_together():
    assert check_tax_id(None, None) is None
    with pytest.raises(ValidationFailed):
        check_tax_id(TaxIdKind.BN, None)
    with pytest.raises(ValidationFailed):
        check_tax_id(None, "123456782")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\nrest", "image/png"),
        (b"GIF89a...", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "image/heic"),
        (b"MZ\x90\x00 an exe named leak.jpg", None),
        (b"<html><script>", None),
        (b"", None),
    ],
)
def test_sniffing_uses_the_bytes(data, kind):
    assert sniff_content_type(data) == kind


def test_safe_filenames():
    assert safe_filename("../../etc/passwd", "image/png") == "passwd.png"
    assert safe_filename("leak.exe", "image/jpeg") == "leak.jpg"
    assert safe_filename("C:\\photos\\leak photo.JPG", "image/jpeg") == "leak photo.jpg"
    assert safe_filename("", "application/pdf") == "file.pdf"
    assert MAX_ATTACHMENT_BYTES == 10 * 1024 * 1024
