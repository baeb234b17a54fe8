"""One suite for every AttachmentStorage adapter: the filesystem, and the S3-compatible one against
an in-memory S3 stand-in (httpx MockTransport) that checks every request is SigV4-signed.

The signer itself is checked against AWS's published example ("GET Object", Signature Version 4
examples in the Amazon S3 API reference).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from pmsaas.adapters.storage.filesystem import FilesystemAttachmentStorage
from pmsaas.adapters.storage.s3 import S3AttachmentStorage, sign_v4
from pmsaas.domain.operations.ports import AttachmentStorage
from pmsaas.domain.shared.errors import NotFound

_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/eu-west-1/s3/aws4_request, "
    r"SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$"
)


def fake_s3() -> httpx.MockTransport:
    objects: dict[str, tuple[bytes, str]] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        assert _AUTH.match(request.headers["authorization"]), request.headers["authorization"]
        assert request.headers["x-amz-content-sha256"] == hashlib.sha256(request.content).hexdigest()
        path = request.url.path
        assert path.startswith("/attachments-bucket/")
        if request.method == "PUT":
            objects[path] = (request.content, request.headers["content-type"])
            return httpx.Response(200)
        if request.method == "GET":
            if path not in objects:
                return httpx.Response(404, content=b"<Error><Code>NoSuchKey</Code></Error>")
            return httpx.Response(200, content=objects[path][0], headers={"content-type": objects[path][1]})
        if request.method == "DELETE":
            objects.pop(path, None)
            return httpx.Response(204)
        return httpx.Response(405)

    return httpx.MockTransport(handler)


@pytest.fixture(params=["filesystem", "s3"])
async def storage(request, tmp_path: Path) -> AsyncIterator[AttachmentStorage]:
    if request.param == "filesystem":
        yield FilesystemAttachmentStorage(tmp_path / "attachments")
        return
    s3 = S3AttachmentStorage(
        endpoint_url="http://minio.test:9000",
        bucket="attachments-bucket",
        access_key_id="AKIDEXAMPLE",
        secret_access_key="secret",
        region="eu-west-1",
        client=httpx.AsyncClient(transport=fake_s3()),
    )
    yield s3
    await s3.aclose()


async def test_put_get_delete_round_trip(storage):
    key = "org/ticket/file-1"
    await storage.put(key, b"%PDF-1.7 bytes", "application/pdf")
    assert await storage.get(key) == b"%PDF-1.7 bytes"
    await storage.put(key, b"replaced", "application/pdf")
    assert await storage.get(key) == b"replaced"
    await storage.delete(key)
    with pytest.raises(NotFound):
        await storage.get(key)
    await storage.delete(key)  # deleting a missing file is fine


async def test_missing_is_not_found(storage):
    with pytest.raises(NotFound):
        await storage.get("org/ticket/nothing-here")


async def test_filesystem_refuses_paths_outside_its_root(tmp_path):
    fs = FilesystemAttachmentStorage(tmp_path / "root")
    for bad in ("../escape", "/etc/passwd", "a/../../b", "a//b"):
        with pytest.raises(ValueError):
            await fs.put(bad, b"x", "image/png")


def test_sigv4_matches_the_aws_example():
    headers = sign_v4(
        method="GET",
        url="https://examplebucket.s3.amazonaws.com/test.txt",
        headers={"Range": "bytes=0-9"},
        payload_hash=hashlib.sha256(b"").hexdigest(),
        access_key="AKIAIOSFODNN7EXAMPLE",
        secret_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region="us-east-1",
        now=datetime(2013, 5, 24, tzinfo=UTC),
    )
    assert headers["authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )
    assert headers["x-amz-date"] == "20130524T000000Z"
