"""The product as deployed, for the benchmarks that drive it over HTTP (bench/soak.py, bench/scale_out.py).

* ``scratch_services``: a fresh PostgreSQL database migrated as ``pmsaas db upgrade`` does, and an
  empty Redis database (the first empty one of 8..15); the database dropped and the Redis database
  flushed at the end;
* ``product_env``: the environment the server, the worker and the seed share (``PMSAAS_ENV=test``,
  because production refuses a webhook to 127.0.0.1; rate limits raised so they never refuse; one data
  key and one JWT key for every process);
* ``seed``: one Indian organization, its active leases with this month's invoice issued by the real
  billing run, an OrganizationOwner and its token, and a webhook to a receiver of
  bench/webhook_delivery.py (it checks every signature, records each webhook-id);
* ``Proc``: ``pmsaas serve`` or ``pmsaas worker`` in a session of its own, logging to a file, optionally
  started again when it exits (a supervisor's ``Restart=always``); ``wait_ready``; ``drain``: until the
  worker has relayed and delivered everything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import soak_checks
from http_endpoints import generate_private_key, process_tree, status_kib, wait_until_ready
from webhook_delivery import SECRET

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def log(msg: str) -> None:
    print(f"[{Path(sys.argv[0]).stem} {datetime.now(UTC).strftime('%H:%M:%S')}] {msg}", flush=True)


# -- the services ---------------------------------------------------------------------------------


def free_redis_db(url: str) -> int:
    import redis

    for db in range(8, 16):
        client = redis.Redis.from_url(f"{url.rstrip('/')}/{db}")
        try:
            if client.dbsize() == 0:
                return db
        finally:
            client.close()
    sys.exit("no empty Redis database among 8..15")


def flush_redis_db(url: str, db: int) -> None:
    import redis

    client = redis.Redis.from_url(f"{url.rstrip('/')}/{db}")
    try:
        client.flushdb()
    finally:
        client.close()


def admin(pg_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Services:
    database: str  # its name
    database_url: str  # straight to PostgreSQL
    redis_db: int


@contextmanager
def scratch_services(pg_admin_url: str, redis_url: str, prefix: str, keep_database: bool = False) -> Iterator[Services]:
    """A fresh database ``<prefix>_<pid>``, migrated, and an empty Redis database; dropped and flushed
    at the end (the database kept with ``keep_database``)."""
    from pmsaas.container import upgrade

    name = f"{prefix}_{os.getpid()}"
    direct = f"{pg_admin_url.rsplit('/', 1)[0]}/{name}"
    redis_db = free_redis_db(redis_url)
    admin(pg_admin_url, f'CREATE DATABASE "{name}"')
    try:
        upgrade(direct)
        yield Services(name, direct, redis_db)
    finally:
        if keep_database:
            log(f"kept database {name} ({direct})")
        else:
            admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        flush_redis_db(redis_url, redis_db)


@contextmanager
def database_copy(pg_admin_url: str, template: str, name: str) -> Iterator[str]:
    """A copy of the database ``template`` (no one may be connected to it), dropped at the end: each
    measurement starts from the same rows. Yields its URL."""
    admin(pg_admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield f"{pg_admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def product_env(database_url: str, redis_url: str, var_dir: Path) -> dict[str, str]:
    """The environment of the server, the worker and the seed (none of the caller's PMSAAS_ variables)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("PMSAAS_")},
        "PMSAAS_ENV": "test",
        "PMSAAS_DATABASE_URL": database_url,
        "PMSAAS_REDIS_URL": redis_url,
        "PMSAAS_VAR_DIR": str(var_dir),
        "PMSAAS_JWT_PRIVATE_KEY": generate_private_key(),
        "PMSAAS_ACCESS_TOKEN_TTL_SECONDS": "86400",
        "PMSAAS_RATE_LIMIT_ENTERPRISE": "1000000000",
        "PMSAAS_WEBHOOK_ALLOW_LOOPBACK": "true",
        "PMSAAS_DATA_KEY": uuid.uuid4().hex,  # one key for the seed, the server and the worker
        "PMSAAS_LOG_JSON": "true",
    }


