"""Issue 16 items 3-4: GSTR-1 beyond B2B (B2C large and small, exempt supplies, reverse charge, the
HSN/SAC summary) over HTTP, every figure checked against the trial balance and the CSV of its section."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from fin_support import invoice_body, make_lease, set_country, trial_balance

pytestmark = pytest.mark.today("2026-12-15")

REPORT = "/api/v1/financial/reports/gstr1"
SUPPLIER = "27AABCP1234Q1Z7"  # Maharashtra
KA_TENANT = "29AAAPK5678L1Z4"
DL_TENANT = "07AAFFR9012M2ZW"
KA = {"city": "Bengaluru", "province": "KA", "postal_code": "560001"}


async def _invoice(api: Any, owner: Any, lease: Any, *lines: tuple[str, str, str], on: str = "2026-12-01") -> None:
    body = invoice_body(lease, *lines, issue=True, issue_date=on, due_date="2026-12-10")
    r = await api.post("/api/v1/financial/invoices", owner.token, json=body)
    assert r.status_code == 201, r.text


async def _gstr1(api: Any, owner: Any, **params: str) -> dict[str, Any]:
    r = await api.get(REPORT, owner.token, params=params)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def _section_csv(api: Any, owner: Any, section: str, **params: str) -> list[dict[str, str]]:
    r = await api.get(REPORT, owner.token, params={**params, "format": "csv", "section": section})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), r.text
    return list(csv.DictReader(io.StringIO(r.text)))


def _d(value: str) -> Decimal:
    return Decimal(value)


async def _story(api: Any, owner: Any) -> dict[str, Any]:
    await set_country(api, owner, "IN")
    r = await api.put(
        f"/api/v1/organizations/{owner.org_id}/settings",
        owner.token,
        json={"country": "IN", "province": "MH", "gst_number": SUPPLIER},
    )
    assert r.status_code == 200, r.text
    leases = {
        "b2b": await make_lease(api, owner, tenant_gstin=KA_TENANT),  # commercial, MH: CGST+SGST
        "rcm": await make_lease(api, owner, property_type="residential", tenant_gstin=DL_TENANT),  # 5AA
        "large": await make_lease(api, owner, address=KA),  # inter-State to an unregistered tenant
        "small_inter": await make_lease(api, owner, address=KA),
        "small_intra": await make_lease(api, owner),
        "flat": await make_lease(api, owner, property_type="residential"),  # exempt, intra-State
        "flat_ka": await make_lease(api, owner, property_type="residential", address=KA),  # exempt, inter
    }
    await _invoice(api, owner, leases["b2b"], ("Rent", "100000.00", "rent"), ("Deposit", "200000.00", "deposit"))
    await _invoice(api, owner, leases["rcm"], ("Rent", "60000.00", "rent"))
    await _invoice(api, owner, leases["large"], ("Rent", "150000.00", "rent"))
    await _invoice(api, owner, leases["small_inter"], ("Rent", "50000.00", "rent"))
    await _invoice(api, owner, leases["small_intra"], ("Rent", "40000.00", "rent"), ("Late fee", "500.00", "late_fee"))
    await _invoice(api, owner, leases["flat"], ("Rent", "30000.00", "rent"))
    await _invoice(api, owner, leases["flat_ka"], ("Rent", "20000.00", "rent"))
    await _invoice(api, owner, leases["small_intra"], ("Rent", "40000.00", "rent"), on="2026-11-01")  # not December
    return leases


async def test_every_table_of_gstr1_from_the_invoices_and_the_ledger(api, owner):
    await _story(api, owner)
    data = await _gstr1(api, owner, **{"from": "2026-12", "to": "2026-12"})
    doc = data["gstr1"]
    assert (doc["gstin"], doc["fp"], data["currency"]) == (SUPPLIER, "122026", "INR")

    # Table 4: the registered tenants, one forward charge, one reverse charge (residential, 5AA).
    by_ctin = {b["ctin"]: b["inv"] for b in doc["b2b"]}
    [fwd] = by_ctin[KA_TENANT]
    assert (fwd["pos"], fwd["rchrg"], fwd["val"]) == ("27", "N", "118000.00")  # the deposit is no supply
    assert fwd["idt"] == "01-12-2026"
    [item] = fwd["itms"]
    assert item["itm_det"] == {
        "rt": 18.0,
        "txval": "100000.00",
        "iamt": "0.00",
        "camt": "9000.00",
        "samt": "9000.00",
        "csamt": "0.00",
    }
    [rcm] = by_ctin[DL_TENANT]
    assert (rcm["rchrg"], rcm["val"]) == ("Y", "60000.00")  # the tenant pays the tax, not the invoice
    assert rcm["itms"][0]["itm_det"]["camt"] == "5400.00"

    # Table 5: inter-State to an unregistered tenant above Rs 1 lakh (invoice value 1,77,000).
    [large] = doc["b2cl"]
    assert large["pos"] == "29"
    [inv] = large["inv"]
    assert inv["val"] == "177000.00"
    assert inv["itms"][0]["itm_det"] == {
        "rt": 18.0,
        "txval": "150000.00",
        "iamt": "27000.00",
        "camt": "0.00",
        "samt": "0.00",
        "csamt": "0.00",
    }

    # Table 7: the small ones, per supply type, place of supply and rate.
    b2cs = {(r["sply_ty"], r["pos"]): r for r in doc["b2cs"]}
    assert set(b2cs) == {("INTER", "29"), ("INTRA", "27")}
    assert (b2cs[("INTER", "29")]["txval"], b2cs[("INTER", "29")]["iamt"]) == ("50000.00", "9000.00")
    intra = b2cs[("INTRA", "27")]
    # Rent 40,000 and its late fee 500: the fee follows the rent (CGST s.15(2)(d), Circular 178/10/2022-GST).
    assert (intra["txval"], intra["camt"], intra["samt"], intra["typ"]) == ("40500.00", "3645.00", "3645.00", "OE")

    # Table 8: residential rent to individuals is exempt, split by inter/intra-State.
    nil = {r["sply_ty"]: r for r in doc["nil"]["inv"]}
    assert set(nil) == {"INTRB2B", "INTRAB2B", "INTRB2C", "INTRAB2C"}
    assert (nil["INTRAB2C"]["expt_amt"], nil["INTRB2C"]["expt_amt"]) == ("30000.00", "20000.00")
    assert all(r["nil_amt"] == r["ngsup_amt"] == "0.00" for r in nil.values())
    assert data["summary"]["outside_return"]["amount"] == "0.00"  # the late fee is part of the rent's supply
    assert data["summary"]["reverse_charge_supplies"]["amount"] == "60000.00"

    # Table 12: SAC 9972, split B2B / B2C; each tab sums its tables.
    b2b_tab = {r["rt"]: r for r in doc["hsn"]["hsn_b2b"]}
    b2c_tab = {r["rt"]: r for r in doc["hsn"]["hsn_b2c"]}
    assert {r["hsn_sc"] for r in doc["hsn"]["hsn_b2b"] + doc["hsn"]["hsn_b2c"]} == {"9972"}
    assert _d(b2b_tab[18.0]["txval"]) == Decimal("160000.00") and b2b_tab[18.0]["camt"] == "14400.00"
    assert _d(b2c_tab[18.0]["txval"]) == Decimal("240500.00") and b2c_tab[18.0]["iamt"] == "36000.00"
    assert (b2c_tab[0.0]["txval"], b2c_tab[0.0]["val"]) == ("50000.00", "50000.00")

    # Against the ledger: the tax the supplier charged in December is what the tables carry.
    tb = await trial_balance(api, owner)
    november_cgst = Decimal("3600.00")  # the November invoice, outside this return
    charged = {"camt": Decimal(0), "samt": Decimal(0), "iamt": Decimal(0)}
    for det in [i["itm_det"] for i in fwd["itms"]] + [i["itm_det"] for i in inv["itms"]] + doc["b2cs"]:
        for k in charged:
            charged[k] += _d(det[k])
    assert charged["camt"] + november_cgst == -_d(tb["tax_payable:CGST"])
    assert charged["samt"] + november_cgst == -_d(tb["tax_payable:SGST"])
    assert charged["iamt"] == -_d(tb["tax_payable:IGST"])
    reported = (
        sum(_d(r["txval"]) for r in doc["hsn"]["hsn_b2b"] + doc["hsn"]["hsn_b2c"])
        + _d(data["summary"]["outside_return"]["amount"])
        + Decimal("40000.00")  # November's rent
    )
    assert reported == -_d(tb["rent_income"]) - _d(tb["late_fee_income"])

    # Each section's CSV carries the same figures.
    params = {"from": "2026-12", "to": "2026-12"}
    rows = await _section_csv(api, owner, "b2cs", **params)
    assert {(r["supply_type"], r["place_of_supply"]): r["taxable_value"] for r in rows} == {
        k: v["txval"] for k, v in b2cs.items()
    }
    rows = await _section_csv(api, owner, "b2cl", **params)
    assert [(r["invoice_value"], r["igst"]) for r in rows] == [("177000.00", "27000.00")]
    rows = await _section_csv(api, owner, "nil", **params)
    assert {r["supply_type"]: r["exempted"] for r in rows} == {k: v["expt_amt"] for k, v in nil.items()}
    rows = await _section_csv(api, owner, "hsn", **params)
    assert sorted((r["tab"], r["rate"], r["taxable_value"]) for r in rows) == sorted(
        [("B2B", format(Decimal(str(r["rt"])).normalize(), "f"), r["txval"]) for r in doc["hsn"]["hsn_b2b"]]
        + [("B2C", format(Decimal(str(r["rt"])).normalize(), "f"), r["txval"]) for r in doc["hsn"]["hsn_b2c"]]
    )
    rows = await _section_csv(api, owner, "b2b", **params)
    assert sorted((r["recipient_gstin"], r["reverse_charge"]) for r in rows) == [(DL_TENANT, "Y"), (KA_TENANT, "N")]


async def test_b2c_large_follows_the_limit_in_force_on_the_invoice_date(api, owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, address=KA, start=__import__("datetime").date(2024, 1, 1))
    # 1,50,000 + IGST = 1,77,000: above Rs 1 lakh (from August 2024), below Rs 2.5 lakh (before).
    await _invoice(api, owner, lease, ("Rent", "150000.00", "rent"), on="2024-07-01")
    await _invoice(api, owner, lease, ("Rent", "150000.00", "rent"), on="2024-08-01")
    july = (await _gstr1(api, owner, **{"from": "2024-07"}))["gstr1"]
    august = (await _gstr1(api, owner, **{"from": "2024-08"}))["gstr1"]
    assert july["b2cl"] == [] and [r["txval"] for r in july["b2cs"]] == ["150000.00"]
    assert august["b2cs"] == [] and august["b2cl"][0]["inv"][0]["val"] == "177000.00"


async def test_gstr1_csv_needs_a_section_and_tenants_and_other_countries_are_refused(api, owner):
    await set_country(api, owner, "IN")
    r = await api.get(REPORT, owner.token, params={"format": "csv"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "section"
    r = await api.get(REPORT, owner.token, params={"section": "b2x"})
    assert r.status_code == 422
    await set_country(api, owner, "CA")
    r = await api.get(REPORT, owner.token)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "organization"
