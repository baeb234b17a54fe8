"""Types the controllers declare for injected values (Litestar 2.25+: explicit named dependencies),
and the request's context: what a handler needs from the request, resolved as ONE dependency.

Litestar resolves two or more dependencies of the same level in an anyio task group (a task per
dependency, ~0.2-0.3 ms of CPU per request; bench/README.md); a handler that declares only ``ctx``
(or only ``listing``, which carries ``ctx``) resolves one dependency per level, in its own task."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency

from pmsaas.domain.identity.ports import AccessTokenIssuer, AttemptLimiter, OneTimePasswords
from pmsaas.domain.identity.services import TokenPolicy
from pmsaas.domain.notifications.ports import MessageProvider
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.network import HostResolver
from pmsaas.domain.shared.ports import EmailSender, SecretBox
from pmsaas.entrypoints.http.auth import current_actor, reads_only
from pmsaas.entrypoints.http.pagination import ListQuery


class RequestContext:
    """The caller, the clock and the units of work of one request.

    A handler marked ``opt=READS_ONLY`` (its gate may run next to it, auth.py) gets read-only units of
    work only: ``uow()`` is then ``read_only()`` too, so such a request can store nothing, whatever
    the use case does, before the gate has admitted it."""

    __slots__ = ("_container", "_reads_only", "_request")

    def __init__(self, container: Any, request: Request[Any, Any, Any]) -> None:
        self._container = container
        self._request = request
        self._reads_only = reads_only(request.scope)

    @property
    def actor(self) -> Actor:
        return current_actor(self._request)

    @property
    def clock(self) -> Clock:
        return self._container.clock()  # type: ignore[no-any-return]

    @property
    def secret_box(self) -> SecretBox:
        return self._container.secret_box()  # type: ignore[no-any-return]

    @property
    def mailer(self) -> EmailSender:
        return self._container.mailer()  # type: ignore[no-any-return]

    @property
    def message_provider(self) -> MessageProvider:
        return self._container.message_provider()  # type: ignore[no-any-return]

    @property
    def host_resolver(self) -> HostResolver:
        return self._container.host_resolver()  # type: ignore[no-any-return]

    @property
    def is_production(self) -> bool:
        return bool(self._container.settings().is_production)

    # Identity's ports, for the sign-in and MFA handlers.
    @property
    def one_time_passwords(self) -> OneTimePasswords:
        return self._container.one_time_passwords()  # type: ignore[no-any-return]

    @property
    def login_attempts(self) -> AttemptLimiter:
        return self._container.login_attempts()  # type: ignore[no-any-return]

    @property
    def access_tokens(self) -> AccessTokenIssuer:
        return self._container.tokens()  # type: ignore[no-any-return]

    @property
    def token_policy(self) -> TokenPolicy:
        return self._container.token_policy()  # type: ignore[no-any-return]

    def uow(self) -> Any:
        """A unit of work for the use case: it opens a transaction, or asks for ``read_only()``."""
        uow = self._container.uow()
        return uow.read_only() if self._reads_only else uow


def context_provider(container: Any) -> Any:
    def provide_context(request: Request[Any, Any, Any]) -> RequestContext:
        return RequestContext(container, request)

    return provide_context


# The composition root (pmsaas.container.Container). A DeclarativeContainer instance is really a
# DynamicContainer, which Litestar's dependency validation cannot check by type: declare it as Any.
AppContainer = NamedDependency[Any]
CurrentActor = NamedDependency[Actor]
CurrentClock = NamedDependency[Clock]
Context = NamedDependency[RequestContext]
Listing = NamedDependency[ListQuery]
