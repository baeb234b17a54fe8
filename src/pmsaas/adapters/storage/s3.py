"""Attachments on any S3-compatible store (AWS S3, MinIO, R2...), over httpx with SigV4 signing.

Path-style URLs (``{endpoint}/{bucket}/{key}``) work with every S3-compatible server.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import httpx

from pmsaas.domain.operations.ports import AttachmentStorage
from pmsaas.domain.shared.errors import DependencyUnavailable, NotFound


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def sign_v4(
    *,
    method: str,
    url: str,
    headers: dict[str, str],
    payload_hash: str,
    access_key: str,
    secret_key: str,
    region: str,
    now: datetime,
    service: str = "s3",
) -> dict[str, str]:
    """AWS Signature Version 4 headers for one request (docs.aws.amazon.com, "Signing AWS API requests")."""
    parts = urlsplit(url)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = now.strftime("%Y%m%d")
    signed = {k.lower(): v.strip() for k, v in headers.items()}
    signed["host"] = parts.netloc
    signed["x-amz-date"] = amz_date
    signed["x-amz-content-sha256"] = payload_hash
    names = sorted(signed)
    canonical = "\n".join(
        [
            method,
            quote(parts.path or "/", safe="/-_.~"),
            parts.query,
            "".join(f"{n}:{signed[n]}\n" for n in names),
            ";".join(names),
            payload_hash,
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(f"AWS4{secret_key}".encode(), day), region), service), "aws4_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    out = {k: v for k, v in signed.items() if k != "host"}
    out["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return out


class S3AttachmentStorage(AttachmentStorage):
    def __init__(
        self,
        *,
        endpoint_url: str,
        bucket: str,
        access_key_id: str,
        secret_access_key: str,
        region: str = "us-east-1",
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._base = endpoint_url.rstrip("/")
        self._bucket = bucket
        self._access = access_key_id
        self._secret = secret_access_key
        self._region = region
        self._client = client or httpx.AsyncClient(timeout=30.0)

    def _url(self, key: str) -> str:
        return f"{self._base}/{self._bucket}/{quote(key, safe='/-_.~')}"

    async def _send(
        self, method: str, key: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> httpx.Response:
        url = self._url(key)
        signed = sign_v4(
            method=method,
            url=url,
            headers=headers or {},
            payload_hash=hashlib.sha256(body).hexdigest(),
            access_key=self._access,
            secret_key=self._secret,
            region=self._region,
            now=datetime.now(UTC),
        )
        try:
            return await self._client.request(method, url, content=body or None, headers=signed)
        except httpx.HTTPError as exc:
            raise DependencyUnavailable("attachment storage unavailable") from exc

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        r = await self._send("PUT", key, data, {"content-type": content_type})
        if r.status_code >= 300:
            raise DependencyUnavailable(f"attachment storage refused the upload ({r.status_code})")

    async def get(self, key: str) -> bytes:
        r = await self._send("GET", key)
        if r.status_code == 404:
            raise NotFound("attachment file", key)
        if r.status_code >= 300:
            raise DependencyUnavailable(f"attachment storage failed ({r.status_code})")
        return r.content

    async def delete(self, key: str) -> None:
        r = await self._send("DELETE", key)
        if r.status_code >= 300 and r.status_code != 404:
            raise DependencyUnavailable(f"attachment storage failed ({r.status_code})")

    async def aclose(self) -> None:
        await self._client.aclose()
