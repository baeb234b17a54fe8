"""create_app(container): the HTTP entrypoint for both API surfaces."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Litestar, Request
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging.config import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router

from pmsaas.container import Container, shutdown, warm_revocations
from pmsaas.entrypoints.http.auth import auth_middleware_factory
from pmsaas.entrypoints.http.context import PUBLIC_BASE_URL
from pmsaas.entrypoints.http.deps import context_provider
from pmsaas.entrypoints.http.errors import handle_exception
from pmsaas.entrypoints.http.idempotency import idempotency_middleware_factory
from pmsaas.entrypoints.http.metrics import metrics_routes, observer
from pmsaas.entrypoints.http.middleware import request_context_middleware, require_json_body, stamp_request_id
from pmsaas.entrypoints.http.openapi_docs import document_schema, route_permissions
from pmsaas.entrypoints.http.openapi_errors import document_errors
from pmsaas.entrypoints.http.openapi_links import document_links
from pmsaas.entrypoints.http.routes import CONTROLLERS
from pmsaas.entrypoints.http.security_headers import cors_config, security_headers
from pmsaas.entrypoints.worker.embedded import embedded_schedule

# Swagger UI 5 from the npm package swagger-ui-dist, vendored (scripts/refresh_swagger_ui.py): the
# first major version that renders OpenAPI 3.1, served from the package so the explorer works offline.
SWAGGER_ASSETS = Path(__file__).resolve().parent / "explorer"


class ExplorerPlugin(SwaggerRenderPlugin):
    """Swagger UI that keeps what "Authorize" was given (a bearer token, an API key) across reloads."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        page = super().render(request, openapi_schema)
        return page.replace(b"deepLinking: true,", b"deepLinking: true, persistAuthorization: true,", 1)


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="pmsaas API",
        version="1.0.0",
        description="Property management: the platform API (/api/v1) and the ticketing API (/v1).",
        path="/schema",
        use_handler_docstrings=True,  # a handler's docstring is its operation's description
        render_plugins=[
            ExplorerPlugin(
                path="/",
                js_url="/static/swagger/swagger-ui-bundle.js",
                css_url="/static/swagger/swagger-ui.css",
                standalone_preset_js_url="/static/swagger/swagger-ui-standalone-preset.js",
                # Litestar's default favicon comes from a CDN; the product must work offline.
                favicon="<link rel='icon' type='image/png' href='/static/swagger/favicon-32x32.png'>",
            )
        ],
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT"),
                "ApiKey": SecurityScheme(type="apiKey", name="X-API-Key", security_scheme_in="header"),
            }
        ),
        security=[{"BearerToken": []}, {"ApiKey": []}],
    )


def create_app(container: Container) -> Litestar:
    schedule = embedded_schedule(container)  # in-process jobs when there is no Redis (None otherwise)

    async def on_startup(app: Litestar) -> None:
        await warm_revocations(container)
        if schedule is not None:
            schedule.start()

    async def on_shutdown(app: Litestar) -> None:
        await container.realtime().stop()  # ends open SSE / WebSocket streams before the rest
        if schedule is not None:
            await schedule.stop()
        await shutdown(container)

    route_handlers: list[Any] = [
        *CONTROLLERS,
        create_static_files_router(path="/static/swagger", directories=[SWAGGER_ASSETS], include_in_schema=False),
        *metrics_routes(container),  # GET /metrics: with a token, or outside production
    ]
    middleware: list[Any] = [
        request_context_middleware,
        auth_middleware_factory(container),
        idempotency_middleware_factory(container),  # after auth: keys are scoped to the principal
    ]
    app = Litestar(
        route_handlers=route_handlers,
        # The one way dependencies reach handlers: the request's context (deps.RequestContext), which
        # reads the container's providers; list endpoints' ``listing`` carries it.
        dependencies={"ctx": Provide(context_provider(container), sync_to_thread=False)},
        middleware=middleware,
        exception_handlers={Exception: handle_exception},
        openapi_config=_openapi(),
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024),
        before_send=[stamp_request_id, security_headers(container.settings()), observer(container)],
        cors_config=cors_config(container.settings()),
        before_request=require_json_body,
        state=State({PUBLIC_BASE_URL: container.settings().public_base_url.rstrip("/")}),
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        request_max_body_size=2 * 1024 * 1024,
        debug=False,
        logging_config=LoggingConfig(log_exceptions="never", configure_root_logger=False),
    )
    document_errors(app.openapi_schema)  # built once here, served as is from /schema
    document_links(app.openapi_schema)  # create → the new record's operations (stateful clients follow them)
    # Descriptions, examples, service tags and who may call what (openapi_docs/, docs/api-contract.md §9).
    document_schema(app.openapi_schema, route_permissions(app))
    return app
