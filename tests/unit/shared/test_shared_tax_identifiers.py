"""The shared tax-identifier rules (GSTIN, PAN, BN, GST/HST account) on generated identifiers."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.indian_states import BY_CODE, StateKind
from pmsaas.domain.shared.tax_identifiers import (
    GSTIN_ALPHABET,
    PAN_HOLDER_TYPES,
    InvalidTaxId,
    check_pan,
    gstin_check_char,
    gstin_state_code,
    pan_of_gstin,
    parse_business_number,
    parse_gstin,
    validate_business_number,
    validate_gst_hst_account,
    validate_gstin,
    validate_pan,
)

# State codes of places (python-stdnum's list has no 38/97/99; those are checked leniently only).
STATE_CODES = sorted(code for code, s in BY_CODE.items() if s.kind is not StateKind.CENTRE and code not in {"38", "97"})
UNKNOWN_CODES = sorted(f"{n:02d}" for n in range(100) if f"{n:02d}" not in BY_CODE)

letters = st.text(string.ascii_uppercase, min_size=1, max_size=1)


@st.composite
def pans(draw: st.DrawFn) -> str:
    head = draw(st.text(string.ascii_uppercase, min_size=3, max_size=3))
    holder = draw(st.sampled_from(sorted(PAN_HOLDER_TYPES)))
    initial = draw(letters)
    sequence = draw(st.integers(1, 9999))
    return f"{head}{holder}{initial}{sequence:04d}{draw(letters)}"


@st.composite
def gstins(draw: st.DrawFn, codes: list[str] = STATE_CODES) -> str:
    entity = draw(st.sampled_from("123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    first14 = f"{draw(st.sampled_from(codes))}{draw(pans())}{entity}Z"
    return first14 + gstin_check_char(first14)


@given(gstins())
def test_a_generated_gstin_is_accepted_by_both_checks(gstin: str) -> None:
    assert validate_gstin(gstin) == gstin
    parsed = parse_gstin(gstin)
    assert parsed.regular and parsed.value == gstin and parsed.state_code == gstin[:2]
    assert gstin_state_code(gstin) == gstin[:2]


@given(gstins(), st.integers(0, 14), st.sampled_from(GSTIN_ALPHABET))
def test_any_one_character_corruption_is_rejected(gstin: str, position: int, char: str) -> None:
    if gstin[position] == char:
        char = GSTIN_ALPHABET[(GSTIN_ALPHABET.index(char) + 1) % len(GSTIN_ALPHABET)]
    corrupted = gstin[:position] + char + gstin[position + 1 :]
    with pytest.raises(InvalidTaxId):
        validate_gstin(corrupted)
    with pytest.raises(ValidationFailed):
        parse_gstin(corrupted)


@given(gstins())
def test_the_pan_is_the_one_inside_the_gstin(gstin: str) -> None:
    pan = pan_of_gstin(gstin)
    assert pan == gstin[2:12] == parse_gstin(gstin).pan
    assert validate_pan(pan) == pan and check_pan(pan).valid


@given(pans())
def test_a_generated_pan_is_valid_and_compacted(pan: str) -> None:
    assert validate_pan(f" {pan.lower()} ") == pan
    assert check_pan(pan).holder_type == pan[3]


@given(gstins(codes=UNKNOWN_CODES))
def test_a_gstin_with_an_unknown_state_code_is_rejected(gstin: str) -> None:
    with pytest.raises(InvalidTaxId):
        validate_gstin(gstin)
    with pytest.raises(ValidationFailed, match="unknown State code"):
        parse_gstin(gstin)


@given(gstins(codes=["99"]))
def test_a_centre_jurisdiction_gstin_has_no_state(gstin: str) -> None:
    assert parse_gstin(gstin).state_code == "99"
    with pytest.raises(ValidationFailed, match="no State"):
        gstin_state_code(gstin)


@given(st.integers(0, 99_999_999), st.integers(0, 9999))
def test_business_numbers_and_gst_hst_accounts(base: int, reference: int) -> None:
    first8 = f"{base:08d}"
    bn9 = next(f"{first8}{d}" for d in range(10) if parse_business_number(f"{first8}{d}").checksum_ok)
    assert validate_business_number(bn9) == bn9
    account = f"{bn9}RT{reference:04d}"
    assert validate_business_number(f"{bn9} RT {reference:04d}") == account
    assert validate_gst_hst_account(f"{bn9} rt {reference:04d}") == account
    with pytest.raises(InvalidTaxId):
        validate_gst_hst_account(f"{bn9}RC{reference:04d}")  # a business-number program, not GST/HST
    wrong = f"{first8}{(int(bn9[8]) + 1) % 10}"
    with pytest.raises(InvalidTaxId):
        validate_business_number(wrong)
    assert not parse_business_number(wrong).checksum_ok  # reading: a warning, not an error
