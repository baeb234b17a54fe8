"""/api/v1/operations/categories: per-organization custom request categories (an extension)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from pmsaas.domain.operations import categories
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context, Paged
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
    async def list_categories(self, paging: Paged) -> Paginated[CategoryOut]:
        ctx = paging.ctx
        found = await categories.list_categories(uow=ctx.uow(), actor=ctx.actor)
        return paginated_all([CategoryOut(name=n, custom=c) for n, c in found], paging.page)

    @post("/", guards=[requires("maintenance:update")], status_code=HTTP_201_CREATED, summary="Add a custom category")
    async def add_category(self, ctx: Context, data: JSONBody[CategoryIn]) -> Ok[CategoryOut]:
        name = await categories.add_category(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, name=data.name)
        return ok(CategoryOut(name=name, custom=True))
