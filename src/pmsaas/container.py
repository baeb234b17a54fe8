"""The composition root: the only place that picks adapters. Web, worker, CLI and tests share it.

Entrypoints reach adapters only through this module (an import-linter contract): its providers,
and the few functions below them that start, stop and administer what the providers built."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from dependency_injector import containers, providers

from pmsaas.adapters.auth.jwt import JwtTokens, KeySet
from pmsaas.adapters.auth.passwords import Argon2PasswordHasher
from pmsaas.adapters.auth.revocations import TokenVersions, token_versions
from pmsaas.adapters.dns.txt import DnsPythonTxtResolver
from pmsaas.adapters.documents.renderer import FpdfDocumentRenderer
from pmsaas.adapters.events.inprocess import InProcessEventPublisher
from pmsaas.adapters.jobs.inprocess import InProcessJobQueue
from pmsaas.adapters.messaging.console import ConsoleEmailSender, ConsoleMessageProvider
from pmsaas.adapters.metrics import Metrics
from pmsaas.adapters.net.resolver import SystemHostResolver
from pmsaas.adapters.net.webhook_sender import HttpxWebhookSender
from pmsaas.adapters.payments.sandbox import SandboxPaymentGateway
from pmsaas.adapters.ratelimit.memory import InMemoryRateLimiter, LimiterAttempts
from pmsaas.adapters.readiness import probe
from pmsaas.adapters.sql.engine import async_url, create_engine
from pmsaas.adapters.sql.housekeeping import SqlHousekeeping
from pmsaas.adapters.sql.job_runs import SqlJobRuns
from pmsaas.adapters.sql.migrations import DIRECTORY as MIGRATIONS
from pmsaas.adapters.sql.outbox import SqlOutbox
from pmsaas.adapters.sql.queries.property_list import PostgresPropertyList, SqlitePropertyList
from pmsaas.adapters.sql.tenancy import SYSTEM_ROLE, TENANT_ROLE
from pmsaas.adapters.sql.uow import SqlUnitOfWork
from pmsaas.domain.financial.ports import PaymentGateway
from pmsaas.domain.identity.api_keys import ApiKeyAuthenticator
from pmsaas.domain.identity.tokens import TokenPolicy
from pmsaas.domain.notifications.realtime import publish_event
from pmsaas.domain.notifications.webhook_delivery import WebhookFanOut
from pmsaas.domain.shared.clock import SystemClock
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.settings import Settings

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "MIGRATIONS",
    "Container",
    "TokenVersions",
    "alembic_config",
    "build_container",
    "decode_email",
    "in_process_jobs",
    "pending_differences",
    "scratch_database",
    "shutdown",
    "token_versions",  # the access versions a token's claims name (the HTTP gate checks them)
    "upgrade",
    "upgrade_and_report",
    "warm_revocations",
]


def _key_set(settings: Settings) -> KeySet:
    if settings.jwt_private_key:
        return KeySet.from_pem(settings.jwt_private_key)
    if settings.is_production:
        raise RuntimeError("PMSAAS_ENV=production requires PMSAAS_JWT_PRIVATE_KEY (a PEM RSA key)")
    return KeySet.development(settings.var_path / "keys")


def _property_list(settings: Settings) -> Any:
    """The property list's query adapter for the configured database."""
    backend = sa.make_url(async_url(settings.resolved_database_url)).get_backend_name()
    return PostgresPropertyList if backend == "postgresql" else SqlitePropertyList


def _redis(settings: Settings) -> Any:
    if not settings.redis_url:
        return None
    from redis.asyncio import Redis

    return Redis.from_url(settings.redis_url, decode_responses=False)


def _rate_limiter(settings: Settings, redis: Any) -> Any:
    if redis is None:
        return InMemoryRateLimiter()
    from pmsaas.adapters.ratelimit.redis import RedisRateLimiter

    return RedisRateLimiter(redis)


def _plan_board(redis: Any) -> Any:
    """Plan changes for the rate-limit gate: this process's caches, and Redis when there is one."""
    from pmsaas.adapters.ratelimit.plans import LocalPlanBoard, RedisPlanBoard

    return LocalPlanBoard() if redis is None else RedisPlanBoard(redis)


