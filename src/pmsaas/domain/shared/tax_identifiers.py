"""GSTIN, PAN and Canadian Business Number checks: the one implementation every context uses
(docs/tax-rules.md §2.7, §2.8, §4.5). Pure, on python-stdnum.

Two strengths, for two moments:

* **Registering** an identifier (an organization's tax identity, a tenant, a vendor):
  :func:`validate_gstin`, :func:`validate_pan`, :func:`validate_business_number`,
  :func:`validate_gst_hst_account` accept only what python-stdnum accepts (the regular layout, a
  known State code and PAN holder type, the check character) and return the compact form, or raise
  :class:`InvalidTaxId` with the reason; each context words its own error from it.
* **Reading** an identifier for a tax computation (:func:`parse_gstin`, :func:`check_pan`,
  :func:`parse_business_number`): lenient where the document asks for leniency —

  - GSTIN: the check character (Luhn mod 36) and State code are hard errors. Layouts other than the
    regular one (UIN, OIDAR, TDS/TCS registrations — formats UNCONFIRMED, §8.7) are accepted with a
    warning instead of being rejected blindly, provided their check character is right.
  - PAN: format only (the check-letter algorithm is unpublished); a 4th character outside the known
    holder types ('E', 'K'…) is a warning, not an error.
  - BN: the 9th-digit Luhn check is python-stdnum's, not CRA's (UNCONFIRMED): a warning, not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import ModuleType

from stdnum import luhn
from stdnum.ca import bn as stdnum_bn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.in_ import gstin as stdnum_gstin
from stdnum.in_ import pan as stdnum_pan

from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.indian_states import BY_CODE, StateKind

GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_GSTIN_REGULAR = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
_GSTIN_ANY = re.compile(r"^[0-9]{2}[0-9A-Z]{13}$")
_PAN_RE = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")

PAN_HOLDER_TYPES: dict[str, str] = {
    "P": "Individual",
    "C": "Company",
    "H": "Hindu Undivided Family (HUF)",
    "F": "Firm / LLP",
    "A": "Association of Persons (AOP)",
    "T": "Trust",
    "B": "Body of Individuals (BOI)",
    "L": "Local Authority",
    "J": "Artificial Juridical Person",
    "G": "Government",
}
INDIVIDUAL_OR_HUF = frozenset({"P", "H"})

BN_PROGRAMS = frozenset({"RT", "RP", "RC", "RM", "RR", "RD", "RE", "RN", "RG"})
_GST_HST_ACCOUNT = re.compile(r"^\d{9}RT\d{4}$")


# ------------------------------------------------------------------------------------------------
# Registering: strict (python-stdnum), the compact form or InvalidTaxId
# ------------------------------------------------------------------------------------------------
class InvalidTaxId(ValueError):
    """Not a valid identifier of its kind; ``reason`` says why (python-stdnum's words)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _strict(module: ModuleType, value: str) -> str:
    try:
        return str(module.validate(value))  # every stdnum module has validate()
    except StdnumError as exc:
        # Every error stdnum raises is a subclass carrying a class-level `message`; the base class has none.
        raise InvalidTaxId(str(getattr(exc, "message", exc))) from None


def validate_gstin(value: str) -> str:
    """A GSTIN in the regular layout: State code, a valid PAN, ``Z``, the Luhn mod 36 check character."""
    return _strict(stdnum_gstin, value)


def validate_pan(value: str) -> str:
    """A PAN: ``AAAAA9999A`` with a known holder type (4th letter), sequence not ``0000``."""
    return _strict(stdnum_pan, value)


_TAN = re.compile(r"^[A-Z]{4}[0-9]{5}[A-Z]$")


def validate_tan(value: str) -> str:
    """India's TAN (tax deduction account number): four letters, five digits, one letter. No check
    character is published, so only the layout is checked."""
    compact = re.sub(r"[\s-]", "", value).upper()
    if not _TAN.match(compact):
        raise InvalidTaxId("must be four letters, five digits and a letter, e.g. MUMA12345B")
    return compact


def validate_business_number(value: str) -> str:
    """A Canadian BN (9 digits, Luhn) or BN15 (+ RC/RM/RP/RT program + 4 digits)."""
    return _strict(stdnum_bn, value)


def compact_business_number(value: str) -> str:
    return str(stdnum_bn.compact(value)).upper()


def validate_gst_hst_account(value: str) -> str:
    """A GST/HST account: 9 digits + ``RT`` + 4 digits. The BN's 9th digit is not Luhn-checked here:
    CRA does not publish that rule (docs/tax-rules.md §4.5)."""
    number = compact_business_number(value)
    if not _GST_HST_ACCOUNT.match(number):
        raise InvalidTaxId("a GST/HST account is 9 digits + RT + 4 digits")
    return number


def pan_of_gstin(gstin: str) -> str:
    """The PAN inside a regular GSTIN (characters 3 to 12)."""
    return str(stdnum_gstin.to_pan(gstin))


# ------------------------------------------------------------------------------------------------
# GSTIN
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Gstin:
    value: str
    state_code: str
    pan: str | None  # None for special layouts
    regular: bool  # the regular 15-character layout of §2.7
    warnings: tuple[str, ...] = ()

    @property
    def pan_holder_type(self) -> str | None:
        return self.pan[3] if self.pan else None


def gstin_check_char(first14: str) -> str:
    """The check character for the first 14 characters (Luhn mod 36, §2.7)."""
    return luhn.calc_check_digit(first14, GSTIN_ALPHABET)


def parse_gstin(value: str, *, field_name: str = "gstin") -> Gstin:
    """Validate a GSTIN; raise :class:`ValidationFailed` on ``field_name`` if it is not one."""
    if not isinstance(value, str):
        raise ValidationFailed.single(field_name, "must be a string")
    number = stdnum_gstin.compact(value)
    if len(number) != 15:
        raise ValidationFailed.single(field_name, "a GSTIN has 15 characters")
    if not _GSTIN_ANY.match(number):
        raise ValidationFailed.single(field_name, "a GSTIN is 2 digits then 13 letters or digits")
    state = BY_CODE.get(number[:2])
    if state is None:
        raise ValidationFailed.single(field_name, f"unknown State code {number[:2]!r}")
    try:
        luhn.validate(number, GSTIN_ALPHABET)
    except StdnumError:
        raise ValidationFailed.single(field_name, "check character does not match (Luhn mod 36)") from None
    warnings: list[str] = []
    if not _GSTIN_REGULAR.match(number):
        warnings.append("not the regular GSTIN layout (UIN/OIDAR/TDS-TCS registration?); accepted as special")
        return Gstin(number, number[:2], None, False, tuple(warnings))
    pan = number[2:12]
    if pan[3] not in PAN_HOLDER_TYPES:
        warnings.append(f"unusual PAN holder type {pan[3]!r} in GSTIN")
    return Gstin(number, number[:2], pan, True, tuple(warnings))


def is_valid_gstin(value: str) -> bool:
    try:
        parse_gstin(value)
    except ValidationFailed:
        return False
    return True


def gstin_state_code(value: str, *, field_name: str = "gstin") -> str:
    """The GST State code of a GSTIN (``27AABCP1234Q1Z7`` → ``"27"``)."""
    gstin = parse_gstin(value, field_name=field_name)
    if BY_CODE[gstin.state_code].kind == StateKind.CENTRE:
        raise ValidationFailed.single(field_name, "Centre Jurisdiction (99) GSTINs have no State")
    return gstin.state_code


# ------------------------------------------------------------------------------------------------
# PAN
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PanCheck:
    value: str
    valid: bool
    holder_type: str | None  # the 4th character, when the format is valid
    warnings: tuple[str, ...] = field(default=())

    @property
    def individual_or_huf(self) -> bool:
        return self.valid and self.holder_type in INDIVIDUAL_OR_HUF


def check_pan(value: str | None) -> PanCheck:
    """Format check of a PAN (§2.8). Never raises: an invalid PAN counts as not furnished (§3.4)."""
    if value is None or not isinstance(value, str) or not value.strip():
        return PanCheck("", False, None, ("no PAN furnished",))
    number = stdnum_pan.compact(value)
    if not _PAN_RE.match(number):
        return PanCheck(number, False, None, ("PAN format is AAAAA9999A",))
    if number[5:9] == "0000":
        return PanCheck(number, False, None, ("PAN sequence 0000 is not issued",))
    warnings: tuple[str, ...] = ()
    if number[3] not in PAN_HOLDER_TYPES:
        warnings = (f"unusual PAN holder type {number[3]!r} (UNCONFIRMED codes such as E/K)",)
    return PanCheck(number, True, number[3], warnings)


def is_valid_pan(value: str | None) -> bool:
    return check_pan(value).valid


# ------------------------------------------------------------------------------------------------
# Canadian Business Number
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BusinessNumber:
    value: str  # compact: 9 digits, or 15 characters with a program account
    bn9: str
    program: str | None
    reference: str | None
    checksum_ok: bool
    warnings: tuple[str, ...] = ()


def parse_business_number(value: str, *, field_name: str = "business_number") -> BusinessNumber:
    """Validate a BN or program account (``123456782 RT 0001``); format errors raise, checksum warns."""
    if not isinstance(value, str):
        raise ValidationFailed.single(field_name, "must be a string")
    number = stdnum_bn.compact(value).upper()
    if len(number) not in (9, 15) or not number[:9].isdigit():
        raise ValidationFailed.single(field_name, "a BN is 9 digits, optionally + program id + 4 digits")
    program = reference = None
    if len(number) == 15:
        program, reference = number[9:11], number[11:]
        if program not in BN_PROGRAMS:
            raise ValidationFailed.single(field_name, f"unknown program identifier {program!r}")
        if not reference.isdigit():
            raise ValidationFailed.single(field_name, "the program reference is 4 digits")
    checksum_ok = luhn.is_valid(number[:9])
    warnings = () if checksum_ok else ("9th digit fails the Luhn check (python-stdnum rule, UNCONFIRMED by CRA)",)
    return BusinessNumber(number, number[:9], program, reference, checksum_ok, warnings)
