"""The errors the SDK raises."""

from __future__ import annotations

from typing import Any


class PropertyManagementError(Exception):
    """An error answer of the API (or no answer at all, ``status`` 0), with the envelope's fields."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: Any = None,
        request_id: str | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.request_id = request_id
        self.body = body

    @classmethod
    def from_response(cls, status: int, body: Any, request_id: str | None) -> PropertyManagementError:
        # platform: {"success": false, "error": {...}}; ticketing: {"status": "error", "error": {...}}
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return cls(status, "HTTP_ERROR", f"HTTP {status}", request_id=request_id, body=body)
        return cls(
            status,
            str(error.get("code", "HTTP_ERROR")),
            str(error.get("message", "")),
            details=error.get("details"),
            request_id=request_id,
            body=body,
        )
