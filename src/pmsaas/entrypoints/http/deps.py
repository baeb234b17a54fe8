"""The request's context: everything a handler needs, resolved as ONE dependency (``ctx``).

Dependencies reach controllers one way: the container's providers, read through the typed
accessors of ``RequestContext``, which the app provides as ``ctx`` (litestar ``Provide``). A handler
declares ``ctx: Context``, or a list handler ``listing: Listing`` (``paging: Paged`` for a collection
read whole), which carries ``ctx``; never the container itself
(tests/unit/http/test_handler_dependencies.py checks every route).

One dependency, because Litestar resolves two or more dependencies of the same level in an anyio
task group (a task per dependency, ~0.2-0.3 ms of CPU per request; bench/README.md); a handler that
declares only ``ctx`` (or only ``listing``) resolves one dependency per level, in its own task."""

from __future__ import annotations

from typing import Any, Protocol

from litestar.di import NamedDependency
from litestar.types import Scope

from pmsaas.domain.financial.ports import DocumentRenderer, PaymentGateway
from pmsaas.domain.identity.oauth import DelegatedTokenIssuer
from pmsaas.domain.identity.ports import AccessTokenIssuer, AttemptLimiter, OneTimePasswords, PasswordHasher
from pmsaas.domain.identity.tokens import TokenPolicy
from pmsaas.domain.notifications.notice_sender import FirstAttempt
from pmsaas.domain.notifications.ports import MessageProvider, RealtimeFeed, WebhookSender
from pmsaas.domain.operations.ports import AttachmentStorage
from pmsaas.domain.organizations.ports import PlanBoard, TxtResolver
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.audit import RequestInfo
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import AuthenticationFailed, DomainError
from pmsaas.domain.shared.jobs import JobRuns
from pmsaas.domain.shared.network import HostResolver
from pmsaas.domain.shared.ports import EmailSender, JobQueue, SecretBox
from pmsaas.entrypoints.http.auth import admit_bearer, admit_stream_handle, reads_only
from pmsaas.entrypoints.http.context import request_id_for
from pmsaas.entrypoints.http.pagination import ListQuery, Paging
from pmsaas.entrypoints.http.stream_session import StreamHandles
from pmsaas.settings import Settings


class AccessTokenRevocations(Protocol):
    """The part of the revocation list a handler uses (signing out)."""

    async def revoke(self, jti: str, expires_at_epoch: int) -> None: ...


