"""``pmsaas import rent-roll FILE --org ID [--dry-run]``: thin: read the CSV, run the use case, report."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

from pmsaas.container import build_container, shutdown
from pmsaas.domain.identity.roles import permissions_for
from pmsaas.domain.properties.rent_roll import ImportReport, import_rent_roll
from pmsaas.domain.shared.actor import Actor
from pmsaas.settings import Settings


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; the header is line 1. A UTF-8 BOM (Excel) is accepted."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        _ = reader.fieldnames  # reads the header now, so the first data row is line 2
        line = reader.line_num
        for row in reader:
            yield line + 1, {k: (v or "") for k, v in row.items() if k is not None}
            line = reader.line_num


async def run_import(settings: Settings, path: Path, organization_id: UUID, *, dry_run: bool) -> ImportReport:
    container = build_container(settings)
    roles = frozenset({"OrganizationOwner"})
    actor = Actor(user_id=None, organization_id=organization_id, roles=roles, permissions=permissions_for(roles))
    try:
        return await import_rent_roll(
            uow=container.uow().for_organization(organization_id),
            clock=container.clock(),
            actor=actor,
            rows=read_rows(path),
            dry_run=dry_run,
        )
    finally:
        await shutdown(container)


def summary(report: ImportReport) -> str:
    verb = "would create" if report.dry_run else "created"
    return (
        f"{report.rows} row(s): {verb} {report.properties_created} properties, {report.units_created} units, "
        f"{report.tenants_created} tenants, {report.leases_created} leases ({report.leases_activated} active); "
        f"{report.leases_skipped} lease(s) already present" + (" (dry run: nothing written)" if report.dry_run else "")
    )
