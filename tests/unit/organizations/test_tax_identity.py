"""The supplier's tax identity: pure validation rules (no I/O)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.organizations.tax_identity import GST_STATE_CODE, TaxIdentity
from pmsaas.domain.shared.address import IN_STATES
from pmsaas.domain.shared.errors import ValidationFailed


def _problems(identity: TaxIdentity, country: str = "IN", region: str | None = "MH") -> list[str]:
    with pytest.raises(ValidationFailed) as exc:
        identity.validated(country, region)
    return [p.field for p in exc.value.problems]


def test_every_indian_state_has_a_gst_state_code():
    assert set(IN_STATES) <= set(GST_STATE_CODE)
    assert all(len(code) == 2 and code.isdigit() for code in GST_STATE_CODE.values())


def test_the_pan_comes_from_the_gstin_and_must_agree_with_it():
    ok = TaxIdentity(gst_number=" 27aabca1234c1zf ").validated("IN", "MH")
    assert (ok.gst_number, ok.pan_number) == ("27AABCA1234C1ZF", "AABCA1234C")
    assert _problems(TaxIdentity(gst_number="27AABCA1234C1ZF", pan_number="AAACT2345K")) == ["pan_number"]
    assert _problems(TaxIdentity(gst_number="27AABCA1234C1ZF"), region=None) == ["state"]


def test_identities_of_another_country_are_refused_together():
    identity = TaxIdentity(gst_number="27AABCA1234C1ZF", pan_number="AABCA1234C", tax_registration_number="1")
    assert _problems(identity, "US", "TX") == ["gst_number", "pan_number", "tax_registration_number"]


def test_a_round_trip_through_extra_settings_keeps_other_keys():
    identity = TaxIdentity(pan_number="AABCA1234C", gst_registered=False, invoice_number_format="{fy}/{seq}")
    extra = identity.merged_into({"other": 1, "gst_number": "stale"})
    assert extra == {
        "other": 1,
        "pan_number": "AABCA1234C",
        "gst_registered": False,
        "invoice_number_format": "{fy}/{seq}",
    }
    assert TaxIdentity.from_extra(extra) == identity


_piece = st.sampled_from(["INV", "/", "-", "R", "{fy}", "{seq}", "{seq:04d}", "{seq:06d}", "{seq:08d}", "#", "_"])


@given(parts=st.lists(_piece, min_size=1, max_size=6), seq=st.integers(1, 999_999))
def test_an_accepted_indian_format_never_numbers_past_rule_46(parts, seq):
    fmt = "".join(parts)
    try:
        TaxIdentity(invoice_number_format=fmt).validated("IN", "MH")
    except ValidationFailed:
        return
    number = fmt.format(fy="2026-27", seq=seq)
    assert len(number) <= 16 and all(ch.isalnum() or ch in "/-" for ch in number)
    assert "{seq" in fmt


def test_the_rupee_round_off_is_indian_stored_only_when_on_and_null_is_off():
    assert TaxIdentity(invoice_round_off=True).validated("IN", "MH").invoice_round_off is True
    assert _problems(TaxIdentity(invoice_round_off=True), "CA", "ON") == ["invoice_round_off"]
    assert TaxIdentity(invoice_round_off=None).validated("US", "TX").invoice_round_off is False
    on = TaxIdentity(invoice_round_off=True).validated("IN", "MH").merged_into({"other": 1})
    assert on == {"other": 1, "gst_registered": True, "invoice_round_off": True}
    off = TaxIdentity(invoice_round_off=False).validated("IN", "MH").merged_into(on)
    assert "invoice_round_off" not in off
    assert (
        TaxIdentity.from_extra(on).invoice_round_off is True and TaxIdentity.from_extra({}).invoice_round_off is False
    )
