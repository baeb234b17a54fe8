"""The GST and HST calculators through HTTP: docs/tax-rules.md §7 examples, roles, bad input."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

GST = "/api/v1/financial/gst-calculator"
HST = "/api/v1/financial/hst-calculator"


def _lines(body):
    return [(x["tax"], x["rate"], x["amount"], x["payable_by"]) for x in body["lines"]]


@pytest.mark.parametrize(
    ("example", "body", "category", "lines", "total_tax", "total"),
    [
        (
            "IN-01",
            {
                "amount": "100000.00",
                "supply_type": "commercial_rent",
                "supplier_state": "27",
                "property_state": "MH",
                "recipient_registered": True,
                "supply_date": "2025-11-01",
            },
            "intrastate",
            [("CGST", 9.0, "9000.00", "supplier"), ("SGST", 9.0, "9000.00", "supplier")],
            "18000.00",
            "118000.00",
        ),
        (
            "IN-02",
            {
                "amount": "100000.00",
                "supply_type": "commercial_rent",
                "supplier_state": "MH",
                "property_state": "MH",
                "recipient_gstin": "29AAGCB7383J1Z4",
                "supply_date": "2025-11-01",
            },
            "intrastate",
            [("CGST", 9.0, "9000.00", "supplier"), ("SGST", 9.0, "9000.00", "supplier")],
            "18000.00",
            "118000.00",
        ),
        (
            "IN-05",
            {"amount": "35000.00", "supply_type": "residential_rent", "supply_date": "2025-11-01"},
            "exempt",
            [],
            "0.00",
            "35000.00",
        ),
        (
            "IN-06",
            {
                "amount": "60000.00",
                "supply_type": "residential_rent",
                "supplier_state": "MH",
                "property_state": "MH",
                "recipient_registered": True,
                "supply_date": "2025-06-01",
            },
            "reverse_charge",
            [("CGST", 9.0, "5400.00", "recipient"), ("SGST", 9.0, "5400.00", "recipient")],
            "0.00",
            "60000.00",
        ),
        (
            "IN-09",
            {
                "amount": "80000.00",
                "supply_type": "commercial_rent",
                "supplier_state": "KA",
                "property_state": "KA",
                "supplier_registered": False,
                "recipient_registered": True,
                "supply_date": "2025-01-05",
            },
            "reverse_charge",
            [("CGST", 9.0, "7200.00", "recipient"), ("SGST", 9.0, "7200.00", "recipient")],
            "0.00",
            "80000.00",
        ),
        (
            "IN-12",
            {"amount": "7500.00", "supply_type": "society_maintenance", "supplier_state": "MH", "property_state": "MH"},
            "exempt",
            [],
            "0.00",
            "7500.00",
        ),
        (
            "IN-13",
            {
                "amount": "7501.00",
                "supply_type": "society_maintenance",
                "supplier_state": "MH",
                "property_state": "MH",
                "supply_date": "2025-11-01",
            },
            "intrastate",
            [("CGST", 9.0, "675.09", "supplier"), ("SGST", 9.0, "675.09", "supplier")],
            "1350.18",
            "8851.18",
        ),
        (
            "IN-15",
            {
                "amount": "9000.00",
                "supply_type": "society_maintenance",
                "supplier_state": "MH",
                "property_state": "MH",
                "supplier_registered": False,
                "supplier_turnover_above_threshold": False,
            },
            "not_applicable",
            [],
            "0.00",
            "9000.00",
        ),
        (
            "IN-17",
            {
                "amount": "10000.00",
                "supply_type": "repair_service",
                "supplier_state": "MH",
                "property_state": "MH",
                "supply_date": "2025-11-01",
            },
            "intrastate",
            [("CGST", 9.0, "900.00", "supplier"), ("SGST", 9.0, "900.00", "supplier")],
            "1800.00",
            "11800.00",
        ),
    ],
)
async def test_gst_calculator_reproduces_tax_rules_examples(
    api, owner, example, body, category, lines, total_tax, total
):
    r = await api.post(GST, owner.token, json={"currency": "INR", **body})
    assert r.status_code == 200, (example, r.text)
    data = r.json()["data"]
    assert data["gst_category"] == category, example
    assert _lines(data) == lines, example
    assert data["total_tax"] == total_tax and data["total"] == total, example
    assert data["currency"] == "INR"


async def test_gst_calculator_rates_are_numbers_and_interstate_is_igst(api, owner):
    r = await api.post(
        GST,
        owner.token,
        json={
            "amount": "1000",
            "currency": "INR",
            "supply_type": "property_management_fee",
            "supplier_state": "KA",
            "property_state": "MH",
            "supply_date": "2025-11-01",
        },
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["gst_category"] == "interstate"
    assert (data["gst_rate"], data["cgst_rate"], data["sgst_rate"], data["igst_rate"]) == (18.0, 0.0, 0.0, 18.0)
    assert _lines(data) == [("IGST", 18.0, "180.00", "supplier")]
    assert data["amount"] == "1000.00" and data["total"] == "1180.00"


async def test_gst_calculator_union_territory_is_utgst(api, owner):
    r = await api.post(
        GST,
        owner.token,
        json={
            "amount": "50000.00",
            "currency": "INR",
            "supply_type": "commercial_rent",
            "supplier_gstin": "04AABTC3456N1ZN",
            "property_state": "04",
            "supply_date": "2025-11-01",
        },
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["utgst_rate"] == 9.0 and data["sgst_rate"] == 0.0
    assert [x["tax"] for x in data["lines"]] == ["CGST", "UTGST"]


@pytest.mark.parametrize(
    ("example", "body", "rates", "lines", "total"),
    [
        (
            "CA-01",
            {"amount": "10000.00", "supply_type": "commercial_rent", "province": "ON", "due_date": "2025-11-01"},
            (0.0, 13.0, 0.0, 0.0),
            [("HST", 13.0, "1300.00", "supplier")],
            "11300.00",
        ),
        (
            "CA-02",
            {"amount": "2000.00", "supply_type": "residential_rent", "province": "ON", "due_date": "2025-11-01"},
            (0.0, 0.0, 0.0, 0.0),
            [],
            "2000.00",
        ),
        (
            "CA-04",
            {"amount": "10000.00", "supply_type": "commercial_rent", "province": "NS", "due_date": "2025-03-01"},
            (0.0, 15.0, 0.0, 0.0),
            [("HST", 15.0, "1500.00", "supplier")],
            "11500.00",
        ),
        (
            "CA-05",
            {"amount": "10000.00", "supply_type": "commercial_rent", "province": "NS", "due_date": "2025-04-01"},
            (0.0, 14.0, 0.0, 0.0),
            [("HST", 14.0, "1400.00", "supplier")],
            "11400.00",
        ),
        (
            "CA-06 (April rent prepaid in March)",
            {
                "amount": "10000.00",
                "supply_type": "commercial_rent",
                "province": "NS",
                "due_date": "2025-04-01",
                "paid_date": "2025-03-25",
            },
            (0.0, 15.0, 0.0, 0.0),
            [("HST", 15.0, "1500.00", "supplier")],
            "11500.00",
        ),
        (
            "CA-09",
            {"amount": "10000.00", "supply_type": "commercial_rent", "province": "BC", "due_date": "2025-11-01"},
            (5.0, 0.0, 0.0, 0.0),
            [("GST", 5.0, "500.00", "supplier")],
            "10500.00",
        ),
        (
            "CA-13",
            {"amount": "10000.00", "supply_type": "commercial_rent", "province": "QC", "due_date": "2025-11-01"},
            (5.0, 0.0, 0.0, 9.975),
            [("GST", 5.0, "500.00", "supplier"), ("QST", 9.975, "997.50", "supplier")],
            "11497.50",
        ),
        (
            "CA-18",
            {"amount": "650.00", "supply_type": "society_maintenance", "province": "ON", "due_date": "2025-11-01"},
            (0.0, 0.0, 0.0, 0.0),
            [],
            "650.00",
        ),
    ],
)
async def test_hst_calculator_reproduces_tax_rules_examples(api, owner, example, body, rates, lines, total):
    r = await api.post(HST, owner.token, json={"currency": "CAD", **body})
    assert r.status_code == 200, (example, r.text)
    data = r.json()["data"]
    assert (data["gst_rate"], data["hst_rate"], data["pst_rate"], data["qst_rate"]) == rates, example
    assert _lines(data) == lines, example
    assert data["total"] == total, example


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (GST, {"amount": "100.00", "currency": "CAD", "supply_type": "commercial_rent"}, "currency"),
        (GST, {"amount": 100.5, "currency": "INR", "supply_type": "commercial_rent"}, "amount"),
        (GST, {"amount": "-5.00", "currency": "INR", "supply_type": "repair_service"}, "amount"),
        (GST, {"amount": "1.001", "currency": "INR", "supply_type": "repair_service"}, "amount"),
        (GST, {"amount": "abc", "currency": "INR", "supply_type": "repair_service"}, "amount"),
        (GST, {"amount": "1.00", "currency": "INR", "supply_type": "castle"}, "supply_type"),
        (GST, {"amount": "1.00", "currency": "INR", "supply_type": "repair_service", "units": 0}, "units"),
        (GST, {"amount": "1.00", "supply_type": "repair_service", "surprise": 1}, "surprise"),
        (GST, {"currency": "INR", "supply_type": "repair_service"}, "amount"),
        (
            GST,
            {"amount": "1.00", "supply_type": "repair_service", "supplier_state": "ZZ", "property_state": "MH"},
            "supplier_state",
        ),
        (
            GST,
            {"amount": "1.00", "supply_type": "repair_service", "supplier_gstin": "27AABCP1234Q1Z8"},
            "supplier_gstin",
        ),
        (GST, {"amount": "1.00", "supply_type": "repair_service", "supply_date": "2025-13-01"}, "supply_date"),
        (HST, {"amount": "1.00", "currency": "INR", "supply_type": "commercial_rent", "province": "ON"}, "currency"),
        (HST, {"amount": "1.00", "supply_type": "commercial_rent", "province": "Atlantis"}, "province"),
        (HST, {"amount": "1.00", "supply_type": "commercial_rent"}, "province"),
        (HST, {"amount": "1.00", "supply_type": "commercial_rent", "province": "ON", "nights": -2}, "nights"),
    ],
)
async def test_bad_calculator_input_is_422_with_the_field(api, owner, url, body, field):
    r = await api.post(url, owner.token, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "VALIDATION_ERROR"
    assert field in [d["field"] for d in r.json()["error"]["details"]], r.text


async def test_gst_interstate_supply_without_a_supplier_state_names_the_field(api, owner):
    r = await api.post(
        GST, owner.token, json={"amount": "100.00", "supply_type": "commercial_rent", "property_state": "MH"}
    )
    assert r.status_code == 422
    assert [d["field"] for d in r.json()["error"]["details"]] == ["supplier_state"]


async def test_malformed_json_is_400(api, owner):
    r = await api.post(GST, owner.token, content=b'{"amount": ', headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "BAD_REQUEST"


async def test_calculators_need_financial_read(api, owner):
    _, tenant = await owner.add_user("Tenant")
    _, staff = await owner.add_user("MaintenanceStaff")
    body = {"amount": "100.00", "supply_type": "commercial_rent", "province": "ON", "due_date": "2025-11-01"}
    assert (await api.post(HST, tenant, json=body)).status_code == 200
    r = await api.post(HST, staff, json=body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"
    assert (await api.post(HST, None, json=body)).status_code == 401
