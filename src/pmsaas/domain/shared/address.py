"""Postal addresses in India, Canada and the US, with per-country postal-code rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed

COUNTRIES = ("IN", "CA", "US")

CA_PROVINCES = frozenset({"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"})
US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
    "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP".split()
)
IN_STATES = frozenset(
    "AN AP AR AS BR CH CG CT DD DH DL DN GA GJ HP HR JH JK KA KL LA LD MH ML MN MP MZ NL OD OR PB PY RJ SK "
    "TN TG TS TR UK UP UT WB".split()
)

# Canada: letter-digit-letter digit-letter-digit; D F I O Q U never appear, W and Z never first.
_CA = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$")
_IN = re.compile(r"^[1-9]\d{5}$")
_US = re.compile(r"^\d{5}(-\d{4})?$")
_PATTERNS = {"CA": _CA, "IN": _IN, "US": _US}
_EXAMPLES = {"CA": "A1A 1A1", "IN": "6 digits, e.g. 400001", "US": "12345 or 12345-6789"}
_COUNTRY_ALIASES = {"USA": "US", "CAN": "CA", "IND": "IN", "INDIA": "IN", "CANADA": "CA"}


def normalize_country(raw: str) -> str:
    value = raw.strip().upper()
    return _COUNTRY_ALIASES.get(value, value)


def normalize_postal_code(country: str, raw: str) -> str:
    value = raw.strip().upper()
    if country == "CA":
        compact = value.replace(" ", "")
        return f"{compact[:3]} {compact[3:]}" if len(compact) == 6 else value
    return value


def postal_code_matches(country: str, postal_code: str) -> bool:
    pattern = _PATTERNS.get(country)
    return bool(pattern and pattern.match(postal_code.strip().upper()))


def infer_country(postal_code: str) -> str | None:
    """The three postal formats do not overlap, so the code alone tells the country."""
    for country in COUNTRIES:
        if postal_code_matches(country, postal_code):
            return country
    return None


def _regions(country: str) -> frozenset[str]:
    return {"CA": CA_PROVINCES, "US": US_STATES, "IN": IN_STATES}[country]


@dataclass(frozen=True)
class Address:
    street: str
    city: str
    province: str  # province (CA), state (US, IN); ISO 3166-2 subdivision code
    postal_code: str
    country: str  # ISO 3166-1 alpha-2

    @classmethod
    def build(
        cls,
        *,
        street: str,
        city: str,
        province: str,
        postal_code: str,
        country: str | None,
        default_country: str | None = None,
        field_prefix: str = "address",
    ) -> Address:
        problems: list[FieldProblem] = []
        code = country and normalize_country(country)
        if code and code not in COUNTRIES:
            problems.append(FieldProblem(f"{field_prefix}.country", "must be one of IN, CA, US"))
            raise ValidationFailed(problems)
        code = code or infer_country(postal_code) or default_country
        if code is None:
            message = "is not a valid IN, CA or US postal code (set address.country for a precise check)"
            raise ValidationFailed([FieldProblem(f"{field_prefix}.postal_code", message)])
        for name, value in (("street", street), ("city", city)):
            if not value.strip():
                problems.append(FieldProblem(f"{field_prefix}.{name}", "must not be blank"))
        region = province.strip().upper()
        if region not in _regions(code):
            word = "province" if code == "CA" else "state"
            problems.append(FieldProblem(f"{field_prefix}.province", f"is not a {word} code of {code}"))
        if not postal_code_matches(code, postal_code):
            problems.append(
                FieldProblem(f"{field_prefix}.postal_code", f"is not a valid {code} postal code ({_EXAMPLES[code]})")
            )
        if problems:
            raise ValidationFailed(problems)
        return cls(
            street=street.strip(),
            city=city.strip(),
            province=region,
            postal_code=normalize_postal_code(code, postal_code),
            country=code,
        )
