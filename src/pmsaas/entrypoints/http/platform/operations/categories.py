"""/api/v1/operations/categories: per-organization custom request categories (an extension)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from pmsaas.domain.operations import categories
from pmsaas.domain.shared.paging import PageRequest
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import AppContainer, CurrentActor
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated_all
from pmsaas.entrypoints.http.pagination import PAGING
from pmsaas.entrypoints.http.platform.operations.common import READ_REQUESTS
from pmsaas.entrypoints.http.structs import Input


class CategoryOut(msgspec.Struct, kw_only=True):
    name: str
    custom: bool


class CategoryIn(Input):
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=40)]


class CategoryController(Controller):
    path = "/api/v1/operations/categories"
    tags = ["Operations"]

    @get(
        "/",
        guards=[READ_REQUESTS],
        dependencies=PAGING,
        summary="Request categories (built-in and this organization's own)",
    )
    async def list_categories(
        self, container: AppContainer, actor: CurrentActor, paging: NamedDependency[PageRequest]
    ) -> Paginated[CategoryOut]:
        found = await categories.list_categories(uow=container.uow(), actor=actor)
        return paginated_all([CategoryOut(name=n, custom=c) for n, c in found], paging)

    @post("/", guards=[requires("maintenance:update")], status_code=HTTP_201_CREATED, summary="Add a custom category")
    async def add_category(
        self, container: AppContainer, actor: CurrentActor, data: JSONBody[CategoryIn]
    ) -> Ok[CategoryOut]:
        name = await categories.add_category(uow=container.uow(), clock=container.clock(), actor=actor, name=data.name)
        return ok(CategoryOut(name=name, custom=True))
