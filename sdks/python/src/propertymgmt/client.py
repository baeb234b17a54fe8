"""``PropertyManagementSDK`` (sync) and ``AsyncPropertyManagementSDK``: the seed's entry points."""

from __future__ import annotations

from types import TracebackType

import httpx

from propertymgmt._base import AsyncTransport, SyncTransport, _Policy, base_url_of
from propertymgmt._resources import AsyncNamespaces, Namespaces


def _policy(
    api_key: str | None, environment: str, base_url: str | None, organization_id: str | None,
    max_retries: int, backoff: float,
) -> _Policy:  # fmt: skip
    return _Policy(
        base_url=base_url.rstrip("/") if base_url else base_url_of(environment),
        api_key=api_key,
        organization_id=organization_id,
        max_retries=max_retries,
        backoff=backoff,
    )


class PropertyManagementSDK(Namespaces):
    """The API, synchronously: ``sdk.properties.list(page=1, page_size=20)``.

    ``api_key``: an API key (``pmk_…``) or an access token, sent as a bearer credential.
    ``environment``: ``"production"``, ``"sandbox"`` or a base URL (``"http://127.0.0.1:8000"``).
    ``organization_id``: sent as ``X-Organization-ID`` to work in another organization of the user.
    A ``POST`` carries an automatic ``Idempotency-Key`` (the same on every retry); 429, 502, 503 and
    504 answers and lost connections are retried ``max_retries`` times, after ``Retry-After`` when
    the answer gives one, else an exponential backoff from ``backoff`` seconds.
    """

    def __init__(
        self,
        api_key: str | None = None,
        environment: str = "production",
        *,
        base_url: str | None = None,
        organization_id: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        http_client: httpx.Client | None = None,
    ) -> None:
        self._http = http_client or httpx.Client(timeout=timeout)
        policy = _policy(api_key, environment, base_url, organization_id, max_retries, backoff)
        self.base_url = policy.base_url
        super().__init__(SyncTransport(policy, self._http))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PropertyManagementSDK:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class AsyncPropertyManagementSDK(AsyncNamespaces):
    """The same API with ``await``: ``await sdk.properties.list(page=1)``, ``async for p in …iterate()``."""

    def __init__(
        self,
        api_key: str | None = None,
        environment: str = "production",
        *,
        base_url: str | None = None,
        organization_id: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._http = http_client or httpx.AsyncClient(timeout=timeout)
        policy = _policy(api_key, environment, base_url, organization_id, max_retries, backoff)
        self.base_url = policy.base_url
        super().__init__(AsyncTransport(policy, self._http))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncPropertyManagementSDK:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