def _revocations(settings: Settings, redis: Any, clock: Any) -> Any:
    from pmsaas.adapters.auth.revocations import InMemoryRevocationList, RedisRevocationList

    ttl = settings.access_token_ttl_seconds  # a raised access version matters for one token lifetime
    if redis is None:
        return InMemoryRevocationList(clock, version_ttl_seconds=ttl)
    return RedisRevocationList(redis, clock=clock, version_ttl_seconds=ttl)


def _idempotency_store(settings: Settings, redis: Any, engine: Any, clock: Any) -> Any:
    ttl, lock = settings.idempotency_ttl_seconds, settings.idempotency_lock_seconds
    if redis is None:
        from pmsaas.adapters.idempotency.sql import SqlIdempotencyStore

        return SqlIdempotencyStore(engine, ttl_seconds=ttl, lock_seconds=lock, clock=clock)
    from pmsaas.adapters.idempotency.redis import RedisIdempotencyStore

    return RedisIdempotencyStore(redis, ttl_seconds=ttl, lock_seconds=lock)


def _job_queue(settings: Settings) -> Any:
    """In-process (embedded) or arq; entrypoints bind the task registry to the in-process queue."""
    if not settings.redis_url:
        return InProcessJobQueue()
    from pmsaas.adapters.jobs.arq import ArqJobQueue

    return ArqJobQueue(settings.redis_url)


def _mail_transport(settings: Settings, clock: Any) -> Any:
    """Where e-mail finally goes: .eml files under var/mail (embedded default), SMTP, or the log."""
    if settings.mail_backend == "smtp":
        from pmsaas.adapters.messaging.smtp import SmtpEmailSender

        return SmtpEmailSender(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            clock=clock,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            ca_file=settings.smtp_ca_file,
            timeout=settings.smtp_timeout_seconds,
        )
    if settings.mail_backend == "file":
        from pmsaas.adapters.messaging.files import EmlFileEmailSender

        return EmlFileEmailSender(settings.var_path / "mail", sender=settings.mail_from, clock=clock)
    if settings.mail_backend == "console":
        # Bodies (one-time tokens) reach the log in development only, where the console is the mailbox.
        return ConsoleEmailSender(keep=settings.console_mail_keep, log_body=settings.env == "development")
    raise ValueError(f"unknown PMSAAS_MAIL_BACKEND {settings.mail_backend!r} (file, smtp or console)")


def _mailer(settings: Settings, transport: Any, jobs: Any) -> Any:
    """What requests hand e-mail to: a job per message (retried with backoff), or the transport itself."""
    if not settings.mail_queue:
        return transport
    from pmsaas.adapters.messaging.queued import QueuedEmailSender

    return QueuedEmailSender(jobs)


def _message_provider(settings: Settings, mail_transport: Any) -> Any:
    if settings.messaging == "console":
        return ConsoleMessageProvider()
    if settings.messaging != "live":
        raise ValueError(f"unknown PMSAAS_MESSAGING {settings.messaging!r} (console or live)")
    from pmsaas.adapters.messaging.router import MailChannelProvider, ProviderRouter
    from pmsaas.adapters.messaging.twilio import TwilioSmsProvider
    from pmsaas.adapters.messaging.whatsapp import WhatsAppCloudProvider
    from pmsaas.domain.notifications.model import ChannelType

    return ProviderRouter(
        {(ChannelType.SMS, "twilio"): TwilioSmsProvider(), (ChannelType.WHATSAPP, "meta"): WhatsAppCloudProvider()},
        mail=MailChannelProvider(mail_transport),
    )


def _realtime(settings: Settings, redis: Any) -> Any:
    """Litestar channels: in memory (embedded, one process) or Redis pub/sub shared by every process."""
    from pmsaas.adapters.realtime.channels import ChannelsRealtime
    from pmsaas.adapters.realtime.replay import MemoryReplayLog, RedisReplayLog

    size, backlog = settings.realtime_replay_size, settings.realtime_max_backlog
    if redis is None:
        from litestar.channels.backends.memory import MemoryChannelsBackend

        return ChannelsRealtime(MemoryChannelsBackend(), MemoryReplayLog(size), max_backlog=backlog, shared=False)
    from litestar.channels.backends.redis import RedisChannelsPubSubBackend

    backend = RedisChannelsPubSubBackend(redis=redis)
    return ChannelsRealtime(backend, RedisReplayLog(redis, size), max_backlog=backlog, shared=True)


