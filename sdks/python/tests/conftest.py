"""The SDK's tests run against a live server: set PROPERTYMGMT_BASE_URL and PROPERTYMGMT_TOKEN
(an access token or API key of a user who may create properties), as
tests/integration/sdks/test_sdks_live.py of the repository does."""

from __future__ import annotations

import os

import pytest


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise pytest.UsageError(f"{name} is not set: these tests need a live server (see sdks/README.md)")
    return value


@pytest.fixture(scope="session")
def base_url() -> str:
    return _env("PROPERTYMGMT_BASE_URL")


@pytest.fixture(scope="session")
def token() -> str:
    return _env("PROPERTYMGMT_TOKEN")
