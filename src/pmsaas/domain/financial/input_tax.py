"""The tax on a vendor's bill (an expense): what the organization can claim back as an input tax
credit (India: ITC, GSTR-3B table 4; Canada: ITC, GST/HST return line 106, and QST input tax
refunds). Pure.

The expense's ``amount`` stays the value before tax; the tax lines come on top of it. At approval:

* claimable (the default): ``Dr input_tax:<head>`` per line, a credit to claim;
* not claimable (blocked credit, exempt use): the tax is part of the cost, ``Dr expenses``;
* India, reverse charge (the organization pays the supplier's tax itself: a commercial property let
  by an unregistered landlord, entry 5AB; legal services...): the vendor is paid the value only and
  the tax is owed to the government, ``Cr rcm_payable:<head>`` (GSTR-3B 3.1(d)); otherwise the vendor
  is owed the tax too (``Cr accounts_payable``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed
from pmsaas.domain.shared.money import Money

HEADS = {"IN": frozenset({"IGST", "CGST", "SGST", "UTGST", "CESS"}), "CA": frozenset({"GST", "HST", "QST"})}


def input_tax_account(head: str) -> str:
    return f"input_tax:{head}"


def rcm_payable_account(head: str) -> str:
    return f"rcm_payable:{head}"


@dataclass(frozen=True)
class InputTaxLine:
    tax: str  # IGST, CGST, SGST, UTGST, CESS (India); GST, HST, QST (Canada)
    amount: Money
    rate: Decimal | None = None  # percent, as on the bill


@dataclass(frozen=True)
class InputTax:
    lines: tuple[InputTaxLine, ...]
    reverse_charge: bool = False  # India: the organization pays the tax itself
    claimable: bool = True  # False: a blocked credit, the tax is part of the cost
    supplier_tax_id: str | None = None  # the vendor's GSTIN or GST/HST/QST number, as on the bill
    region: str | None = None  # the province or State of the supply; default: the property's

    def total(self, currency: str) -> Money:
        total = Money.zero(currency)
        for line in self.lines:
            total = total + line.amount
        return total

    def vendor_share(self, currency: str) -> Money:
        """What the vendor is owed for tax: all of it, unless the organization pays it (reverse charge)."""
        return Money.zero(currency) if self.reverse_charge else self.total(currency)

    def postings(self, currency: str) -> list[tuple[str, Money]]:
        """Debits for the credits to claim, credits for the reverse-charge tax owed."""
        out: list[tuple[str, Money]] = []
        for line in self.lines:
            if self.claimable:
                out.append((input_tax_account(line.tax), line.amount))
            if self.reverse_charge:
                out.append((rcm_payable_account(line.tax), -line.amount))
        return out

    def cost(self, currency: str) -> Money:
        """The tax that is part of the expense's cost: all of it when no credit can be claimed."""
        return Money.zero(currency) if self.claimable else self.total(currency)

    def to_json(self) -> dict[str, Any]:
        return {
            "lines": [
                {"tax": t.tax, "amount_minor": t.amount.minor, "rate": None if t.rate is None else str(t.rate)}
                for t in self.lines
            ],
            "reverse_charge": self.reverse_charge,
            "claimable": self.claimable,
            "supplier_tax_id": self.supplier_tax_id,
            "region": self.region,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], currency: str) -> InputTax:
        lines = tuple(
            InputTaxLine(
                t["tax"],
                Money.from_minor(int(t["amount_minor"]), currency),
                None if t.get("rate") is None else Decimal(t["rate"]),
            )
            for t in data.get("lines", [])
        )
        return cls(
            lines,
            bool(data.get("reverse_charge")),
            bool(data.get("claimable", True)),
            data.get("supplier_tax_id"),
            data.get("region"),
        )


def check(tax: InputTax, country: str, currency: str) -> None:
    """422 naming each bad field: heads of the organization's country, its currency, amounts > 0."""
    problems: list[FieldProblem] = []
    heads = HEADS.get(country)
    if heads is None:
        raise ValidationFailed.single("input_tax", f"no input tax is modelled for organizations in {country}")
    if not tax.lines:
        problems.append(FieldProblem("input_tax.lines", "needs at least one tax line"))
    for i, line in enumerate(tax.lines):
        if line.tax not in heads:
            problems.append(FieldProblem(f"input_tax.lines.{i}.tax", f"must be one of {', '.join(sorted(heads))}"))
        if line.amount.currency != currency:
            problems.append(FieldProblem(f"input_tax.lines.{i}.amount.currency", f"must be {currency}"))
        elif not line.amount.is_positive:
            problems.append(FieldProblem(f"input_tax.lines.{i}.amount.amount", "must be positive"))
        if line.rate is not None and not (line.rate.is_finite() and Decimal(0) <= line.rate <= Decimal(100)):
            problems.append(FieldProblem(f"input_tax.lines.{i}.rate", "must be between 0 and 100"))
    if len({line.tax for line in tax.lines}) != len(tax.lines):
        problems.append(FieldProblem("input_tax.lines", "one line per tax head"))
    if tax.reverse_charge and country != "IN":
        problems.append(FieldProblem("input_tax.reverse_charge", "applies only to organizations in IN"))
    if problems:
        raise ValidationFailed(problems)
