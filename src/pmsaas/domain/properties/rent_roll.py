"""Importing a rent roll: properties, units, tenants and leases from one spreadsheet, in one go.

Rules
-----
One row per lease. Columns (header names, case-insensitive; blank = not given):

    property_name*, property_type (residential|commercial|mixed_use, default residential),
    street*, city*, province* (or state), postal_code*, country (IN|CA|US; inferred from the code),
    unit_name*, unit_type, bedrooms, bathrooms, area, area_unit (sqft|sqm), market_rent,
    tenant_name*, tenant_email*, tenant_phone,
    lease_start* (YYYY-MM-DD), lease_end (blank = periodic), rent*, billing_day (default 1),
    grace_days, security_deposit, lease_status (active|draft, default active)

Amounts are decimal strings in the organization's currency (``1500.00``).

All or nothing
    The whole file is one transaction: any bad row and nothing is written. Every bad row is
    reported with its line number (the header is line 1) and field, so the file can be fixed in one
    pass. ``dry_run`` does all the work and all the checks, then rolls back.

Idempotent
    Rows are matched to what exists: a property by name, a unit by (property, name), a tenant by
    (property, e-mail), a lease by (unit, tenant, start date). Matches are reused, never updated;
    a lease that already exists is skipped. Re-importing the same file therefore changes nothing,
    and a file extended with new rows imports only the new ones. Leases marked ``active`` are
    activated with the usual checks (no overlap with another active lease of the unit, including
    the file's own rows), and their units become ``occupied``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar
from uuid import UUID

from pmsaas.domain.properties.lease import Lease
from pmsaas.domain.properties.leases import LeaseInput, lease_values
from pmsaas.domain.properties.model import AreaUnit, Property, PropertyType, Tenant, Unit, derived_unit_status
from pmsaas.domain.properties.ports import PropertiesUnitOfWork
from pmsaas.domain.properties.schedule import validate_terms
from pmsaas.domain.properties.services import AddressInput, UnitInput, _check_name, unit_values
from pmsaas.domain.properties.tenants import TenantInput, tenant_values
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, DomainError, FieldProblem, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.plan_limits import PlanLimitReached, Quota

REQUIRED = (
    "property_name",
    "street",
    "city",
    "postal_code",
    "unit_name",
    "tenant_name",
    "tenant_email",
    "lease_start",
    "rent",
)
COLUMNS = frozenset(
    {
        *REQUIRED,
        "property_type",
        "province",
        "state",
        "country",
        "unit_type",
        "bedrooms",
        "bathrooms",
        "area",
        "area_unit",
        "market_rent",
        "tenant_phone",
        "lease_end",
        "billing_day",
        "grace_days",
        "security_deposit",
        "lease_status",
    }
)


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    properties_created: int = 0
    units_created: int = 0
    tenants_created: int = 0
    leases_created: int = 0
    leases_activated: int = 0
    leases_skipped: int = 0  # already there (re-import)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False


class RentRollRejected(ValidationFailed):
    """The file has bad rows; nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            [FieldProblem(f"line {e.line}.{e.field}", e.message) for e in report.errors],
            message=f"{len(report.errors)} problem(s) in the rent roll; nothing was imported",
        )
        self.report = report


class _RowProblem(Exception):
    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems


def _text(row: dict[str, str], name: str) -> str | None:
    value = (row.get(name) or "").strip()
    return value or None


def _finite_decimal(raw: str) -> Decimal:
    value = Decimal(raw)
    if not value.is_finite():
        raise ValueError
    return value


_V = TypeVar("_V")
_EXPECTED: dict[Callable[[str], object], str] = {
    date.fromisoformat: "a date YYYY-MM-DD",
    int: "a whole number",
    _finite_decimal: "a decimal number",
}


