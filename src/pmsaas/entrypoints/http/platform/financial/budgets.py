"""/api/v1/financial/budgets: budgets by category and their variance against the ledger."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.financial import budgets
from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context, Listing, Paged
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated, paginated_all
from pmsaas.entrypoints.http.pagination import PAGING, list_query
from pmsaas.entrypoints.http.platform.financial.common import not_tenant
from pmsaas.entrypoints.http.structs import Input, MoneyIn, MoneyOut

CategoryName = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]


class BudgetCategoryIn(Input):
    name: CategoryName
    amount: MoneyIn

    def to_domain(self, field: str) -> budgets.BudgetCategory:
        return budgets.BudgetCategory(self.name, self.amount.to_money(field=field))


class BudgetIn(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    period_start: date
    period_end: date
    property_id: UUID | None = None
    categories: Annotated[list[BudgetCategoryIn], msgspec.Meta(max_length=100)] = msgspec.field(default_factory=list)

    def to_input(self) -> budgets.BudgetInput:
        return budgets.BudgetInput(
            name=self.name,
            period_start=self.period_start,
            period_end=self.period_end,
            property_id=self.property_id,
            categories=tuple(c.to_domain(f"categories.{i}.amount.amount") for i, c in enumerate(self.categories)),
        )


class BudgetCategoryOut(msgspec.Struct, kw_only=True):
    name: str
    amount: MoneyOut


class BudgetOut(msgspec.Struct, kw_only=True):
    id: UUID
    organization_id: UUID
    name: str
    property_id: UUID | None
    period_start: date
    period_end: date
    currency: str
    categories: list[BudgetCategoryOut]
    total: MoneyOut
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, b: budgets.Budget) -> BudgetOut:
        return cls(
            id=b.id,
            organization_id=b.organization_id,
            name=b.name,
            property_id=b.property_id,
            period_start=b.period_start,
            period_end=b.period_end,
            currency=b.currency,
            categories=[BudgetCategoryOut(name=c.name, amount=MoneyOut.of(c.amount)) for c in b.categories],
            total=MoneyOut.of(b.total),
            version=b.version,
            created_at=b.created_at,
            updated_at=b.updated_at,
        )


class VarianceRowOut(msgspec.Struct, kw_only=True):
    category: str
    budgeted: MoneyOut
    actual: MoneyOut
    variance: MoneyOut


class VarianceOut(msgspec.Struct, kw_only=True):
    budget_id: UUID
    period_start: date
    period_end: date
    categories: list[VarianceRowOut]
    budgeted: MoneyOut
    actual: MoneyOut
    variance: MoneyOut


class BudgetController(Controller):
    path = "/api/v1/financial/budgets"
    tags = ["Financial: budgets"]
    dependencies = {"listing": Provide(list_query(("created_at", "name", "period_start")))}

    @get("/", guards=[requires("financial:read")], summary="List budgets")
    async def list_budgets(self, listing: Listing) -> Paginated[BudgetOut]:
        ctx = listing.ctx
        not_tenant(ctx.actor)
        page = await budgets.list_budgets(uow=ctx.uow(), actor=ctx.actor, page=listing.page)
        return paginated(page, [BudgetOut.of(b) for b in page.items])

    @post("/", guards=[requires("financial:create")], status_code=HTTP_201_CREATED, summary="Create a budget")
    async def create_budget(self, ctx: Context, data: JSONBody[BudgetIn]) -> Ok[BudgetOut]:
        return ok(
            BudgetOut.of(
                await budgets.create_budget(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, data=data.to_input())
            )
        )

    @get("/{budget_id:uuid}", guards=[requires("financial:read")], summary="Get a budget")
    async def get_budget(self, ctx: Context, budget_id: FromPath[UUID]) -> Ok[BudgetOut]:
        not_tenant(ctx.actor)
        return ok(BudgetOut.of(await budgets.get_budget(uow=ctx.uow(), actor=ctx.actor, budget_id=budget_id)))

    @put("/{budget_id:uuid}", guards=[requires("financial:update")], summary="Replace a budget")
    async def update_budget(self, ctx: Context, budget_id: FromPath[UUID], data: JSONBody[BudgetIn]) -> Ok[BudgetOut]:
        b = await budgets.update_budget(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, budget_id=budget_id, data=data.to_input()
        )
        return ok(BudgetOut.of(b))

    @delete(
        "/{budget_id:uuid}", guards=[requires("financial:delete")], status_code=HTTP_204_NO_CONTENT, summary="Delete"
    )
    async def delete_budget(self, ctx: Context, budget_id: FromPath[UUID]) -> None:
        await budgets.delete_budget(uow=ctx.uow(), actor=ctx.actor, budget_id=budget_id)

    @get(
        "/{budget_id:uuid}/categories",
        guards=[requires("financial:read")],
        dependencies=PAGING,
        summary="A budget's categories",
    )
    async def categories(self, budget_id: FromPath[UUID], paging: Paged) -> Paginated[BudgetCategoryOut]:
        ctx = paging.ctx
        not_tenant(ctx.actor)
        b = await budgets.get_budget(uow=ctx.uow(), actor=ctx.actor, budget_id=budget_id)
        return paginated_all(
            [BudgetCategoryOut(name=c.name, amount=MoneyOut.of(c.amount)) for c in b.categories], paging.page
        )

    @post(
        "/{budget_id:uuid}/categories",
        guards=[requires("financial:update")],
        status_code=HTTP_201_CREATED,
        summary="Add a category to a budget",
    )
    async def add_category(
        self, ctx: Context, budget_id: FromPath[UUID], data: JSONBody[BudgetCategoryIn]
    ) -> Ok[BudgetOut]:
        b = await budgets.add_category(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            budget_id=budget_id,
            category=data.to_domain("amount.amount"),
        )
        return ok(BudgetOut.of(b))

    @get("/{budget_id:uuid}/variance", guards=[requires("financial:read")], summary="Budget vs ledger actuals")
    async def variance(self, ctx: Context, budget_id: FromPath[UUID]) -> Ok[VarianceOut]:
        not_tenant(ctx.actor)
        b, rows = await budgets.budget_variance(uow=ctx.uow(), actor=ctx.actor, budget_id=budget_id)
        zero = Money.zero(b.currency)
        budgeted = sum((r.budgeted for r in rows), zero)
        actual = sum((r.actual for r in rows), zero)
        return ok(
            VarianceOut(
                budget_id=b.id,
                period_start=b.period_start,
                period_end=b.period_end,
                categories=[
                    VarianceRowOut(
                        category=r.category,
                        budgeted=MoneyOut.of(r.budgeted),
                        actual=MoneyOut.of(r.actual),
                        variance=MoneyOut.of(r.variance),
                    )
                    for r in rows
                ],
                budgeted=MoneyOut.of(budgeted),
                actual=MoneyOut.of(actual),
                variance=MoneyOut.of(budgeted - actual),
            )
        )