def _notice_sender(uow: Any, mail_transport: Any, publisher: Any, clock: Any, renderer: Any) -> Any:
    """Sends the queued e-mail and real-time messages (event notices, invoice e-mail, rent notices):
    first attempts and the ``deliver_notices`` job's retries. E-mail goes to the transport: the row
    is the retry queue. Invoice PDFs are rendered as their e-mail leaves."""
    from pmsaas.domain.flows.billing_mail import InvoicePdfs
    from pmsaas.domain.notifications.notice_sender import NoticeSender

    pdfs = InvoicePdfs(uow_factory=uow, renderer=renderer)
    return NoticeSender(uow_factory=uow, mailer=mail_transport, publisher=publisher, clock=clock, attachments=pdfs)


def _first_mail_attempt(settings: Settings, sender: Any, jobs: Any) -> Any:
    """After a commit that queued mail rows: a ``deliver_notices`` job naming them (the request does
    not wait for the PDF or the transport), or, without the mail queue, the attempt itself."""

    async def first_attempt(ids: list[Any]) -> None:
        if not settings.mail_queue:
            await sender.deliver(ids)
            return
        named = sorted(str(i) for i in ids)
        await jobs.enqueue("deliver_notices", job_id=f"notices:{named[0]}", ids=list(named))

    return first_attempt


def _event_notices(settings: Settings, sender: Any) -> Any:
    from pmsaas.domain.notifications.event_notices import EventNotices

    return EventNotices(sender=sender, public_base_url=settings.public_base_url)


def _event_publisher(realtime: Any) -> InProcessEventPublisher:
    """Where relayed events go in this process. Real time is one subscriber; the outbox relay of the
    ``delivery`` work calls the same hook (``publish_event``) from its subscriber registry."""
    publisher = InProcessEventPublisher()

    async def to_realtime(event: DomainEvent) -> None:
        await publish_event(event=event, broadcaster=realtime)

    publisher.subscribe(to_realtime)
    return publisher


def _secret_box(settings: Settings) -> Any:
    from pmsaas.adapters.crypto.secretbox import FernetSecretBox

    if settings.data_key:
        return FernetSecretBox(settings.data_key)
    if settings.is_production:
        raise RuntimeError("PMSAAS_ENV=production requires PMSAAS_DATA_KEY (encrypts stored webhook secrets)")
    return FernetSecretBox.development(settings.var_path / "keys")


def _one_time_passwords(box: Any) -> Any:
    from pmsaas.adapters.auth.totp import PyotpOneTimePasswords

    return PyotpOneTimePasswords(box)


def _attachment_storage(settings: Settings) -> Any:
    if settings.attachments_backend == "s3":
        from pmsaas.adapters.storage.s3 import S3AttachmentStorage

        if not (settings.s3_endpoint_url and settings.s3_bucket and settings.s3_access_key_id):
            raise RuntimeError("attachments_backend=s3 needs PMSAAS_S3_ENDPOINT_URL, _BUCKET and _ACCESS_KEY_ID")
        return S3AttachmentStorage(
            endpoint_url=settings.s3_endpoint_url,
            bucket=settings.s3_bucket,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key or "",
            region=settings.s3_region,
        )
    from pmsaas.adapters.storage.filesystem import FilesystemAttachmentStorage

    return FilesystemAttachmentStorage(settings.var_path / "attachments")


def _payment_gateway(settings: Settings, clock: Any) -> Any:
    """The sandbox (embedded default) or Stripe when PMSAAS_PAYMENT_GATEWAY=stripe."""
    if settings.payment_gateway == "stripe":
        if not settings.stripe_secret_key:
            raise RuntimeError("PMSAAS_PAYMENT_GATEWAY=stripe requires PMSAAS_STRIPE_SECRET_KEY")
    return _callback_gateway(settings, clock, settings.payment_gateway)