def _parse(row: dict[str, str], name: str, convert: Callable[[str], _V], problems: list[FieldProblem]) -> _V | None:
    raw = _text(row, name)
    if raw is None:
        return None
    try:
        return convert(raw)
    except (ValueError, InvalidOperation):
        problems.append(FieldProblem(name, f"must be {_EXPECTED[convert]}, not {raw!r}"))
        return None


@dataclass(frozen=True)
class _Row:
    line: int
    prop_name: str
    prop_type: PropertyType
    address: AddressInput
    unit: UnitInput
    tenant: TenantInput
    lease_start: date
    lease_end: date | None
    rent: Decimal
    billing_day: int
    grace_days: int | None
    deposit: Decimal | None
    activate: bool


def _read_row(line: int, row: dict[str, str], currency: str) -> _Row:
    problems: list[FieldProblem] = [FieldProblem(name, "is required") for name in REQUIRED if not _text(row, name)]
    region = _text(row, "province") or _text(row, "state")
    if region is None:
        problems.append(FieldProblem("province", "is required (province or state)"))
    kind = (_text(row, "property_type") or "residential").lower()
    if kind not in {t.value for t in PropertyType}:
        problems.append(FieldProblem("property_type", "must be residential, commercial or mixed_use"))
    area_unit = (_text(row, "area_unit") or "").lower() or None
    if area_unit is not None and area_unit not in {a.value for a in AreaUnit}:
        problems.append(FieldProblem("area_unit", "must be sqft or sqm"))
    status = (_text(row, "lease_status") or "active").lower()
    if status not in ("active", "draft"):
        problems.append(FieldProblem("lease_status", "must be active or draft"))
    start = _parse(row, "lease_start", date.fromisoformat, problems)
    end = _parse(row, "lease_end", date.fromisoformat, problems)
    rent = _parse(row, "rent", _finite_decimal, problems)
    market = _parse(row, "market_rent", _finite_decimal, problems)
    deposit = _parse(row, "security_deposit", _finite_decimal, problems)
    bedrooms = _parse(row, "bedrooms", int, problems)
    bathrooms = _parse(row, "bathrooms", _finite_decimal, problems)
    area = _parse(row, "area", _finite_decimal, problems)
    billing_day = _parse(row, "billing_day", int, problems)
    grace = _parse(row, "grace_days", int, problems)
    if isinstance(billing_day, int) and not 1 <= billing_day <= 31:
        problems.append(FieldProblem("billing_day", "must be from 1 to 31"))
    if isinstance(grace, int) and grace < 0:
        problems.append(FieldProblem("grace_days", "must be zero or more"))
    market_rent = None
    if isinstance(market, Decimal):
        try:
            market_rent = Money.of(market, currency, field="market_rent")
        except ValidationFailed as exc:
            problems += exc.problems
    if problems or start is None or rent is None:  # both are REQUIRED: when missing, `problems` says so
        raise _RowProblem(problems)
    return _Row(
        line=line,
        prop_name=str(_text(row, "property_name")),
        prop_type=PropertyType(kind),
        address=AddressInput(
            street=str(_text(row, "street")),
            city=str(_text(row, "city")),
            province=str(region),
            postal_code=str(_text(row, "postal_code")),
            country=_text(row, "country"),
        ),
        unit=UnitInput(
            name=str(_text(row, "unit_name")),
            type=_text(row, "unit_type"),
            bedrooms=bedrooms,
            bathrooms=bathrooms,
            area=area,
            area_unit=None if area_unit is None else AreaUnit(area_unit),
            market_rent=market_rent,
        ),
        tenant=TenantInput(
            name=str(_text(row, "tenant_name")), email=str(_text(row, "tenant_email")), phone=_text(row, "tenant_phone")
        ),
        lease_start=start,
        lease_end=end,
        rent=rent,
        billing_day=billing_day if isinstance(billing_day, int) else 1,
        grace_days=grace,
        deposit=deposit,
        activate=status == "active",
    )


