"""Issue 10 item 6: the monthly reports over HTTP, one story whose every figure is checked against the
other reports, the trial balance, and the CSV of the same report."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from fin_support import invoice_body, key, make_lease, money, set_country, set_org_pan, trial_balance

pytestmark = pytest.mark.today("2026-12-15")  # the suite's fixed clock

INVOICES = "/api/v1/financial/invoices"
PAYMENTS = "/api/v1/financial/payments"
EXPENSES = "/api/v1/financial/expenses"
REPORTS = "/api/v1/financial/reports"
GSTIN = "27AABCP1234Q1Z7"


async def _invoice(api: Any, owner: Any, lease: Any, issued: str, due: str, *lines: tuple[str, str, str]) -> None:
    body = invoice_body(lease, *lines, issue=True, issue_date=issued, due_date=due)
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 201, r.text


async def _pay(api: Any, owner: Any, lease: Any, amount: str, on: str) -> None:
    body = {"lease_id": lease.id, "amount": money(amount), "method": "bank_transfer", "received_on": on}
    r = await api.post(PAYMENTS, owner.token, json=body, headers=key())
    assert r.status_code == 201, r.text


async def _expense(api: Any, owner: Any, category: str, amount: str, on: str, property_id: str | None) -> None:
    body = {"category": category, "description": category, "amount": money(amount), "expense_date": on}
    if property_id:
        body["property_id"] = property_id
    r = await api.post(EXPENSES, owner.token, json=body)
    assert r.status_code == 201, r.text
    assert (await api.post(f"{EXPENSES}/{r.json()['data']['id']}/approve", owner.token)).status_code == 200


async def _report(api: Any, owner: Any, name: str, **params: str) -> dict[str, Any]:
    """The JSON report, after checking that its CSV carries exactly the same cells."""
    r = await api.get(f"{REPORTS}/{name}", owner.token, params=params)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    c = await api.get(f"{REPORTS}/{name}", owner.token, params={**params, "format": "csv"})
    assert c.status_code == 200 and c.headers["content-type"].startswith("text/csv"), c.text
    table = list(csv.reader(io.StringIO(c.text)))
    header, rows = table[0], table[1:]
    assert len(rows) == len(data["rows"])
    for cells, row in zip(rows, data["rows"], strict=True):
        assert header == list(row)
        assert cells == [_cell(v) for v in row.values()], (cells, row)
    return data


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return value["amount"]
    if value is None:
        return ""
    if isinstance(value, float):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


def _amount(value: dict[str, str] | str) -> Decimal:
    return Decimal(value["amount"] if isinstance(value, dict) else value)


def _total(rows: list[dict[str, Any]], column: str) -> Decimal:
    return sum((_amount(r[column]) for r in rows), Decimal(0))


async def test_a_month_of_reports_reconciles_with_the_ledger(api, owner):
    await set_country(api, owner, "IN")
    shop = await make_lease(api, owner, "IN", rent="100000.00", tenant_gstin=GSTIN)  # B2B, GST 18 %
    flat = await make_lease(api, owner, "IN", property_type="residential", rent="30000.00")  # exempt
    await _invoice(api, owner, shop, "2026-08-01", "2026-08-05", ("Rent August", "100000.00", "rent"))
    await _pay(api, owner, shop, "50000.00", "2026-08-10")  # partial
    await _invoice(
        api,
        owner,
        shop,
        "2026-12-01",
        "2026-12-10",
        ("Rent December", "100000.00", "rent"),
        ("Security deposit", "300000.00", "deposit"),
    )
    await _pay(api, owner, shop, "418000.00", "2026-12-14")  # 68,000 of August first, then December
    for month in ("07", "10", "11"):
        await _invoice(api, owner, flat, f"2026-{month}-01", f"2026-{month}-05", ("Rent", "30000.00", "rent"))
    await _pay(api, owner, flat, "30000.00", "2026-11-20")  # July's rent, four months late
    await _expense(api, owner, "repairs", "11800.00", "2026-11-20", shop.property_id)
    await _expense(api, owner, "management_fee", "5000.00", "2026-11-30", shop.property_id)
    await _expense(api, owner, "bank charges", "1000.00", "2026-12-02", None)  # no property
    tb = await trial_balance(api, owner)

    # Arrears ageing: the shop owes 68,000 of December (5 days), the flat October (71) and November (40).
    aging = await _report(api, owner, "arrears-aging")
    assert aging["as_of"] == "2026-12-15" and aging["currency"] == "INR"
    by_tenant = {r["tenant_id"]: r for r in aging["rows"]}
    assert set(by_tenant) == {shop.tenant_id, flat.tenant_id}
    s, f = by_tenant[shop.tenant_id], by_tenant[flat.tenant_id]
    assert [s[c]["amount"] for c in ("current", "days_0_30", "days_31_60", "days_61_90", "days_90_plus")] == [
        "0.00",
        "68000.00",
        "0.00",
        "0.00",
        "0.00",
    ]
    assert (f["days_31_60"]["amount"], f["days_61_90"]["amount"], f["days_90_plus"]["amount"]) == (
        "30000.00",
        "30000.00",
        "0.00",
    )
    assert f["oldest_due_date"] == "2026-10-05"
    for r in aging["rows"]:
        assert _amount(r["balance"]) == _amount(tb[f"ar:{r['tenant_id']}"])
    assert _amount(aging["totals"]["balance"]) == Decimal("128000.00")
    # On 1 September: August's remainder 27 days past due, the flat's July rent 58.
    september = await _report(api, owner, "arrears-aging", as_of="2026-09-01")
    sep = {r["tenant_id"]: r for r in september["rows"]}
    assert sep[shop.tenant_id]["days_0_30"]["amount"] == sep[shop.tenant_id]["balance"]["amount"] == "68000.00"
    assert sep[flat.tenant_id]["days_31_60"]["amount"] == sep[flat.tenant_id]["balance"]["amount"] == "30000.00"
    old = await _report(api, owner, "arrears-aging", as_of="2026-11-30")  # August's remainder: 117 days
    assert {r["tenant_id"]: r["days_90_plus"]["amount"] for r in old["rows"]}[shop.tenant_id] == "68000.00"

    # Rent roll and deposits held agree with the ledger's receivables and deposits_held.
    roll = await _report(api, owner, "rent-roll")
    assert {r["lease_id"] for r in roll["rows"]} == {shop.id, flat.id}
    shop_row = next(r for r in roll["rows"] if r["lease_id"] == shop.id)
    assert shop_row["rent"]["amount"] == "100000.00" and shop_row["start_date"] == "2026-01-01"
    assert shop_row["end_date"] is None and shop_row["balance"]["amount"] == "68000.00"
    assert shop_row["deposit_held"]["amount"] == "300000.00"
    assert _amount(roll["totals"]["balance"]) == _amount(aging["totals"]["balance"])
    assert _amount(roll["totals"]["deposit_held"]) == -_amount(tb["deposits_held"])
    deposits = await _report(api, owner, "deposits-held")
    [held] = deposits["rows"]
    assert held["lease_id"] == shop.id and held["received"]["amount"] == "300000.00"
    assert held["returned"]["amount"] == "0.00" and held["held"]["amount"] == "300000.00"
    assert _amount(deposits["totals"]["held"]) == -_amount(tb["deposits_held"])
    assert (await _report(api, owner, "deposits-held", as_of="2026-11-30"))["rows"] == []

    # Income and expenses by property and month; their sums are the trial balance's.
    ie = await _report(api, owner, "income-expenses", **{"from": "2026-01-01", "to": "2026-12-31"})
    cells = {(r["property_id"], r["month"]): r for r in ie["rows"]}
    assert sorted(m for p, m in cells if p == flat.property_id) == ["2026-07", "2026-10", "2026-11"]
    nov = cells[(shop.property_id, "2026-11")]
    assert (nov["expenses"]["amount"], nov["management_fees"]["amount"], nov["net"]["amount"]) == (
        "11800.00",
        "5000.00",
        "-16800.00",
    )
    assert cells[(None, "2026-12")]["expenses"]["amount"] == "1000.00"
    assert _amount(ie["totals"]["rent_income"]) == -_amount(tb["rent_income"]) == Decimal("290000.00")
    assert _amount(ie["totals"]["total_expenses"]) == _amount(tb["expenses"]) == Decimal("17800.00")

    # Owner statements for December, income on cash: a payment's allocations split over the parts
    # of the invoices it settled (August: 100,000 rent + 18,000 GST; December: + 3,00,000 deposit).
    os = await _report(api, owner, "owner-statements", **{"from": "2026-12-01", "to": "2026-12-31"})
    st = {r["property_id"]: r for r in os["rows"]}
    a = {k: v["amount"] for k, v in st[shop.property_id].items() if isinstance(v, dict)}
    # Before December: 50,000 of August's 1,18,000 -> rent 42,372.89; less November's 16,800 expenses.
    assert a["opening_balance"] == "25572.89"
    # December's 4,18,000: 68,000 of August (rent 57,627.12) and 3,50,000 of December (rent 83,732.05).
    assert (a["rent_collected"], a["other_income_collected"]) == ("141359.17", "0.00")
    assert (a["tax_collected"], a["deposits_collected"], a["unapplied"]) == ("25444.65", "251196.18", "0.00")
    assert (a["collected"], a["refunds"], a["expenses"], a["management_fees"]) == ("418000.00", "0.00", "0.00", "0.00")
    assert a["closing_balance"] == "166932.06"  # opening + rent and other income collected - expenses - fees
    assert (a["rent_billed"], a["receivable"], a["deposits_held"]) == ("100000.00", "68000.00", "300000.00")
    b = st[flat.property_id]
    assert (b["opening_balance"]["amount"], b["collected"]["amount"], b["closing_balance"]["amount"]) == (
        "30000.00",
        "0.00",
        "30000.00",
    )
    year = await _report(api, owner, "owner-statements", **{"from": "2026-01-01", "to": "2026-12-31"})
    for r in year["rows"]:
        parts = ("rent_collected", "other_income_collected", "tax_collected", "deposits_collected", "unapplied")
        assert sum(_amount(r[p]) for p in parts) - _amount(r["refunds"]) == _amount(r["collected"])
        assert _amount(r["opening_balance"]) == 0
        spent = _amount(r["expenses"]) + _amount(r["management_fees"])
        income = _amount(r["rent_collected"]) + _amount(r["other_income_collected"])
        assert _amount(r["closing_balance"]) == income - spent
    assert _total(year["rows"], "collected") == _amount(tb["cash"]) == Decimal("498000.00")
    # Each allocation is split on its own, so the year's split is the sum of its months' splits.
    aug = await _report(api, owner, "owner-statements", **{"from": "2026-08-01", "to": "2026-08-31"})
    shop_year = next(r for r in year["rows"] if r["property_id"] == shop.property_id)
    shop_aug = next(r for r in aug["rows"] if r["property_id"] == shop.property_id)
    for part in ("rent_collected", "tax_collected", "deposits_collected"):
        assert _amount(shop_year[part]) == _amount(shop_aug[part]) + Decimal(a[part]), part
    assert shop_aug["rent_collected"]["amount"] == "42372.89"
    one = await _report(api, owner, "owner-statements", property_id=shop.property_id, **{"from": "2026-12-01"})
    assert [r["closing_balance"]["amount"] for r in one["rows"]] == [a["closing_balance"]]
    dec_to_date = await _report(api, owner, "owner-statements", **{"from": "2026-12-01", "to": "2026-12-13"})
    assert {r["property_id"]: r["collected"]["amount"] for r in dec_to_date["rows"]}[shop.property_id] == "0.00"

    # GSTR-1 B2B: the shop's two invoices (not the flat's exempt rent; not the deposit).
    b2b = await _report(api, owner, "gstr1-b2b", **{"from": "2026-08", "to": "2026-12"})
    assert [r["invoice_date"] for r in b2b["rows"]] == ["2026-08-01", "2026-12-01"]
    for r in b2b["rows"]:
        assert r["recipient_gstin"] == GSTIN and r["place_of_supply"] == "27" and r["reverse_charge"] == "N"
        assert r["rate"] == 18.0 and r["taxable_value"]["amount"] == "100000.00"
        assert (r["cgst"]["amount"], r["sgst"]["amount"], r["igst"]["amount"]) == ("9000.00", "9000.00", "0.00")
        assert r["invoice_value"]["amount"] == "118000.00"  # the deposit is no supply
    assert _amount(b2b["totals"]["cgst"]) == -_amount(tb["tax_payable:CGST"])
    returns = (await api.get("/api/v1/financial/gst-returns", owner.token, params={"from": "2026-12"})).json()
    assert _amount(returns["data"][0]["taxable_value"]) == _amount(b2b["rows"][1]["taxable_value"])


async def test_the_tds_report_counts_the_rent_settled_not_the_receipt(api, owner):
    """A part payment with TDS: the amount paid or credited is the rent share of what it settles
    (half the invoice: half the rent), never the cash, GST or deposit; the TDS is the ledger's."""
    await set_country(api, owner, "IN")
    await set_org_pan(api, owner, "AABCA1234C")
    lease = await make_lease(api, owner, "IN", rent="100000.00", tds_applicable=True, tenant_pan="AAACT2345K")
    await _invoice(
        api,
        owner,
        lease,
        "2026-12-01",
        "2026-12-10",
        ("Rent December", "100000.00", "rent"),
        ("Security deposit", "300000.00", "deposit"),
    )  # 1,18,000 with GST + 3,00,000 deposit = 4,18,000
    body = {
        "lease_id": lease.id,
        "amount": money("199000.00"),
        "method": "bank_transfer",
        "received_on": "2026-12-12",
        "tds": {"tds_section": "194-I(b)", "tds_amount": money("10000.00")},
    }
    r = await api.post(PAYMENTS, owner.token, json=body, headers=key())
    assert r.status_code == 201, r.text
    tb = await trial_balance(api, owner)
    report = await api.get("/api/v1/financial/tds-reports", owner.token, params={"fy": "2026-27", "quarter": "Q3"})
    [row] = report.json()["data"]["rows"]
    assert row["amount"] == money("50000.00")  # 2,09,000 settles half of 4,18,000: half the rent
    assert _amount(row["tds_amount"]) == _amount(tb["tds_receivable"]) == Decimal("10000.00")
    c = await api.get("/api/v1/financial/tds-reports", owner.token, params={"fy": "2026-27", "format": "csv"})
    [line] = list(csv.DictReader(io.StringIO(c.text)))
    assert (line["amount"], line["tds_amount"]) == ("50000.00", "10000.00")
    aging = await _report(api, owner, "arrears-aging")
    assert aging["totals"]["balance"]["amount"] == "209000.00" == tb[f"ar:{lease.tenant_id}"]