def _callback_gateway(settings: Settings, clock: Any, name: str) -> PaymentGateway:
    """The gateway ``name`` with its webhook secret, for the callbacks at ``webhooks/<name>``.

    Made per callback from the settings, whichever gateway charges: a payment still pending at the
    gateway used before a switch settles when its callback comes. Reading a callback opens no
    connection (the Stripe adapter makes its HTTP client on its first call to Stripe)."""
    tolerance = settings.webhook_tolerance_seconds
    if name == "stripe":
        from pmsaas.adapters.payments.stripe import StripePaymentGateway

        return StripePaymentGateway(
            settings.stripe_secret_key or "",
            webhook_secret=settings.stripe_webhook_secret,
            tolerance=tolerance,
            clock=clock,
        )
    if name == "sandbox":
        return SandboxPaymentGateway(webhook_secret=settings.sandbox_webhook_secret, tolerance=tolerance, clock=clock)
    if name == "razorpay":
        from pmsaas.adapters.payments.razorpay import RazorpayPaymentGateway

        return RazorpayPaymentGateway(
            settings.razorpay_key_id or "",
            settings.razorpay_key_secret or "",
            webhook_secret=settings.razorpay_webhook_secret,
        )
    raise ValueError(f"unknown payment gateway {name!r}")


def _webhook_sender(settings: Settings, resolver: Any) -> HttpxWebhookSender:
    if settings.webhook_allow_loopback and settings.is_production:
        raise RuntimeError("PMSAAS_WEBHOOK_ALLOW_LOOPBACK is for tests: refused in production")
    return HttpxWebhookSender(
        resolver,
        timeout_seconds=settings.webhook_timeout_seconds,
        require_https=settings.is_production,
        allow_loopback=settings.webhook_allow_loopback,
    )


def _razorpay_gateway(settings: Settings, clock: Any) -> PaymentGateway | None:
    """Razorpay when its keys are set (UPI and net banking collections), else None."""
    if not (settings.razorpay_key_id and settings.razorpay_key_secret):
        return None
    return _callback_gateway(settings, clock, "razorpay")


def _collection_gateway(card_gateway: PaymentGateway, razorpay: PaymentGateway | None, method: str) -> PaymentGateway:
    """The gateway collecting ``method`` online: UPI and net banking (INR) through Razorpay when it is
    configured; a pre-authorized debit (CAD) through the card gateway (Stripe's ACSS debit). Otherwise
    the card gateway: the sandbox simulates every method, Stripe refuses UPI (never sandbox money in
    production)."""
    if method in ("upi", "net_banking") and razorpay is not None:
        return razorpay
    return card_gateway


def _gateway_named(
    settings: Settings, clock: Any, card_gateway: PaymentGateway, razorpay: PaymentGateway | None, name: str
) -> PaymentGateway:
    """The gateway that took a payment, to refund it: the configured instances first (their HTTP
    clients), else one made from the settings (a gateway used before a switch)."""
    for configured in (card_gateway, razorpay):
        if configured is not None and configured.name == name:
            return configured
    return _callback_gateway(settings, clock, name)


def row_level_security(settings: Settings) -> bool:
    """Row-level security applies: PostgreSQL (SQLite has none) with the setting on."""
    return settings.row_level_security and async_url(settings.resolved_database_url).startswith("postgresql")


def _tenant_engine(settings: Settings) -> Any:
    if not async_url(settings.resolved_database_url).startswith("postgresql"):
        return create_engine(settings.resolved_database_url)
    # The setting off: requests too run as the system role (the tables' owner is subject to their
    # forced row-level security, so the login itself would see nothing).
    role = TENANT_ROLE if row_level_security(settings) else SYSTEM_ROLE
    return create_engine(settings.resolved_database_url, role=role)


def _system_engine(settings: Settings, tenant_engine: Any) -> Any:
    if not row_level_security(settings):
        return tenant_engine
    return create_engine(
        settings.resolved_database_url, role=SYSTEM_ROLE, pool_size=SYSTEM_POOL_SIZE, max_overflow=SYSTEM_POOL_SIZE
    )