class _Importer:
    """Builds everything in memory against what the organization already has (loaded up front in a
    few queries), then writes it with bulk statements: a few dozen round trips for any file size."""

    def __init__(self, clock: Clock, actor: Actor, currency: str, report: ImportReport) -> None:
        self.clock, self.actor, self.currency, self.report = clock, actor, currency, report
        self.now = clock.now()
        self.props: dict[str, Property] = {}
        self.units: dict[tuple[UUID, str], Unit] = {}
        self.tenants: dict[tuple[UUID, str], Tenant] = {}
        self.leases: dict[UUID, list[Lease]] = {}  # by unit
        self.new_props: list[Property] = []
        self.new_units: list[Unit] = []
        self.new_tenants: list[Tenant] = []
        self.new_leases: list[Lease] = []
        self.events: list[DomainEvent] = []

    async def load(self, uow: PropertiesUnitOfWork, names: list[str]) -> None:
        org = self.actor.org
        self.props = {p.name: p for p in await uow.properties.find_by_names(org, names)}
        ids = [p.id for p in self.props.values()]
        existing_units = await uow.units.for_properties(org, ids)
        self.units = {(u.property_id, u.name): u for u in existing_units}
        self.tenants = {(x.property_id, x.email): x for x in await uow.tenants.for_properties(org, ids)}
        for lease in await uow.leases.for_units(org, [u.id for u in existing_units]):
            self.leases.setdefault(lease.unit_id, []).append(lease)

    def property(self, row: _Row) -> Property:
        key = row.prop_name.strip()
        prop = self.props.get(key)
        if prop is None:
            prop = Property(
                organization_id=self.actor.org,
                name=_check_name(key),
                type=row.prop_type,
                address=row.address.build(),
                created_at=self.now,
                updated_at=self.now,
            )
            self.props[key] = prop
            self.new_props.append(prop)
            self.events.append(prop.event("property.created", self.now))
        return prop

    def unit(self, prop: Property, row: _Row) -> Unit:
        values = unit_values(row.unit, self.currency)
        key = (prop.id, str(values["name"]))
        unit = self.units.get(key)
        if unit is None:
            unit = Unit(
                organization_id=self.actor.org, property_id=prop.id, created_at=self.now, updated_at=self.now, **values
            )
            self.units[key] = unit
            self.new_units.append(unit)
        return unit

    def tenant(self, prop: Property, row: _Row) -> Tenant:
        values = tenant_values(row.tenant, prop)
        key = (prop.id, str(values["email"]))
        tenant = self.tenants.get(key)
        if tenant is None:
            tenant = Tenant(
                organization_id=self.actor.org, property_id=prop.id, created_at=self.now, updated_at=self.now, **values
            )
            self.tenants[key] = tenant
            self.new_tenants.append(tenant)
            self.events.append(tenant.event("tenant.created", self.now))
        return tenant

    def lease(self, prop: Property, unit: Unit, tenant: Tenant, row: _Row) -> None:
        on_unit = self.leases.setdefault(unit.id, [])
        if any(x.tenant_id == tenant.id and x.start_date == row.lease_start for x in on_unit):
            self.report.leases_skipped += 1
            return
        data = LeaseInput(
            unit_id=unit.id,
            start_date=row.lease_start,
            end_date=row.lease_end,
            rent=Money.of(row.rent, self.currency, field="rent"),
            billing_day=row.billing_day,
            grace_days=row.grace_days,
            security_deposit=None
            if row.deposit is None
            else Money.of(row.deposit, self.currency, field="security_deposit"),
        )
        values = lease_values(prop, tenant.id, data, self.currency)
        lease = Lease(
            organization_id=self.actor.org,
            property_id=prop.id,
            tenant_id=tenant.id,
            created_at=self.now,
            updated_at=self.now,
            **values,
        )
        validate_terms(lease.terms())
        events = [lease.event("lease.created", self.now)]
        if row.activate:
            lease = replace(lease.activate(occupying=[x for x in on_unit if x.occupies], at=self.now), version=1)
            events.append(lease.event("lease.activated", self.now))
            self.report.leases_activated += 1
        on_unit.append(lease)
        self.new_leases.append(lease)
        self.events += events

    async def write(self, uow: PropertiesUnitOfWork) -> None:
        """Bulk inserts, then the units whose leases made them occupied."""
        new_unit_ids = {u.id for u in self.new_units}
        changed: list[Unit] = []
        for key, unit in self.units.items():
            status = derived_unit_status(unit.status, [x.status.value for x in self.leases.get(unit.id, [])])
            if unit.id in new_unit_ids:
                unit.status = status
            elif status != unit.status:
                moved = replace(unit, status=status, updated_at=self.now, version=unit.version + 1)
                self.units[key] = moved
                changed.append(moved)
                self.events.append(moved.event("unit.status_changed", self.now))
        self.events += [u.event("unit.created", self.now) for u in self.new_units]
        await uow.properties.add_many(self.new_props)
        await uow.units.add_many(self.new_units)
        await uow.tenants.add_many(self.new_tenants)
        await uow.leases.add_many(self.new_leases)
        await uow.units.set_statuses(changed)
        for event in self.events:
            uow.record(event)
        self.report.properties_created = len(self.new_props)
        self.report.units_created = len(self.new_units)
        self.report.tenants_created = len(self.new_tenants)
        self.report.leases_created = len(self.new_leases)


