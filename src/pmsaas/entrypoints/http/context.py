"""Per-request context: the request id, readable anywhere in the request's task."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from typing import Any

request_id_var: ContextVar[str] = ContextVar("request_id", default="")

_VALID_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def new_request_id() -> str:
    return f"req_{uuid.uuid4().hex}"


def accept_request_id(raw: str | None) -> str:
    """Echo a caller's id when it is sane; otherwise make one (never log arbitrary bytes)."""
    return raw if raw and _VALID_ID.match(raw) else new_request_id()


SCOPE_KEY = "pmsaas.request_id"


def request_id_for(scope: Any) -> str:
    """The request's id, decided once per ASGI scope (so error responses rendered outside the
    middleware stack, 404s for unknown routes included, carry the same id)."""
    rid: str | None = scope.get(SCOPE_KEY)
    if rid is None:
        raw = None
        for key, value in scope.get("headers", ()):
            if key == b"x-request-id":
                raw = value.decode("latin-1")
                break
        rid = scope[SCOPE_KEY] = accept_request_id(raw)
    return rid


PUBLIC_BASE_URL = "public_base_url"  # app.state key, set by create_app from the settings


def public_base_url(request: Any) -> str:
    """The configured origin for absolute URLs in responses (PMSAAS_PUBLIC_BASE_URL), never the
    request's Host header: a caller must not choose the links other clients follow."""
    return str(request.app.state[PUBLIC_BASE_URL])


# Paths that carry a secret (an invitation's token): logged with the secret masked.
_SECRET_IN_PATH = re.compile(r"^(/api/v1/identity/invitations/)[^/]+")


def loggable_path(path: str) -> str:
    return _SECRET_IN_PATH.sub(r"\1***", path)