# The system pool's connections: sign-ins, API-key lookups, the relay and scheduled jobs, far fewer at
# once than requests (the tenant pool, engine.PG_POOL_SIZE).
SYSTEM_POOL_SIZE = 8


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    # Tenancy (docs/tenancy.md): ``engine`` serves requests, as the tenant role under row-level
    # security; ``system_engine`` is the cross-organization seam (the system role): sign-in and
    # credential lookups, sign-up, the worker, the CLI and the platform's own tables. Without
    # row-level security (SQLite, or the setting off) they are one engine.
    engine = providers.Singleton(_tenant_engine, settings)
    system_engine = providers.Singleton(_system_engine, settings, engine)
    property_list = providers.Singleton(_property_list, settings)  # a query port's adapter (a class)

    redis = providers.Singleton(_redis, settings)
    rate_limiter = providers.Singleton(_rate_limiter, settings, redis)
    login_attempts = providers.Singleton(LimiterAttempts, rate_limiter)
    revocations = providers.Singleton(_revocations, settings, redis, clock)
    # Access versions raised in a transaction reach the revocation list right after its commit.
    # ``uow().for_organization(id)``: a request's, sees that organization only. ``system_uow()``: every
    # organization's rows, for the use cases that work across them by design (named where used).
    uow = providers.Factory(
        SqlUnitOfWork,
        engine,
        property_list=property_list,
        access_cutoffs=revocations,
    )
    system_uow = providers.Factory(
        SqlUnitOfWork, system_engine, property_list=property_list, access_cutoffs=revocations
    )

    key_set = providers.Singleton(_key_set, settings)
    tokens = providers.Singleton(
        lambda s, keys, clock: JwtTokens(
            keys, issuer=s.jwt_issuer, audience=s.jwt_audience, ttl_seconds=s.access_token_ttl_seconds, clock=clock
        ),
        settings,
        key_set,
        clock,
    )
    password_hasher = providers.Singleton(
        lambda s: Argon2PasswordHasher(time_cost=s.argon2_time_cost, memory_cost_kib=s.argon2_memory_cost_kib),
        settings,
    )
    token_policy = providers.Singleton(
        lambda s: TokenPolicy(
            refresh_ttl=timedelta(seconds=s.refresh_token_ttl_seconds),
            login_attempts_per_account=s.login_attempts_per_account,
            login_attempts_per_ip=s.login_attempts_per_ip,
            login_window_seconds=s.login_window_seconds,
        ),
        settings,
    )
    # E-mail: requests use ``mailer`` (it enqueues); the send_email job uses ``mail_transport``.
    mail_transport = providers.Singleton(_mail_transport, settings, clock)
    # SMS and WhatsApp providers (Twilio, Meta) when PMSAAS_MESSAGING=live; the console stand-in otherwise.
    message_provider = providers.Singleton(_message_provider, settings, mail_transport)
    payment_gateway = providers.Singleton(_payment_gateway, settings, clock)
    callback_gateway = providers.Factory(_callback_gateway, settings, clock)  # callback_gateway("stripe")
    document_renderer = providers.Singleton(FpdfDocumentRenderer)  # PDFs; fpdf2 loads on the first one
    razorpay_gateway = providers.Singleton(_razorpay_gateway, settings, clock)
    collection_gateway = providers.Factory(_collection_gateway, payment_gateway, razorpay_gateway)  # (…)("upi")
    gateway_named = providers.Factory(_gateway_named, settings, clock, payment_gateway, razorpay_gateway)
    api_keys = providers.Singleton(ApiKeyAuthenticator, system_uow.provider, clock)  # lookup by hash
    # Operations: encrypted webhook secrets and ticket attachment storage.
    secret_box = providers.Singleton(_secret_box, settings)
    host_resolver = providers.Singleton(SystemHostResolver)  # webhook targets must resolve to public addresses
    one_time_passwords = providers.Singleton(_one_time_passwords, secret_box)  # MFA (TOTP)
    attachment_storage = providers.Singleton(_attachment_storage, settings)
    # Platform plumbing: Idempotency-Key store, background jobs, the outbox relay and housekeeping.
    idempotency_store = providers.Singleton(_idempotency_store, settings, redis, system_engine, clock)
    job_queue = providers.Singleton(_job_queue, settings)
    mailer = providers.Singleton(_mailer, settings, mail_transport, job_queue)
    realtime = providers.Singleton(_realtime, settings, redis)  # SSE / WebSocket channels (broadcaster and feed)
    event_publisher = providers.Singleton(_event_publisher, realtime)
    outbox = providers.Singleton(SqlOutbox, system_engine)
    # Notices go out from the relay, for every organization: the system seam (docs/tenancy.md).
    notice_sender = providers.Singleton(
        _notice_sender, system_uow.provider, mail_transport, event_publisher, clock, document_renderer
    )
    first_mail_attempt = providers.Singleton(_first_mail_attempt, settings, notice_sender, job_queue)
    # The relay's subscriber registry: each stores what it makes of an event in the relay's transaction
    # (OutboxSubscriber). In-app notifications add theirs here; real-time fan-out (no rows to store)
    # subscribes to ``event_publisher`` instead.
    outbox_subscribers = providers.List(
        providers.Singleton(WebhookFanOut),
        providers.Singleton(_event_notices, settings, notice_sender),  # inbox + manager's e-mail
    )
    webhook_sender = providers.Singleton(_webhook_sender, settings, host_resolver)  # at connect time too
    housekeeping = providers.Singleton(SqlHousekeeping, system_engine)
    job_runs = providers.Singleton(SqlJobRuns, system_engine)  # scheduled jobs: once per period, GET /api/v1/jobs
    metrics = providers.Singleton(Metrics, engine, system_engine)  # Prometheus instruments and the /metrics scrape
    readiness = providers.Callable(probe, engine, redis)  # await readiness(): {"database": "ok", ...}
    txt_resolver = providers.Singleton(DnsPythonTxtResolver)  # organizations' domain verification (TXT records)
    plan_board = providers.Singleton(_plan_board, redis)  # plan changes reach the rate-limit gate at once