async def test_credit_refunds_and_cancelled_invoices_reconcile(api, owner):
    """Paid ahead, part refunded, an invoice cancelled: ageing shows the credit, the owner statement
    the unapplied money and the refund, income the cancellation, all equal to the ledger."""
    await set_country(api, owner, "IN")
    flat = await make_lease(api, owner, "IN", property_type="residential", rent="10000.00")
    await _invoice(api, owner, flat, "2026-12-01", "2026-12-05", ("Rent", "10000.00", "rent"))
    body = {"lease_id": flat.id, "amount": money("15000.00"), "method": "cash", "received_on": "2026-12-02"}
    paid = await api.post(PAYMENTS, owner.token, json=body, headers=key())
    assert paid.status_code == 201, paid.text
    refund = {"amount": money("2000.00"), "reason": "overpaid"}
    r = await api.post(f"{PAYMENTS}/{paid.json()['data']['id']}/refund", owner.token, json=refund, headers=key())
    assert r.status_code == 201, r.text
    extra = invoice_body(flat, ("Parking", "4000.00", "other"), issue=True, issue_date="2026-12-03")
    extra["due_date"] = "2026-12-03"
    made = await api.post(INVOICES, owner.token, json=extra)
    assert made.status_code == 201, made.text
    # Issuing applied 3,000 of credit to it; refund that first, then cancel the invoice.
    assert made.json()["data"]["amount_paid"]["amount"] == "3000.00"
    r = await api.post(f"{PAYMENTS}/{paid.json()['data']['id']}/refund", owner.token, json=refund, headers=key())
    assert r.status_code == 201, r.text
    r = await api.post(f"{PAYMENTS}/{paid.json()['data']['id']}/refund", owner.token, json=refund, headers=key())
    assert r.status_code == 201, r.text
    assert (await api.post(f"{INVOICES}/{made.json()['data']['id']}/cancel", owner.token)).status_code == 200
    tb = await trial_balance(api, owner)
    # 10,000 billed, 15,000 paid, 6,000 refunded (the last 1,000 released from the rent), parking cancelled.
    assert tb[f"ar:{flat.tenant_id}"] == "1000.00"

    aging = await _report(api, owner, "arrears-aging")
    [row] = aging["rows"]
    assert (row["days_0_30"]["amount"], row["credit"]["amount"], row["balance"]["amount"]) == (
        "1000.00",
        "0.00",
        "1000.00",
    )
    paid_ahead = await _report(api, owner, "arrears-aging", as_of="2026-12-02")
    [row] = paid_ahead["rows"]  # 10,000 billed, 15,000 paid: 5,000 ahead, nothing due
    assert (row["credit"]["amount"], row["total_due"]["amount"], row["balance"]["amount"]) == (
        "5000.00",
        "0.00",
        "-5000.00",
    )
    with_parking = await _report(api, owner, "arrears-aging", as_of="2026-12-04")  # cancelled on the 15th
    assert with_parking["rows"][0]["balance"]["amount"] == "-1000.00"

    ie = await _report(api, owner, "income-expenses")
    [dec] = ie["rows"]  # parking billed on the 3rd, reversed on the 15th
    assert (dec["rent_income"]["amount"], dec["other_income"]["amount"]) == ("10000.00", "0.00")
    early = await _report(api, owner, "income-expenses", **{"from": "2026-12-01", "to": "2026-12-14"})
    assert early["rows"][0]["other_income"]["amount"] == "4000.00"

    os = await _report(api, owner, "owner-statements")
    [st] = os["rows"]
    got = {
        k: st[k]["amount"] for k in ("rent_collected", "other_income_collected", "unapplied", "refunds", "collected")
    }
    assert got == {
        "rent_collected": "9000.00",  # what the payment settles of the rent now
        "other_income_collected": "0.00",
        "unapplied": "6000.00",  # received, since refunded
        "refunds": "6000.00",
        "collected": "9000.00",
    }
    assert _amount(st["collected"]) == _amount(tb["cash"]) and st["receivable"]["amount"] == "1000.00"
