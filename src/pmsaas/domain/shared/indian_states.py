"""Indian States/UTs: GST State codes <-> ISO 3166-2:IN codes, and which UTs levy UTGST (§2.1, §2.7).

Inputs are accepted as a GST State code (``"27"``), an ISO 3166-2 subdivision code with or without the
country prefix (``"MH"``, ``"IN-MH"``), a superseded ISO code (``"TS"``, ``"OR"``, ``"CT"`` …) or the
English name. Everything normalises to the two-digit GST code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class StateKind(StrEnum):
    STATE = "state"
    UT_WITH_LEGISLATURE = "ut_with_legislature"  # Delhi, Puducherry, J&K: they levy SGST
    UT = "ut"  # UTs without a legislature: CGST + UTGST [G21]
    CENTRE = "centre"  # 99 Centre Jurisdiction: a GSTIN prefix, not a place


@dataclass(frozen=True, slots=True)
class IndianState:
    gst_code: str
    name: str
    iso: str | None  # current ISO 3166-2:IN subdivision code without "IN-"
    kind: StateKind
    aliases: tuple[str, ...] = ()


_S, _ULEG, _UT = StateKind.STATE, StateKind.UT_WITH_LEGISLATURE, StateKind.UT

# [G23]; ISO codes per ISO 3166-2:IN (superseded codes kept as aliases).
STATES: tuple[IndianState, ...] = (
    IndianState("01", "Jammu and Kashmir", "JK", _ULEG),
    IndianState("02", "Himachal Pradesh", "HP", _S),
    IndianState("03", "Punjab", "PB", _S),
    IndianState("04", "Chandigarh", "CH", _UT),
    IndianState("05", "Uttarakhand", "UK", _S, ("UT", "UL", "Uttaranchal")),
    IndianState("06", "Haryana", "HR", _S),
    IndianState("07", "Delhi", "DL", _ULEG, ("New Delhi", "NCT of Delhi")),
    IndianState("08", "Rajasthan", "RJ", _S),
    IndianState("09", "Uttar Pradesh", "UP", _S),
    IndianState("10", "Bihar", "BR", _S),
    IndianState("11", "Sikkim", "SK", _S),
    IndianState("12", "Arunachal Pradesh", "AR", _S),
    IndianState("13", "Nagaland", "NL", _S),
    IndianState("14", "Manipur", "MN", _S),
    IndianState("15", "Mizoram", "MZ", _S),
    IndianState("16", "Tripura", "TR", _S),
    IndianState("17", "Meghalaya", "ML", _S),
    IndianState("18", "Assam", "AS", _S),
    IndianState("19", "West Bengal", "WB", _S),
    IndianState("20", "Jharkhand", "JH", _S),
    IndianState("21", "Odisha", "OD", _S, ("OR", "Orissa")),
    IndianState("22", "Chhattisgarh", "CG", _S, ("CT", "Chattisgarh")),
    IndianState("23", "Madhya Pradesh", "MP", _S),
    IndianState("24", "Gujarat", "GJ", _S),
    # 25 (Daman and Diu) was merged into 26 on 2020-01-26; old GSTINs with 25 still exist.
    IndianState("25", "Daman and Diu", "DD", _UT),
    IndianState("26", "Dadra and Nagar Haveli and Daman and Diu", "DH", _UT, ("DN", "Dadra and Nagar Haveli")),
    IndianState("27", "Maharashtra", "MH", _S),
    IndianState("28", "Andhra Pradesh (before division)", None, _S),
    IndianState("29", "Karnataka", "KA", _S),
    IndianState("30", "Goa", "GA", _S),
    IndianState("31", "Lakshadweep", "LD", _UT),
    IndianState("32", "Kerala", "KL", _S),
    IndianState("33", "Tamil Nadu", "TN", _S),
    IndianState("34", "Puducherry", "PY", _ULEG, ("Pondicherry",)),
    IndianState("35", "Andaman and Nicobar Islands", "AN", _UT),
    IndianState("36", "Telangana", "TG", _S, ("TS",)),
    IndianState("37", "Andhra Pradesh", "AP", _S),
    IndianState("38", "Ladakh", "LA", _UT),
    IndianState("97", "Other Territory", None, _UT, ("OT",)),
    IndianState("99", "Centre Jurisdiction", None, StateKind.CENTRE),
)

BY_CODE: dict[str, IndianState] = {s.gst_code: s for s in STATES}

_LOOKUP: dict[str, str] = {}
for _st in STATES:
    _LOOKUP[_st.gst_code] = _st.gst_code
    _LOOKUP[_st.name.upper()] = _st.gst_code
    if _st.iso:
        _LOOKUP[_st.iso] = _st.gst_code
    for _alias in _st.aliases:
        _LOOKUP[_alias.upper()] = _st.gst_code

DAMAN_DIU_MERGER = date(2020, 1, 26)


def resolve_state(value: str) -> IndianState | None:
    """The State for a GST code, ISO code (``MH`` / ``IN-MH``) or name; None if unknown."""
    key = " ".join(str(value).strip().upper().split())
    if key.startswith("IN-"):
        key = key[3:]
    if key.isdigit() and len(key) == 1:
        key = "0" + key
    code = _LOOKUP.get(key)
    return BY_CODE[code] if code else None


def gst_code(value: str) -> str | None:
    state = resolve_state(value)
    return state.gst_code if state else None


def iso_code(code: str) -> str | None:
    state = BY_CODE.get(code)
    return state.iso if state else None


def display_code(code: str) -> str:
    """Short name used in line labels: the ISO code, or the GST code where there is none."""
    return iso_code(code) or code


def is_utgst_territory(code: str) -> bool:
    """True for UTs without a legislature, where intra-State supplies bear CGST + UTGST [G21]."""
    state = BY_CODE.get(code)
    return state is not None and state.kind == StateKind.UT


def is_place(code: str) -> bool:
    state = BY_CODE.get(code)
    return state is not None and state.kind != StateKind.CENTRE


def same_state(a: str, b: str, *, on: date) -> bool:
    """Same State/UT for the inter/intra test; 25 and 26 are one UT from 2020-01-26."""
    if a == b:
        return True
    return on >= DAMAN_DIU_MERGER and {a, b} == {"25", "26"}
