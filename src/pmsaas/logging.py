"""structlog set-up, called once by each entrypoint. JSON in production, readable in development.

Every line carries the request id (bound in contextvars by the HTTP middleware). A processor
masks values of sensitive keys so passwords, tokens and keys never reach the log. Nothing logs request
bodies or headers, and tracebacks are plain in both renderers: never the frames' local variables
(structlog's console renderer would otherwise pick rich's traceback with ``show_locals``, and a
handler's locals hold the request's body, its bearer token, a password).
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog

_SENSITIVE = re.compile(r"(pass(word)?|secret|token|authorization|api[_-]?key|card|account_number|iban|cvv)", re.I)


def _mask_secrets(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
    for key in list(event):
        if key != "event" and _SENSITIVE.search(key) and event[key] not in (None, "(hidden)"):
            event[key] = "***"
    return event


class _NamedPrintLogger(structlog.PrintLogger):
    """A PrintLogger that knows its name, so ``add_logger_name`` works on structlog's own loggers
    (the plain PrintLogger has none: every ``log.info`` raised AttributeError after the response)."""

    def __init__(self, file: Any, name: str) -> None:
        super().__init__(file)
        self.name = name


class _CurrentStderr:
    """``sys.stderr`` as it is when a line is written, not when a logger was first used: loggers are
    cached on first use, and a stream swapped later (a test's capture, a daemon's redirect) must
    still get the lines."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def _print_logger_factory(file: Any) -> Any:
    def factory(*args: Any) -> _NamedPrintLogger:
        return _NamedPrintLogger(file, str(args[0]) if args else "")

    return factory


def configure_logging(*, json: bool, level: str = "INFO") -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _mask_secrets,
        structlog.processors.StackInfoRenderer(),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer] if json else [*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=_print_logger_factory(_CurrentStderr()),
        # Not cached: a module-level logger used once before a later configure_logging (an import-time
        # line, a second entrypoint in the same process) would otherwise keep the old renderer and level
        # for good. Building the bound logger per call costs microseconds.
        cache_logger_on_first_use=False,
    )
    # Route the standard library (uvicorn, granian, sqlalchemy, arq) through the same renderer.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processor=renderer))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # HTTP clients (webhooks, Twilio, WhatsApp, Stripe, Razorpay) log every call's full URL at INFO:
    # noise, and a URL may carry an identifier we would rather not keep. Our adapters log outcomes.
    for client in ("httpx", "httpcore"):
        logging.getLogger(client).setLevel(max(logging.WARNING, root.level))
