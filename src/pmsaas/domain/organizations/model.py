"""Organizations: the tenants of the platform (a management company, a society, an owner)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pmsaas.domain.shared.address import CA_PROVINCES, COUNTRIES, IN_STATES, US_STATES
from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed
from pmsaas.domain.shared.ids import new_id

CURRENCY_OF = {"IN": "INR", "CA": "CAD", "US": "USD"}
DEFAULT_TIME_ZONE = {"IN": "Asia/Kolkata", "CA": "America/Toronto", "US": "America/New_York"}
DEFAULT_LOCALE = {"IN": "en-IN", "CA": "en-CA", "US": "en-US"}
_REGIONS = {"IN": IN_STATES, "CA": CA_PROVINCES, "US": US_STATES}
MFA_POLICY_KEY = "require_mfa_for"  # extra_settings: the roles whose members must sign in with MFA
MAX_MFA_POLICY_ROLES = 10
_LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")  # a BCP 47 tag: en, en-IN, hi-IN, zh-Hant-TW


def is_iana_time_zone(key: str) -> bool:
    """A name of the IANA database (``Asia/Kolkata``), not a file of this machine (``localtime``)."""
    if key in ("localtime", "posixrules") or key != key.strip():
        return False
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class Plan(StrEnum):
    STANDARD = "standard"
    PREMIUM = "premium"
    ENTERPRISE = "enterprise"


class OrganizationStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class OrganizationSettings:
    country: str = "US"
    province: str | None = None
    currency: str = "USD"
    time_zone: str = "America/New_York"
    locale: str = "en-US"

    @classmethod
    def for_country(cls, country: str) -> OrganizationSettings:
        return cls(country, None, CURRENCY_OF[country], DEFAULT_TIME_ZONE[country], DEFAULT_LOCALE[country])

    def validated(self) -> OrganizationSettings:
        problems: list[FieldProblem] = []
        country = self.country.upper()
        if country not in COUNTRIES:
            problems.append(FieldProblem("country", "must be one of IN, CA, US"))
            raise ValidationFailed(problems)
        province = self.province.upper() if self.province else None
        if province and province not in _REGIONS[country]:
            problems.append(FieldProblem("province", f"is not a state/province code of {country}"))
        currency = self.currency.upper()
        if currency != CURRENCY_OF[country]:
            # Invoices, taxes and ledgers are kept in the country's currency.
            problems.append(FieldProblem("currency", f"must be {CURRENCY_OF[country]} for {country}"))
        if not is_iana_time_zone(self.time_zone):
            problems.append(FieldProblem("time_zone", "is not an IANA time zone such as Asia/Kolkata"))
        if not _LOCALE.match(self.locale):
            problems.append(FieldProblem("locale", "is not a locale such as en-IN"))
        if problems:
            raise ValidationFailed(problems)
        return OrganizationSettings(country, province, currency, self.time_zone, self.locale)


@dataclass(frozen=True)
class SettingsChange:
    """A settings update as sent: ``sent`` holds only the regional fields the caller gave
    (``province``, ``currency``, ``time_zone``, ``locale``; ``None`` clears one to the country's
    default, no province). A field not sent keeps its value while the country stays the same; under
    a new country it takes that country's default (another country's province or time zone is no
    value to keep)."""

    country: str
    sent: dict[str, str | None] = field(default_factory=dict)

    def applied_to(self, current: OrganizationSettings | None) -> OrganizationSettings:
        country = self.country.upper()
        known = country in CURRENCY_OF
        defaults = OrganizationSettings.for_country(country) if known else OrganizationSettings(country)
        base = current if current is not None and current.country == country else defaults

        def pick(name: str) -> str:
            value = self.sent[name] if name in self.sent else getattr(base, name)
            return getattr(defaults, name) if value is None else value

        province = self.sent["province"] if "province" in self.sent else base.province
        return OrganizationSettings(country, province, pick("currency"), pick("time_zone"), pick("locale"))


@dataclass(eq=False)
class Organization:
    name: str
    created_at: datetime
    updated_at: datetime
    settings: OrganizationSettings = field(default_factory=OrganizationSettings)
    plan: Plan = Plan.STANDARD
    status: OrganizationStatus = OrganizationStatus.ACTIVE
    extra_settings: dict[str, object] = field(default_factory=dict)
    id: UUID = field(default_factory=new_id)
    version: int = 1


def checked_mfa_policy(roles: list[str] | tuple[str, ...]) -> list[str]:
    """The roles of ``require_mfa_for``, deduplicated and sorted. Which names are roles is identity's
    to say (the HTTP layer lists the built-in ones); here only the shape is checked."""
    if len(roles) > MAX_MFA_POLICY_ROLES or any(not r.strip() or len(r) > 50 for r in roles):
        raise ValidationFailed.single(MFA_POLICY_KEY, f"at most {MAX_MFA_POLICY_ROLES} role names")
    return sorted({r.strip() for r in roles})
