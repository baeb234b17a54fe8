"""Peer for the property list: FastAPI + SQLModel as full-stack-fastapi-template writes its items list.

Modelled on github.com/fastapi/full-stack-fastapi-template (commit 68adb40), backend/app/api/deps.py,
backend/app/api/routes/items.py and backend/app/models.py: a sync ``Session`` per request from a
``Depends`` generator (psycopg 3, SQLAlchemy's default pool), ``OAuth2PasswordBearer`` + ``jwt.decode``
and ``session.get(User, sub)`` for the current user, ``select(func.count())`` then
``select(Item).order_by(created_at desc).offset(skip).limit(limit)``, ``model_validate`` into a public
model and a ``{"data": [...], "count": n}`` response model. The template runs it with ``fastapi run``
(uvicorn); bench/peers.py starts ``uvicorn app:app --workers 1`` (uvloop, httptools).

Differences, kept small on purpose: the SQLModel classes map onto pmsaas's own tables
(``properties_properties``, ``identity_users``) so the same rows are read; the token is pmsaas's own
bearer JWT (RS256, verified with the public half of ``PMSAAS_JWT_PRIVATE_KEY``, the same signature
check pmsaas does; audience not checked), and the list is filtered by the token's ``org_id`` (the
template filters by ``owner_id``) in pmsaas's default order, oldest first (the
template's is newest first). Benchmark-only code: runs in its own virtualenv (bench/.venvs/).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Generator
from datetime import datetime
from typing import Annotated, Any

import jwt
from cryptography.hazmat.primitives import serialization
from fastapi import APIRouter, Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from jwt.exceptions import InvalidTokenError
from pydantic import ValidationError
from sqlalchemy import Column
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, Session, SQLModel, col, create_engine, func, select

DATABASE_URL = os.environ["PEER_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://")
PUBLIC_KEY = (
    serialization.load_pem_private_key(os.environ["PMSAAS_JWT_PRIVATE_KEY"].encode(), password=None)
    .public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
)
ALGORITHM = "RS256"

engine = create_engine(DATABASE_URL)


# -- models (backend/app/models.py) ---------------------------------------------------------------


class User(SQLModel, table=True):
    __tablename__ = "identity_users"

    id: uuid.UUID = Field(primary_key=True)
    email: str
    name: str
    status: str


class PropertyBase(SQLModel):
    name: str
    type: str
    status: str
    description: str | None = None
    year_built: int | None = None
    street: str
    city: str
    province: str
    postal_code: str
    country: str


class Property(PropertyBase, table=True):
    __tablename__ = "properties_properties"

    id: uuid.UUID = Field(primary_key=True)
    organization_id: uuid.UUID = Field(index=True)
    version: int
    amenities: list[str] | None = Field(default=None, sa_column=Column(JSONB))
    policies: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


class PropertyPublic(PropertyBase):
    id: uuid.UUID
    amenities: list[str] | None = None
    policies: dict[str, Any] | None = None
    created_at: datetime
    updated_at: datetime


class PropertiesPublic(SQLModel):
    data: list[PropertyPublic]
    count: int


class TokenPayload(SQLModel):
    sub: str | None = None
    org_id: str | None = None


# -- deps (backend/app/api/deps.py) ---------------------------------------------------------------

reusable_oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token")


def get_db() -> Generator[Session]:
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]
TokenDep = Annotated[str, Depends(reusable_oauth2)]


class CurrentPrincipal(SQLModel):
    user: User
    organization_id: uuid.UUID


def get_current_user(session: SessionDep, token: TokenDep) -> CurrentPrincipal:
    try:
        payload = jwt.decode(token, PUBLIC_KEY, algorithms=[ALGORITHM], options={"verify_aud": False})
        token_data = TokenPayload(**payload)
    except (InvalidTokenError, ValidationError):
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Could not validate credentials") from None
    user = session.get(User, uuid.UUID(token_data.sub or ""))
    if not user:
        raise HTTPException(status_code=404, detail="User not found")
    if user.status != "active":
        raise HTTPException(status_code=400, detail="Inactive user")
    if not token_data.org_id:
        raise HTTPException(status_code=403, detail="Not enough permissions")
    return CurrentPrincipal(user=user, organization_id=uuid.UUID(token_data.org_id))


CurrentUser = Annotated[CurrentPrincipal, Depends(get_current_user)]


# -- routes (backend/app/api/routes/items.py) -----------------------------------------------------

router = APIRouter(prefix="/api/v1/properties", tags=["properties"])


@router.get("/", response_model=PropertiesPublic)
def read_properties(session: SessionDep, current_user: CurrentUser, skip: int = 0, limit: int = 100) -> Any:
    """Retrieve properties."""
    live = (col(Property.organization_id) == current_user.organization_id) & col(Property.deleted_at).is_(None)
    count_statement = select(func.count()).select_from(Property).where(live)
    count = session.exec(count_statement).one()
    statement = (
        select(Property)
        .where(live)
        .order_by(col(Property.created_at), col(Property.id))  # pmsaas's default order (template: desc)
        .offset(skip)
        .limit(limit)
    )
    properties = session.exec(statement).all()
    properties_public = [PropertyPublic.model_validate(p) for p in properties]
    return PropertiesPublic(data=properties_public, count=count)


app = FastAPI(title="peer: fastapi + sqlmodel")
app.include_router(router)


@app.get("/health")
def health() -> dict[str, bool]:
    return {"ok": True}