class RequestContext:
    """The caller, the clock, the units of work and the ports of one request.

    Each accessor reads the container's provider when it is used, so a test that overrides a
    provider sees its override, and a request pays only for what its handler reads. (The container's
    providers are untyped: each accessor names the port it hands out.)

    A handler marked ``opt=READS_ONLY`` (its gate may run next to it, auth.py) gets read-only units of
    work only: ``uow()`` is then ``read_only()`` too, so such a request can store nothing, whatever
    the use case does, before the gate has admitted it."""

    __slots__ = ("_container", "_reads_only", "_scope")

    def __init__(self, container: Any, scope: Scope) -> None:
        # The connection's ASGI scope, so one context serves HTTP requests and WebSockets alike.
        self._container = container
        self._scope = scope
        self._reads_only = reads_only(scope)

    @property
    def actor(self) -> Actor:
        actor = self._scope.get("user")
        if not isinstance(actor, Actor):
            raise AuthenticationFailed("Authentication required")
        return actor

    @property
    def request_info(self) -> RequestInfo:
        """Where the request came from, for the audit log (handed to use cases explicitly)."""
        scope = self._scope
        agent = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"user-agent"), None)
        client = scope.get("client")
        return RequestInfo(
            ip=client[0] if client else None,
            user_agent=agent[:300] if agent else None,
            request_id=request_id_for(scope),
        )

    @property
    def clock(self) -> Clock:
        clock: Clock = self._container.clock()
        return clock

    def uow(self) -> Any:
        """A unit of work for the use case: it opens a transaction, or asks for ``read_only()``.

        ``Any``: each use case declares its own context's unit of work; the SQL one serves them all."""
        uow = self._container.uow()
        actor = self._scope.get("user")
        if isinstance(actor, Actor):  # row-level security: the caller's organization only (docs/tenancy.md)
            uow.for_organization(actor.organization_id)
        return uow.read_only() if self._reads_only else uow

    def system_uow(self) -> Any:
        """A unit of work that sees every organization: the seam for the use cases that work across
        organizations by design (sign-in by e-mail, sign-up, token and credential lookups, gateway
        callbacks). Each handler that needs it names it; ``uow()`` is everyone else's."""
        uow = self._container.system_uow()
        return uow.read_only() if self._reads_only else uow

    @property
    def settings(self) -> Settings:
        settings: Settings = self._container.settings()
        return settings

    @property
    def is_production(self) -> bool:
        return bool(self._container.settings().is_production)

    # -- identity

    @property
    def password_hasher(self) -> PasswordHasher:
        port: PasswordHasher = self._container.password_hasher()
        return port

    @property
    def access_tokens(self) -> AccessTokenIssuer:
        port: AccessTokenIssuer = self._container.tokens()
        return port

    @property
    def delegated_tokens(self) -> DelegatedTokenIssuer:
        port: DelegatedTokenIssuer = self._container.tokens()
        return port

    def access_token_claims(self, token: str) -> dict[str, Any] | None:
        """A verified access token's claims (signature, audience, issuer, expiry); None if not ours."""
        try:
            claims: dict[str, Any] = self._container.tokens().decode(token)
        except DomainError:
            return None
        return claims

    @property
    def one_time_passwords(self) -> OneTimePasswords:
        port: OneTimePasswords = self._container.one_time_passwords()
        return port

    @property
    def token_policy(self) -> TokenPolicy:
        policy: TokenPolicy = self._container.token_policy()
        return policy

    @property
    def login_attempts(self) -> AttemptLimiter:
        port: AttemptLimiter = self._container.login_attempts()
        return port

    @property
    def revocations(self) -> AccessTokenRevocations:
        port: AccessTokenRevocations = self._container.revocations()
        return port

    def jwks(self) -> dict[str, Any]:
        """The public keys that verify access tokens (JWK set)."""
        keys: dict[str, Any] = self._container.key_set().jwks()
        return keys

    # -- messages

    @property
    def mailer(self) -> EmailSender:
        port: EmailSender = self._container.mailer()
        return port

    @property
    def first_mail_attempt(self) -> FirstAttempt:
        """After a commit that queued mail (an invoice's e-mail): its first attempt, or a job for it."""
        attempt: FirstAttempt = self._container.first_mail_attempt()
        return attempt

    @property
    def jobs(self) -> JobQueue:
        port: JobQueue = self._container.job_queue()
        return port

    @property
    def message_provider(self) -> MessageProvider:
        port: MessageProvider = self._container.message_provider()
        return port

    # -- financial

    @property
    def payment_gateway(self) -> PaymentGateway:
        """The gateway that charges and refunds (the configured one)."""
        port: PaymentGateway = self._container.payment_gateway()
        return port

    def collection_gateway(self, method: str) -> PaymentGateway:
        """The gateway that collects ``method`` online (UPI, net banking, pre-authorized debit)."""
        port: PaymentGateway = self._container.collection_gateway(method)
        return port

    def gateway_named(self, name: str) -> PaymentGateway:
        """The gateway named ``name`` (the one that took a payment), to refund through it."""
        port: PaymentGateway = self._container.gateway_named(name)
        return port

    def callback_gateway(self, name: str) -> PaymentGateway:
        """The gateway whose signed callbacks arrive at ``webhooks/<name>`` (container.py says why it
        need not be the configured one)."""
        port: PaymentGateway = self._container.callback_gateway(name)
        return port

    @property
    def document_renderer(self) -> DocumentRenderer:
        port: DocumentRenderer = self._container.document_renderer()
        return port

    # -- operations

    @property
    def attachment_storage(self) -> AttachmentStorage:
        port: AttachmentStorage = self._container.attachment_storage()
        return port

    @property
    def secret_box(self) -> SecretBox:
        port: SecretBox = self._container.secret_box()
        return port

    @property
    def host_resolver(self) -> HostResolver:
        """Resolves a webhook target's host (targets must be public addresses)."""
        port: HostResolver = self._container.host_resolver()
        return port

    @property
    def webhook_sender(self) -> WebhookSender:
        """Sends signed webhook requests (a ping, a redelivery), checking the address at connect time."""
        port: WebhookSender = self._container.webhook_sender()
        return port

    # -- scheduled jobs

    @property
    def job_runs(self) -> JobRuns:
        port: JobRuns = self._container.job_runs()
        return port

    # -- real time

    @property
    def realtime_feed(self) -> RealtimeFeed:
        """Opens the caller's SSE / WebSocket stream of its organization's messages."""
        port: RealtimeFeed = self._container.realtime()
        return port

    async def admit_token(self, token: str, organization_id: str | None) -> Actor:
        """A WebSocket's first message: the access token (or API key) it carries, checked as the
        Authorization header of a request would be (revocation, organization, rate limit)."""
        return await admit_bearer(self._scope, token, organization_id)

    async def admit_stream_handle(self, handle: str) -> Actor:
        """A WebSocket's real-time cookie: from an allowed Origin, checked as the credential it came from."""
        return await admit_stream_handle(self._scope, handle)

    @property
    def stream_handles(self) -> StreamHandles:
        """Signs and reads the real-time cookie's stream handles."""
        port: StreamHandles = self._container.tokens()
        return port

    @property
    def txt_resolver(self) -> TxtResolver:
        """Looks up the DNS TXT records that prove an organization's domain."""
        port: TxtResolver = self._container.txt_resolver()
        return port

    @property
    def plan_board(self) -> PlanBoard:
        """Where a committed plan change is posted for every process's rate-limit gate."""
        port: PlanBoard = self._container.plan_board()
        return port

    # -- platform

    async def readiness(self) -> dict[str, str]:
        """Each backing service's state ("ok" or "unavailable"): the database, Redis when configured."""
        checks: dict[str, str] = await self._container.readiness()
        return checks


def context_provider(container: Any) -> Any:
    def provide_context(scope: Scope) -> RequestContext:
        return RequestContext(container, scope)

    return provide_context


Context = NamedDependency[RequestContext]
Listing = NamedDependency[ListQuery]
Paged = NamedDependency[Paging]  # a whole collection's page (pagination.PAGING), carrying ctx