def decode_email(data: dict[str, Any]) -> Any:
    """The e-mail a ``send_email`` job carries (the worker reads jobs' arguments through here)."""
    from pmsaas.adapters.messaging.queued import decode

    return decode(data)


def build_container(settings: Settings) -> Container:
    container = Container(settings=settings)
    return container


async def warm_revocations(container: Container) -> None:
    """The in-memory revocation list (embedded mode) starts from the durable tables."""
    from pmsaas.adapters.auth.revocations import InMemoryRevocationList
    from pmsaas.adapters.sql.revocations import live_revocations

    revocations = container.revocations()
    if not isinstance(revocations, InMemoryRevocationList):
        return
    ttl = timedelta(seconds=container.settings().access_token_ttl_seconds)
    try:
        tokens, versions = await live_revocations(container.system_engine(), container.clock().now(), ttl)
    except (sa.exc.DBAPIError, OSError):
        return  # tables not created yet, or the database is down (readiness says so): nothing to load
    for jti, expires_at in tokens:
        await revocations.revoke(jti, expires_at)
    for ended, kept_until in versions:
        await revocations.raise_version(ended, kept_until=kept_until)


def in_process_jobs(container: Container) -> InProcessJobQueue | None:
    """The job queue when it runs inside this process (embedded mode, no Redis), else None."""
    queue = container.job_queue()
    return queue if isinstance(queue, InProcessJobQueue) else None


async def shutdown(container: Container) -> None:
    """Dispose of what holds connections; safe to call when they were never created. Every step runs
    even when one fails (Redis down is when a worker restarts: its job queue cannot close cleanly, and
    the database pools must be released all the same); the first failure is raised at the end."""
    steps: list[Callable[[], Awaitable[object]]] = [
        lambda: container.job_queue().close(),
        lambda: container.webhook_sender().close(),
        lambda: container.realtime().stop(),
        *[engine.dispose for engine in {container.engine(), container.system_engine()}],
    ]
    redis = container.redis()
    if redis is not None:
        steps.append(redis.aclose)
    failure: Exception | None = None
    for step in steps:
        try:
            await step()
        except Exception as exc:
            failure = failure or exc
    if failure is not None:
        raise failure


# -- schema administration (``pmsaas db``, tests, benchmarks); alembic loads only when it is used


def alembic_config(url: str) -> Config:
    from pmsaas.adapters.sql import schema

    return schema.alembic_config(url)


def upgrade(url: str, revision: str = "heads") -> None:
    """Apply every branch's migrations to the database at ``url``."""
    from pmsaas.adapters.sql import schema

    schema.upgrade(url, revision)


def upgrade_and_report(url: str, revision: str = "heads") -> str:
    """Upgrade, and say what changed (``pmsaas db upgrade`` prints it)."""
    from pmsaas.adapters.sql import schema

    return schema.upgrade_and_report(url, revision)


def pending_differences(url: str) -> list[object]:
    """Upgrade, then compare the live schema with the tables the code declares."""
    from pmsaas.adapters.sql import schema

    return schema.pending_differences(url)


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new empty database on the server of ``url`` (a temp file for SQLite), dropped after."""
    from pmsaas.adapters.sql import schema

    with schema.scratch_database(url) as scratch:
        yield scratch
