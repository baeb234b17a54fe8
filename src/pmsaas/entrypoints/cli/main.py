"""The ``pmsaas`` command: serve, worker, db, seed-demo, create-admin, openapi."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import click

from pmsaas.settings import Settings, load_settings


def _settings() -> Settings:
    return load_settings()


def _refuse_busy_port(host: str, port: int) -> None:
    """One clear line instead of the server's backtrace when something already listens there."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: TIME_WAIT is free
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.ClickException(
                f"cannot listen on {host}:{port} ({exc.strerror or exc}); is another server running there? "
                f"Pick another port: pmsaas serve --port {port + 1} (or python3 dev.py start --port {port + 1})"
            ) from None


def _refuse_unsafe_production(settings: Settings) -> None:
    if settings.is_production and not settings.jwt_private_key:
        raise click.ClickException("PMSAAS_ENV=production needs PMSAAS_JWT_PRIVATE_KEY; refusing dev keys")


@click.group()
def cli() -> None:
    """pmsaas: property management platform."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--server", type=click.Choice(["granian", "uvicorn"]), default="granian", show_default=True)
def serve(host: str, port: int, workers: int, server: str) -> None:
    """Run the HTTP API."""
    settings = _settings()
    _refuse_unsafe_production(settings)
    _refuse_busy_port(host, port)
    if settings.is_production and _demo_users_exist():
        raise click.ClickException("PMSAAS_ENV=production refuses to start while demo users exist")
    if workers > 1 and not settings.redis_url:
        click.echo(
            "warning: several workers without PMSAAS_REDIS_URL keep separate rate limits and revocations", err=True
        )
    _prepare_metrics_dir(settings.var_path, workers)
    if server == "granian":
        from granian import Granian
        from granian.constants import Interfaces

        Granian(
            "pmsaas.entrypoints.http.asgi:app",
            address=host,
            port=port,
            workers=workers,
            interface=Interfaces.ASGI,
            log_access=False,
        ).serve()
    else:
        import uvicorn

        uvicorn.run(
            "pmsaas.entrypoints.http.asgi:app",
            host=host,
            port=port,
            workers=workers,
            access_log=False,
            log_config=None,
            # Open SSE streams never end by themselves: without a limit, a shutdown would wait on them.
            timeout_graceful_shutdown=10,
        )


def _demo_users_exist() -> bool:
    """Asked in a child process: the check builds the container (the whole application), which this
    process must never import. It stays alive as granian's supervisor, and granian forks the workers from
    it: every module imported here would stay resident in the supervisor for the server's lifetime. The
    workers import the application themselves (the ``module:app`` target)."""
    check = (
        "import asyncio, sys\n"
        "from pmsaas.entrypoints.cli.seed import has_demo_users\n"
        "from pmsaas.settings import load_settings\n"
        "sys.exit(3 if asyncio.run(has_demo_users(load_settings())) else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", check], check=False)  # noqa: S603 (our own fixed code)
    if result.returncode not in (0, 3):
        raise click.ClickException("could not check the database for demo users (see the error above)")
    return result.returncode == 3


def _prepare_metrics_dir(var_path: Path, workers: int) -> None:
    """Several workers share their Prometheus counters through files in PROMETHEUS_MULTIPROC_DIR (set here
    to var/prometheus when the operator did not choose one); files of a previous run are removed so a
    scrape does not add them up again (docs/operations.md, "Metrics")."""
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(var_path / "prometheus")
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


@cli.command()
def worker() -> None:
    """Run background jobs (arq on Redis; needs PMSAAS_REDIS_URL)."""
    settings = _settings()
    if not settings.redis_url:
        raise click.ClickException("the worker needs PMSAAS_REDIS_URL; embedded mode runs jobs in-process")
    from pmsaas.entrypoints.worker.supervise import run_until_stopped

    run_until_stopped()


@cli.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.argument("revision", default="heads")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: every head)."""
    from pmsaas.entrypoints.cli.db import upgrade_and_report

    click.echo(upgrade_and_report(_settings().resolved_database_url, revision))


@db.command("check")
@click.option("--scratch", is_flag=True, help="Check on a new empty database on the same server, then drop it")
def db_check(scratch: bool) -> None:
    """Fail when the migrations do not produce exactly the tables the code declares."""
    from pmsaas.entrypoints.cli.db import pending_differences, scratch_database

    url = _settings().resolved_database_url
    if scratch:
        with scratch_database(url) as scratch_url:
            diff = pending_differences(scratch_url)
    else:
        diff = pending_differences(url)
    if diff:
        for item in diff:
            click.echo(f"  {item}", err=True)
        raise click.ClickException("migrations and tables differ; write a migration")
    click.echo("migrations match the tables")


@cli.command("seed-demo")
def seed_demo() -> None:
    """Create (idempotently) the demo data: an Ontario and a Maharashtra organization, the seed's sandbox
    users, properties, units, tenants, active leases, this month's invoices (one paid) and a maintenance request."""
    from pmsaas.entrypoints.cli.db import upgrade
    from pmsaas.entrypoints.cli.seed import seed

    settings = _settings()
    if settings.is_production:
        raise click.ClickException("demo data is never created in production")
    upgrade(settings.resolved_database_url)
    summary = asyncio.run(seed(settings))
    click.echo(summary)


@cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", default="Administrator")
@click.option("--organization", "organization_name", default=None, help="Also create this organization")
@click.option("--super-admin", is_flag=True, help="Grant SuperAdmin (platform operator)")
@click.password_option(envvar="PMSAAS_ADMIN_PASSWORD")
def create_admin(email: str, name: str, organization_name: str | None, super_admin: bool, password: str) -> None:
    """Create an administrator account."""
    from pmsaas.entrypoints.cli.seed import create_admin_user

    result = asyncio.run(
        create_admin_user(
            _settings(),
            email=email,
            name=name,
            password=password,
            organization_name=organization_name,
            super_admin=super_admin,
        )
    )
    click.echo(result)


@cli.group("import")
def import_() -> None:
    """Bring data in from spreadsheets or another system."""


@import_.command("rent-roll")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "organization", required=True, help="The organization's id")
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing")
def import_rent_roll(file: Path, organization: str, dry_run: bool) -> None:
    """Import a rent roll CSV (properties, units, tenants, leases): all rows or none.

    \b
    One row per lease; the header names the columns (any order, case-insensitive; * = required):
      property_name*, property_type (residential|commercial|mixed_use),
      street*, city*, province* (or state), postal_code*, country (IN|CA|US),
      unit_name*, unit_type, bedrooms, bathrooms, area, area_unit (sqft|sqm), market_rent,
      tenant_name*, tenant_email*, tenant_phone,
      lease_start* (YYYY-MM-DD), lease_end (blank = periodic), rent* (1500.00),
      billing_day (default 1), grace_days, security_deposit, lease_status (active|draft)

    Errors are reported by line: the header is line 1, the first data row line 2. Re-importing the
    same file changes nothing (rows are matched to what exists). More in docs/rent-roll.md."""
    from uuid import UUID

    from pmsaas.domain.properties.rent_roll import RentRollRejected
    from pmsaas.domain.shared.errors import NotFound
    from pmsaas.entrypoints.cli.rent_roll import run_import, summary

    try:
        org = UUID(organization)
    except ValueError:
        raise click.BadParameter("must be an organization id (UUID)", param_hint="--org") from None
    try:
        report = asyncio.run(run_import(_settings(), file, org, dry_run=dry_run))
    except NotFound:
        raise click.ClickException(f"no organization {org}") from None
    except RentRollRejected as exc:
        for error in exc.report.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"{len(exc.report.errors)} problem(s); nothing was imported") from None
    click.echo(summary(report))


@cli.command()
@click.option("--postman", is_flag=True, help="A Postman collection (v2.1) of every operation instead")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True, help="{{baseUrl}} of the collection")
def openapi(postman: bool, base_url: str) -> None:
    """Print the OpenAPI 3.1 document (or, with --postman, a Postman collection built from it)."""
    os.environ.setdefault("PMSAAS_LOG_LEVEL", "WARNING")
    from pmsaas.container import build_container
    from pmsaas.entrypoints.http.app import create_app

    app = create_app(build_container(_settings()))
    document = json.loads(json.dumps(app.openapi_schema.to_schema(), default=str))
    if postman:
        from pmsaas.entrypoints.cli.postman import collection

        document = collection(document, base_url=base_url)
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


@cli.group()
def billing() -> None:
    """Rent billing."""


@billing.command("run")
@click.option("--period", required=True, help="YYYY-MM, e.g. 2026-12")
@click.option("--org", "organization", default=None, help="Only this organization id (default: all)")
def billing_run(period: str, organization: str | None) -> None:
    """Create each active lease's invoice for PERIOD, exactly once per (lease, period).

    Exits 1 when any lease failed (each named on its own line) or the run could not start."""
    from uuid import UUID

    from pmsaas.domain.financial.periods import parse_period
    from pmsaas.domain.shared.errors import DomainError, NotFound, ValidationFailed
    from pmsaas.entrypoints.cli.billing import run

    try:
        parse_period(period)
    except ValidationFailed:
        raise click.ClickException(f"--period {period!r}: must be YYYY-MM, e.g. 2026-12") from None
    try:
        org = UUID(organization) if organization else None
    except ValueError:
        raise click.ClickException(f"--org {organization!r}: must be an organization id (UUID)") from None
    try:
        summary = asyncio.run(run(_settings(), period, org))
    except NotFound:
        raise click.ClickException(f"--org {org}: no such organization") from None
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(
        f"period {summary.period}: {summary.created} invoices created, {summary.skipped} already billed, "
        f"{summary.late_fees} late fees, {len(summary.failed)} failed"
    )
    for lease_id, reason in summary.failed.items():
        click.echo(f"lease {lease_id}: {reason}", err=True)
    if summary.failed:
        raise click.ClickException(f"{len(summary.failed)} lease(s) not billed; fix them and run again")


if __name__ == "__main__":
    cli()
