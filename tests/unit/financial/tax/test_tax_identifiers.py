"""GSTIN, PAN, BN and State codes (docs/tax-rules.md §2.1, §2.7, §2.8, §4.5)."""

import pytest
from stdnum.in_ import gstin as stdnum_gstin

from pmsaas.domain.financial.tax import (
    check_pan,
    gstin_state_code,
    is_valid_gstin,
    is_valid_pan,
    parse_business_number,
    parse_gstin,
)
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.indian_states import gst_code, is_utgst_territory, iso_code, resolve_state
from pmsaas.domain.shared.tax_identifiers import GSTIN_ALPHABET, gstin_check_char


def doc_check_char(first14: str) -> str:
    """The §2.7 pseudo-code, transcribed literally."""
    total = 0
    for i, c in enumerate(first14):
        p = GSTIN_ALPHABET.index(c) * (1 if i % 2 == 0 else 2)
        total += p // 36 + p % 36
    return GSTIN_ALPHABET[(36 - total % 36) % 36]


def test_hand_trace_27AABCP1234Q1Z_gives_7():
    assert doc_check_char("27AABCP1234Q1Z") == "7"
    assert gstin_check_char("27AABCP1234Q1Z") == "7"


def test_published_check_27AAPFU0939F1Z_gives_V():
    assert doc_check_char("27AAPFU0939F1Z") == "V"
    assert gstin_check_char("27AAPFU0939F1Z") == "V"


@pytest.mark.parametrize(
    ("value", "state", "holder"),
    [
        ("27AABCP1234Q1Z7", "27", "C"),
        ("29AAAPK5678L1Z4", "29", "P"),
        ("07AAFFR9012M2ZW", "07", "F"),
        ("04AABTC3456N1ZN", "04", "T"),
        ("27AAPFU0939F1ZV", "27", "F"),
        ("29AAGCB7383J1Z4", "29", "C"),
    ],
)
def test_document_example_gstins_are_valid(value, state, holder):
    g = parse_gstin(value)
    assert g.regular and g.state_code == state and g.pan_holder_type == holder and not g.warnings
    assert gstin_state_code(value) == state
    assert stdnum_gstin.is_valid(value)  # cross-check with python-stdnum


def test_gstin_compacts_spaces_and_case():
    assert parse_gstin(" 27aabcp1234q1z7 ").value == "27AABCP1234Q1Z7"


@pytest.mark.parametrize(
    "value",
    ["27AABCP1234Q1Z8", "27AABCP1234Q1Z", "00AABCP1234Q1Z7", "27AABCP1234Q1Z7X", "27-AABCP1234Q1Z*"],
)
def test_invalid_gstins_refused(value):
    assert not is_valid_gstin(value)
    with pytest.raises(ValidationFailed) as exc:
        parse_gstin(value, field_name="supplier_gstin")
    assert exc.value.problems[0].field == "supplier_gstin"


def test_ladakh_and_other_territory_codes_accepted():
    for prefix in ("38", "97"):
        first14 = prefix + "AABCP1234Q1Z"
        g = parse_gstin(first14 + gstin_check_char(first14))
        assert g.state_code == prefix and g.regular


def test_special_layout_with_valid_check_is_accepted_with_warning():
    first14 = "0717UNO00157UN"
    g = parse_gstin(first14 + gstin_check_char(first14))
    assert not g.regular and g.pan is None and g.warnings


def test_unusual_pan_type_in_gstin_is_warning():
    first14 = "27AABEP1234Q1Z"
    g = parse_gstin(first14 + gstin_check_char(first14))
    assert g.regular and g.warnings


def test_centre_jurisdiction_has_no_state():
    first14 = "99AABCP1234Q1Z"
    value = first14 + gstin_check_char(first14)
    assert is_valid_gstin(value)
    with pytest.raises(ValidationFailed):
        gstin_state_code(value)


@pytest.mark.parametrize(
    ("value", "valid", "holder"),
    [
        ("AABCP1234Q", True, "C"),
        ("aaapk5678l", True, "P"),
        ("AAAEK1234L", True, "E"),  # 'E' is UNCONFIRMED: valid with a warning
        ("AABCP0000Q", False, None),
        ("AAB1P1234Q", False, None),
        ("AABCP1234", False, None),
        (None, False, None),
        ("", False, None),
    ],
)
def test_pan_format(value, valid, holder):
    check = check_pan(value)
    assert check.valid is valid and check.holder_type == holder and is_valid_pan(value) is valid
    if holder == "E":
        assert check.warnings


def test_business_number():
    bn = parse_business_number("123456782 RT 0001")
    assert (bn.bn9, bn.program, bn.reference, bn.checksum_ok) == ("123456782", "RT", "0001", True)
    soft = parse_business_number("123456789")
    assert not soft.checksum_ok and soft.warnings  # Luhn is a soft warning (UNCONFIRMED by CRA)
    assert parse_business_number("123456782RR0001").program == "RR"
    for bad in ("12345678", "123456782XX0001", "123456782RT00A1", "12345678A"):
        with pytest.raises(ValidationFailed):
            parse_business_number(bad)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("27", "27"),
        ("MH", "27"),
        ("IN-MH", "27"),
        ("Maharashtra", "27"),
        ("7", "07"),
        ("TS", "36"),
        ("TG", "36"),
        ("OR", "21"),
        ("OD", "21"),
        ("CT", "22"),
        ("AP", "37"),
        ("LA", "38"),
        ("DN", "26"),
        ("Other Territory", "97"),
        ("ZZ", None),
        ("00", None),
    ],
)
def test_state_resolution(value, code):
    assert gst_code(value) == code


def test_iso_round_trip_for_all_states_with_iso():
    from pmsaas.domain.shared.indian_states import STATES

    for state in STATES:
        if state.iso:
            assert resolve_state(state.iso) is state
            assert iso_code(state.gst_code) == state.iso


def test_utgst_territory_set():
    assert {c for c in ("01", "04", "07", "25", "26", "31", "34", "35", "38", "97", "27") if is_utgst_territory(c)} == {
        "04",
        "25",
        "26",
        "31",
        "35",
        "38",
        "97",
    }
