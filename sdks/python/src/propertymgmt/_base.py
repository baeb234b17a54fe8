"""The hand-written core under the generated resources: requests, retries, envelopes, pages."""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any
from urllib.parse import quote

import httpx

from propertymgmt.errors import PropertyManagementError
from propertymgmt.pagination import Page

__version__ = "1.0.0"
ENVIRONMENTS = {
    "production": "https://api.propertymgmt.com",
    "sandbox": "https://api-sandbox.propertymgmt.com",
}
# Retried: rate limited, and the answers that say "try again" (a gateway or a dependency away).
RETRY_STATUSES = frozenset({429, 502, 503, 504})


def base_url_of(environment: str) -> str:
    if environment in ENVIRONMENTS:
        return ENVIRONMENTS[environment]
    if environment.startswith(("http://", "https://")):
        return environment.rstrip("/")
    raise ValueError(f"environment is 'production', 'sandbox' or a base URL, not {environment!r}")


def _segment(value: str) -> str:
    return quote(str(value), safe="")


def _merge(body: Mapping[str, Any] | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    return {**(body or {}), **fields}


def _query(query: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: _wire(v) for k, v in (query or {}).items() if v is not None}


def _wire(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if hasattr(value, "isoformat") else value


class _Policy:
    """Headers and the retry rule shared by the sync and the async transport."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None,
        organization_id: str | None,
        max_retries: int,
        backoff: float,
    ) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.organization_id = organization_id
        self.max_retries = max_retries
        self.backoff = backoff

    def headers(self, method: str, idempotency_key: str | None) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": f"propertymgmt-python/{__version__}"}
        if self.api_key:
            # API keys and access tokens are both bearer credentials (docs/api-contract.md §4)
            headers["Authorization"] = f"Bearer {self.api_key}"
        if self.organization_id:
            headers["X-Organization-ID"] = self.organization_id
        if method == "POST":
            # one key per call, the same on every retry: the API runs the request once
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        return headers

    def delay(self, attempt: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before another attempt, None when there is none to make."""
        if attempt >= self.max_retries:
            return None
        if response is not None and response.status_code not in RETRY_STATUSES:
            return None
        after = _retry_after(response) if response is not None else None
        if after is not None:
            return after
        return self.backoff * (2.0**attempt) * (0.5 + random.random() / 2)

    def outcome(self, response: httpx.Response, kind: str) -> Any:
        if response.status_code >= 400:
            raise PropertyManagementError.from_response(
                response.status_code, _json_or_text(response), response.headers.get("X-Request-ID")
            )
        if kind == "none" or response.status_code == 204:
            return None
        # a file download is bytes whatever the document says its answer is
        if kind == "bytes" or "json" not in response.headers.get("Content-Type", "json"):
            return response.content
        body = response.json()
        if kind == "raw":
            # an answer the document does not describe: unwrapped when it is an envelope all the same
            enveloped = isinstance(body, dict) and "data" in body and ("success" in body or "status" in body)
            return body["data"] if enveloped else body
        if kind == "page":
            return Page(data=body["data"], pagination=(body.get("meta") or {}).get("pagination") or {})
        return body["data"]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())


def _json_or_text(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


class SyncTransport:
    def __init__(self, policy: _Policy, client: httpx.Client) -> None:
        self.policy = policy
        self.client = client

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        files: Mapping[str, Any] | None = None,
        form: Mapping[str, str] | None = None,
        kind: str = "data",
        idempotency_key: str | None = None,
    ) -> Any:
        headers = self.policy.headers(method, idempotency_key)
        json_body = body if files is None and method in ("POST", "PUT", "PATCH") else None
        attempt = 0
        while True:
            try:
                response = self.client.request(
                    method, self.policy.base_url + path, params=_query(query), json=json_body,
                    files=files, data=form, headers=headers,
                )  # fmt: skip
            except httpx.TransportError as exc:
                wait = self.policy.delay(attempt, None)
                if wait is None:
                    raise PropertyManagementError(0, "CONNECTION_ERROR", str(exc)) from exc
            else:
                wait = self.policy.delay(attempt, response)
                if wait is None:
                    return self.policy.outcome(response, kind)
            time.sleep(wait)
            attempt += 1


class AsyncTransport:
    def __init__(self, policy: _Policy, client: httpx.AsyncClient) -> None:
        self.policy = policy
        self.client = client

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        files: Mapping[str, Any] | None = None,
        form: Mapping[str, str] | None = None,
        kind: str = "data",
        idempotency_key: str | None = None,
    ) -> Any:
        headers = self.policy.headers(method, idempotency_key)
        json_body = body if files is None and method in ("POST", "PUT", "PATCH") else None
        attempt = 0
        while True:
            try:
                response = await self.client.request(
                    method, self.policy.base_url + path, params=_query(query), json=json_body,
                    files=files, data=form, headers=headers,
                )  # fmt: skip
            except httpx.TransportError as exc:
                wait = self.policy.delay(attempt, None)
                if wait is None:
                    raise PropertyManagementError(0, "CONNECTION_ERROR", str(exc)) from exc
            else:
                wait = self.policy.delay(attempt, response)
                if wait is None:
                    return self.policy.outcome(response, kind)
            await asyncio.sleep(wait)
            attempt += 1


class SyncResource:
    def __init__(self, transport: SyncTransport) -> None:
        self._transport = transport

    def _call(self, method: str, path: str, **options: Any) -> Any:
        return self._transport.request(method, path, **options)

    def _iterate(self, method: str, path: str, *, query: Mapping[str, Any] | None = None) -> Iterator[Any]:
        page_number = 1
        while True:
            page: Page[Any] = self._call(method, path, query={**(query or {}), "page": page_number}, kind="page")
            yield from page.data
            if not page.has_next or not page.data:
                return
            page_number += 1


class AsyncResource:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def _call(self, method: str, path: str, **options: Any) -> Any:
        return await self._transport.request(method, path, **options)

    async def _iterate(self, method: str, path: str, *, query: Mapping[str, Any] | None = None) -> AsyncIterator[Any]:
        page_number = 1
        while True:
            page: Page[Any] = await self._call(method, path, query={**(query or {}), "page": page_number}, kind="page")
            for item in page.data:
                yield item
            if not page.has_next or not page.data:
                return
            page_number += 1