async def seed(env: dict[str, str], url: str, leases: int, receiver_port: int) -> tuple[uuid.UUID, str, list[str]]:
    """The organization and its leases (bench/billing_run.py's seed), this month's invoices by the real
    billing run, an owner with a token, and the webhook to the receiver."""
    from billing_run import seed as seed_leases
    from sqlalchemy import text

    from pmsaas.container import build_container, shutdown
    from pmsaas.domain.flows.rent_billing import run_billing
    from pmsaas.domain.identity.model import Membership, User
    from pmsaas.domain.notifications.model import Webhook
    from pmsaas.settings import load_settings

    org = seed_leases(url, leases)
    container = build_container(load_settings(env, database_url=url))
    try:
        now = container.clock().now()
        async with container.system_engine().begin() as conn:  # running for a year, whatever today is
            started = now.date().replace(day=1, year=now.year - 1)
            await conn.execute(text("UPDATE properties_leases SET start_date = :d"), {"d": started})
        # (on a billing day the worker's scheduled run may bill some of them first: either is the same)
        await run_billing(uow_factory=container.system_uow, clock=container.clock(), period=now.strftime("%Y-%m"))
        user = User(
            email="soak-owner@example.com",
            name="Soak Owner",
            password_hash=container.password_hasher().hash("soak password 123"),
            email_verified=True,
            default_organization_id=org,
            created_at=now,
            updated_at=now,
        )
        membership = Membership(user.id, org, frozenset({"OrganizationOwner"}), created_at=now)
        hook = Webhook(
            organization_id=org,
            url=f"http://127.0.0.1:{receiver_port}/hook",
            events=soak_checks.SUBSCRIBED,
            secret_sealed=container.secret_box().seal(SECRET),
            created_at=now,
            updated_at=now,
        )
        async with container.system_uow() as uow:
            await uow.users.add(user)
            await uow.memberships.add(membership)
            await uow.webhooks.add(hook)
            await uow.commit()
        token = container.tokens().issue(user, membership, now).token
        async with container.system_engine().connect() as conn:
            rows = await conn.execute(text("SELECT id FROM properties_leases WHERE organization_id = :o"), {"o": org})
            lease_ids = [str(r[0]) for r in rows]
            invoices = text("SELECT count(*) FROM financial_invoices WHERE organization_id = :o")
            billed = await conn.scalar(invoices, {"o": org})
        assert billed == leases, f"{billed} invoices for {leases} leases"
        return org, token, lease_ids
    finally:
        await shutdown(container)


# -- the product's processes ----------------------------------------------------------------------


class Proc:
    """A process of the product (server or worker) in its own session, logging to a file. With
    ``restart``, a supervisor's ``Restart=always``: when it exits it is started again a second later,
    and the exit is recorded (when, and the last line it wrote)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logdir: Path, restart: bool = False) -> None:
        self.name, self._args, self._env, self.restart = name, args, env, restart
        self.log_path = logdir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.exits: list[dict[str, Any]] = []
        self.proc = self._start()
        if restart:
            threading.Thread(target=self._supervise, daemon=True, name=f"supervise-{name}").start()

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(VENV_BIN / "pmsaas"), *self._args],
            env=self._env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _supervise(self) -> None:
        while self.restart:
            code = self.proc.wait()
            if not self.restart:
                return
            self.exits.append({"at": time.time(), "code": code, "last_line": _last_line(self.log_path)})
            log(f"{self.name} exited ({code}): {self.exits[-1]['last_line'][:160]}; restarting it")
            time.sleep(1)
            self.proc = self._start()

    def pids(self) -> list[int]:
        return process_tree(self.proc.pid)

    def rss_kib(self) -> int:
        return sum(status_kib(p, "VmRSS") for p in self.pids())

    def alive(self) -> bool:
        return self.proc.poll() is None

    def interrupt(self) -> None:
        """SIGINT to the main process only, as ``kill <pid>`` would (not to its group): granian's main
        stops its workers itself, and a granian worker signalled twice (by us and by its main) hung in
        its signal handler in about half the stops, until killed 20 s later."""
        self.restart = False
        if self.alive():
            os.kill(self.proc.pid, signal.SIGINT)

    def stop(self) -> None:
        self.interrupt()
        if self.alive():
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                log(f"{self.name} did not stop within 20 s of SIGINT: killed")
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log.close()


def _last_line(path: Path) -> str:
    lines = [line for line in path.read_bytes().decode(errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def stop_all(procs: list[Proc]) -> None:
    for p in procs:
        p.interrupt()  # all at once: they shut down side by side
    for p in procs:
        p.stop()


def wait_ready(base: str, server: Proc, timeout: float = 90.0) -> None:
    wait_until_ready(f"{base}/health/ready", server.proc, f"see {server.log_path}", timeout)


def drain(dsn: str, org: uuid.UUID, timeout: float) -> tuple[dict[str, int], float]:
    """Wait until the worker has relayed every event and no webhook message is pending."""
    import psycopg

    started = time.monotonic()
    while True:
        with psycopg.connect(dsn) as conn:
            state = soak_checks.outbox_state(conn, org)
        if not state["outbox_unrelayed"] and not state.get("webhook_pending"):
            return state, time.monotonic() - started
        if time.monotonic() - started > timeout:
            return state, time.monotonic() - started
        time.sleep(1)
