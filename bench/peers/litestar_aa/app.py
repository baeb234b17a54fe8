"""Peer for the property list: Litestar + advanced-alchemy as litestar-fullstack writes a list.

Modelled on github.com/litestar-org/litestar-fullstack (commit 8b637ce): src/py/app/domain/tags and
teams (a ``Controller`` whose dependencies come from ``create_service_dependencies`` with a
``limit_offset`` filter config, a ``SQLAlchemyAsyncRepositoryService`` with its ``Repo``,
``list_and_count(*filters, <scope>)`` and ``to_schema(...)`` into ``OffsetPagination`` of a camelCase
msgspec struct), src/py/app/lib/settings.py (``SQLAlchemyAsyncConfig`` with ``before_send_handler=
"autocommit"``, ``expire_on_commit=False``, ``postgresql+psycopg``) and
src/py/app/domain/accounts/guards.py (``OAuth2PasswordBearerAuth`` whose ``retrieve_user_handler``
loads the user through the users service). litestar-fullstack serves with granian
(litestar-granian); bench/peers.py starts ``granian --interface asgi --workers 1 --loop uvloop``.

Differences, kept small on purpose: the models map onto pmsaas's own tables (``properties_properties``,
``identity_users``) on advanced-alchemy's ``DefaultBase`` (the template's ``UUIDv7AuditBase`` adds a
``sa_orm_sentinel`` column these tables lack); the token is pmsaas's own bearer JWT (RS256, verified
with the public half of ``PMSAAS_JWT_PRIVATE_KEY``; audience not checked) and the list is scoped to the
token's ``org_id`` as the teams list is scoped to the user's teams. Benchmark-only code: runs in its own
virtualenv (bench/.venvs/).
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from advanced_alchemy.base import DefaultBase
from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from advanced_alchemy.extensions.litestar.providers import create_service_dependencies, create_service_provider
from advanced_alchemy.filters import FilterTypes
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import OffsetPagination, SQLAlchemyAsyncRepositoryService
from cryptography.hazmat.primitives import serialization
from litestar import Controller, Litestar, Request, get
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.params import Dependency
from litestar.security.jwt import OAuth2PasswordBearerAuth, Token
from litestar.serialization import decode_json, encode_json
from sqlalchemy import String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import Mapped, mapped_column

DATABASE_URL = os.environ["PEER_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://")
PUBLIC_KEY = (
    serialization.load_pem_private_key(os.environ["PMSAAS_JWT_PRIVATE_KEY"].encode(), password=None)
    .public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


# -- models (src/py/app/db/models) ----------------------------------------------------------------


class User(DefaultBase):
    __tablename__ = "identity_users"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))


class Property(DefaultBase):
    __tablename__ = "properties_properties"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organization_id: Mapped[UUID]
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    description: Mapped[str | None]
    year_built: Mapped[int | None]
    street: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(10))
    postal_code: Mapped[str] = mapped_column(String(12))
    country: Mapped[str] = mapped_column(String(2))
    version: Mapped[int]
    amenities: Mapped[list[str] | None] = mapped_column(JSONB)
    policies: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]


# -- schemas (src/py/app/lib/schema.py, domain/*/schemas) -----------------------------------------


class CamelizedBaseStruct(msgspec.Struct, rename="camel"):
    """Camelized Base Struct"""


class PropertySchema(CamelizedBaseStruct):
    id: UUID
    name: str
    type: str
    status: str
    street: str
    city: str
    province: str
    postal_code: str
    country: str
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    year_built: int | None = None
    amenities: list[str] | None = None
    policies: dict[str, Any] | None = None


# -- services (domain/*/services) -----------------------------------------------------------------


class UserService(SQLAlchemyAsyncRepositoryService[User]):
    class Repo(SQLAlchemyAsyncRepository[User]):
        model_type = User

    repository_type = Repo


class PropertyService(SQLAlchemyAsyncRepositoryService[Property]):
    class Repo(SQLAlchemyAsyncRepository[Property]):
        model_type = Property

    repository_type = Repo


provide_users_service = create_service_provider(UserService)


# -- auth (domain/accounts/guards.py) -------------------------------------------------------------


async def current_user_from_token(token: Token, connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    """Look the token's user up through the users service, as litestar-fullstack does."""
    db_session = alchemy.provide_session(connection.app.state, connection.scope)
    service = UserService(session=db_session)
    user = await service.get_one_or_none(id=UUID(token.sub))
    return user if user and user.status == "active" else None


auth = OAuth2PasswordBearerAuth[User](
    retrieve_user_handler=current_user_from_token,
    token_secret=PUBLIC_KEY,
    algorithm="RS256",
    token_url="/api/access/login",
    exclude=["/health"],
)


def provide_organization_id(request: Request[User, Token, Any]) -> UUID:
    return UUID(request.auth.extras["org_id"])


# -- controller (domain/*/controllers) ------------------------------------------------------------


class PropertyController(Controller):
    path = "/api/properties"
    dependencies = {
        **create_service_dependencies(
            PropertyService,
            key="properties_service",
            filters={
                "pagination_type": "limit_offset",
                "pagination_size": 50,
                "sort_field": "created_at",
                "sort_order": "asc",  # pmsaas's default order: oldest first
            },
        ),
        "organization_id": Provide(provide_organization_id, sync_to_thread=False),
    }

    @get(operation_id="ListProperties")
    async def list_properties(
        self,
        properties_service: PropertyService,
        organization_id: UUID,
        filters: Annotated[list[FilterTypes], Dependency(skip_validation=True)],
    ) -> OffsetPagination[PropertySchema]:
        results, total = await properties_service.list_and_count(
            *filters, Property.organization_id == organization_id, Property.deleted_at.is_(None)
        )
        return properties_service.to_schema(results, total, filters, schema_type=PropertySchema)


@get("/health", sync_to_thread=False)
def health() -> dict[str, bool]:
    return {"ok": True}


alchemy = SQLAlchemyAsyncConfig(
    engine_instance=create_async_engine(
        DATABASE_URL, json_serializer=encode_json, json_deserializer=decode_json, pool_use_lifo=True
    ),
    before_send_handler="autocommit",
    session_config=AsyncSessionConfig(expire_on_commit=False),
)

app = Litestar(
    route_handlers=[PropertyController, health],
    plugins=[SQLAlchemyPlugin(config=alchemy)],
    on_app_init=[auth.on_app_init],
    debug=False,
)