async def _admit(uow: PropertiesUnitOfWork, actor: Actor, importer: _Importer, report: ImportReport) -> None:
    """The plan's property and unit limits, for what the file adds (the organization locked from here
    to the commit, as for one property or unit): a file over them is refused whole."""
    now = importer.now
    for quota, adding in ((Quota.PROPERTIES, len(importer.new_props)), (Quota.UNITS, len(importer.new_units))):
        if adding:
            try:
                await uow.plan_allowance.admit(actor.org, quota, adding=adding, now=now)
            except PlanLimitReached as exc:
                report.errors.append(RowError(1, quota.value, exc.message))


async def import_rent_roll(
    *,
    uow: PropertiesUnitOfWork,
    clock: Clock,
    actor: Actor,
    rows: Iterable[tuple[int, dict[str, str]]],
    dry_run: bool = False,
) -> ImportReport:
    """Import ``rows`` (line number, column → text) in one transaction. Raises ``RentRollRejected``
    (with every bad row) and writes nothing when any row is bad; ``dry_run`` never writes."""
    report = ImportReport(dry_run=dry_run)
    async with uow:
        currency = await uow.organization_facts.currency(actor.org)
        parsed: list[_Row] = []
        for line, raw in rows:
            report.rows += 1
            row_data = {k.strip().lower(): v for k, v in raw.items() if k}
            if report.rows == 1:
                report.errors += [RowError(1, name, "unknown column") for name in sorted(set(row_data) - COLUMNS)]
            try:
                parsed.append(_read_row(line, row_data, currency))
            except _RowProblem as exc:
                report.errors += [RowError(line, p.field, p.message) for p in exc.problems]
        importer = _Importer(clock, actor, currency, report)
        await importer.load(uow, [r.prop_name.strip() for r in parsed])
        for row in parsed:
            try:
                prop = importer.property(row)
                unit = importer.unit(prop, row)
                tenant = importer.tenant(prop, row)
                importer.lease(prop, unit, tenant, row)
            except ValidationFailed as exc:
                report.errors += [RowError(row.line, p.field, p.message) for p in exc.problems]
            except Conflict as exc:
                report.errors.append(RowError(row.line, "lease", exc.message))
            except DomainError as exc:
                report.errors.append(RowError(row.line, "row", exc.message))
        if report.rows == 0:
            report.errors.append(RowError(1, "file", "no rows to import"))
        if not report.errors:
            await _admit(uow, actor, importer, report)
        if report.errors:
            report.errors.sort(key=lambda e: e.line)
            raise RentRollRejected(report)
        await importer.write(uow)
        if not dry_run:
            await uow.commit()
    return report
