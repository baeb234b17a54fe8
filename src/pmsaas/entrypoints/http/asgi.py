"""The ASGI application object servers import: settings from the environment, logging configured."""

from __future__ import annotations

from pmsaas.container import build_container
from pmsaas.entrypoints.http.app import create_app
from pmsaas.logging import configure_logging
from pmsaas.settings import load_settings

settings = load_settings()
configure_logging(
    json=settings.log_json if settings.log_json is not None else settings.is_production, level=settings.log_level
)
app = create_app(build_container(settings))
