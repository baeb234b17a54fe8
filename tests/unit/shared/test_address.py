"""Postal codes per country (Canada A1A 1A1, India 6-digit PIN, US ZIP), and country inference."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.shared.address import (
    CA_PROVINCES,
    IN_STATES,
    US_STATES,
    Address,
    infer_country,
    postal_code_matches,
)
from pmsaas.domain.shared.errors import ValidationFailed

CA_FIRST = "ABCEGHJKLMNPRSTVXY"  # no D F I O Q U, and no W Z first
CA_OTHER = "ABCEGHJKLMNPRSTVWXYZ"  # no D F I O Q U
digit = st.sampled_from("0123456789")


@st.composite
def ca_codes(draw) -> str:
    chars = [
        draw(st.sampled_from(CA_FIRST)),
        draw(digit),
        draw(st.sampled_from(CA_OTHER)),
        draw(digit),
        draw(st.sampled_from(CA_OTHER)),
        draw(digit),
    ]
    code = "".join(chars[:3]) + draw(st.sampled_from([" ", ""])) + "".join(chars[3:])
    return code.lower() if draw(st.booleans()) else code


@st.composite
def in_codes(draw) -> str:
    return draw(st.sampled_from("123456789")) + "".join(draw(digit) for _ in range(5))


@st.composite
def us_codes(draw) -> str:
    zip5 = "".join(draw(digit) for _ in range(5))
    return zip5 + ("-" + "".join(draw(digit) for _ in range(4)) if draw(st.booleans()) else "")


VALID = {"CA": ca_codes(), "IN": in_codes(), "US": us_codes()}
REGION = {"CA": "BC", "IN": "MH", "US": "NY"}


@given(st.sampled_from(sorted(VALID)).flatmap(lambda c: st.tuples(st.just(c), VALID[c])))
def test_valid_codes_match_only_their_country(case):
    country, code = case
    assert postal_code_matches(country, code)
    assert infer_country(code) == country
    for other in set(VALID) - {country}:
        assert not postal_code_matches(other, code)


@given(ca_codes())
def test_canadian_codes_are_normalized(code):
    address = Address.build(street="1 Main", city="Vancouver", province="bc", postal_code=code, country=None)
    compact = code.replace(" ", "").upper()
    assert address.postal_code == f"{compact[:3]} {compact[3:]}" and address.country == "CA"
    assert address.province == "BC"


@st.composite
def invalid_ca(draw) -> str:
    code = draw(ca_codes()).replace(" ", "").upper()
    position = draw(st.integers(0, 5))
    if position in (0, 2, 4):
        bad = draw(st.sampled_from("DFIOQU" + ("WZ" if position == 0 else "") + "0123456789"))
    else:
        bad = draw(st.sampled_from("ABCXYZ"))
    return code[:position] + bad + code[position + 1 :]


@st.composite
def invalid_in(draw) -> str:
    code = draw(in_codes())
    kind = draw(st.sampled_from(["leading zero", "short", "long", "letter"]))
    if kind == "leading zero":
        return "0" + code[1:]
    if kind == "short":
        return code[: draw(st.integers(1, 5))]
    if kind == "long":
        return code + draw(digit)
    position = draw(st.integers(0, 5))
    return code[:position] + draw(st.sampled_from("ABO")) + code[position + 1 :]


@st.composite
def invalid_us(draw) -> str:
    code = draw(us_codes())
    kind = draw(st.sampled_from(["short", "letter", "bad plus4", "space"]))
    if kind == "short":
        return code[:4]
    if kind == "letter":
        return "A" + code[1:]
    if kind == "bad plus4":
        return code[:5] + "-" + "".join(draw(digit) for _ in range(draw(st.sampled_from([1, 2, 3, 5]))))
    return code[:3] + " " + code[3:5]


@given(invalid_ca())
def test_mutated_canadian_codes_are_refused(code):
    assert not postal_code_matches("CA", code)
    assert infer_country(code) != "CA"


@given(invalid_in())
def test_mutated_indian_codes_are_refused(code):
    assert not postal_code_matches("IN", code)
    assert infer_country(code) != "IN"


@given(invalid_us())
def test_mutated_us_codes_are_refused(code):
    assert not postal_code_matches("US", code)
    assert infer_country(code) != "US"


@given(st.one_of(st.text(max_size=12), invalid_ca(), invalid_in(), invalid_us(), *VALID.values()))
def test_inference_never_picks_a_country_whose_rule_fails(code):
    country = infer_country(code)
    matching = [c for c in VALID if postal_code_matches(c, code)]
    assert len(matching) <= 1  # the three formats never overlap
    assert country == (matching[0] if matching else None)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"postal_code": "12345", "country": "CA"}, "address.postal_code"),
        ({"postal_code": "V6B 1A1", "province": "MH"}, "address.province"),
        ({"postal_code": "400001", "province": "ON"}, "address.province"),
        ({"postal_code": "Z1Z 1Z1"}, "address.postal_code"),  # Z never first: no country fits
        ({"country": "FR"}, "address.country"),
        ({"street": "  "}, "address.street"),
        ({"city": ""}, "address.city"),
    ],
)
def test_build_reports_dotted_fields(kw, field):
    values = {"street": "1 Main", "city": "Vancouver", "province": "BC", "postal_code": "V6B 1A1", "country": None}
    values.update(kw)
    with pytest.raises(ValidationFailed) as err:
        Address.build(**values)
    assert field in [p.field for p in err.value.problems]


@pytest.mark.parametrize(
    ("country", "region", "code"), [("usa", "TX", "73301"), ("India", "KA", "560001"), ("CAN", "QC", "H2X 1Y4")]
)
def test_country_aliases(country, region, code):
    address = Address.build(street="1 Main", city="City", province=region, postal_code=code, country=country)
    assert address.country in {"US", "IN", "CA"} and address.province == region


def test_region_tables():
    assert len(CA_PROVINCES) == 13 and {"ON", "QC", "BC", "NU"} <= CA_PROVINCES
    assert {"NY", "CA", "DC", "TX"} <= US_STATES
    assert {"MH", "KA", "DL", "TN"} <= IN_STATES
