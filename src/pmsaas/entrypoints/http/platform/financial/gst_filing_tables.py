"""GSTR-1 on the wire: the GSTN offline tool's JSON shape (keys ``gstin``, ``fp``, ``b2b[].ctin``,
``inv[].inum/idt/val/pos/rchrg/itms[].itm_det``, ``b2cl``, ``b2cs``, ``nil.inv[]``, ``hsn``) and one
flat table per section for CSV; ``at`` / ``txpd`` are table 11A / 11B (advances). Amounts are
decimal strings (the product's money rule; the tool's file has numbers), rates numbers, invoice
dates ``DD-MM-YYYY`` as the tool writes them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pmsaas.domain.financial.gst_filings import Gstr1Return, Gstr3bReturn
from pmsaas.domain.financial.gstr1 import B2bRow
from pmsaas.domain.financial.gstr1_advances import AdvanceRow, Key
from pmsaas.domain.financial.gstr1_tables import NoteRow, TaxSums
from pmsaas.domain.financial.gstr3b import HeadSums
from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.http.platform.financial.report_tables import Row, b2b_row

TAX_KEYS = (("iamt", "igst"), ("camt", "cgst"), ("samt", "sgst"), ("csamt", "cess"))
SECTIONS = ("b2b", "b2cl", "b2cs", "cdnr", "cdnur", "nil", "hsn", "doc_issue", "at", "txpd")


def _amount(minor: int, currency: str) -> str:
    return str(Money.from_minor(minor, currency))


def _rate(rate: Decimal) -> float:
    return float(rate)


def _sums(s: TaxSums, currency: str) -> dict[str, str]:
    minor = {"iamt": s.igst_minor, "camt": s.cgst_minor, "samt": s.sgst_minor, "csamt": s.cess_minor}
    return {"txval": _amount(s.taxable_minor, currency), **{k: _amount(v, currency) for k, v in minor.items()}}


def _b2b(rows: list[B2bRow], currency: str) -> list[dict[str, Any]]:
    by_ctin: dict[str, dict[str, dict[str, Any]]] = {}
    for r in rows:
        invoices = by_ctin.setdefault(r.recipient_gstin, {})
        inv = invoices.setdefault(
            r.invoice_number,
            {
                "inum": r.invoice_number,
                "idt": r.invoice_date.strftime("%d-%m-%Y"),
                "val": _amount(r.invoice_value_minor, currency),
                "pos": r.place_of_supply,
                "rchrg": "Y" if r.reverse_charge else "N",
                "inv_typ": "R",
                "itms": [],
            },
        )
        det = {"rt": _rate(r.rate), "txval": _amount(r.taxable_value_minor, currency)}
        det |= {key: _amount(r.tax_minor.get(head.upper(), 0), currency) for key, head in TAX_KEYS}
        inv["itms"].append({"num": len(inv["itms"]) + 1, "itm_det": det})
    return [{"ctin": ctin, "inv": list(invs.values())} for ctin, invs in sorted(by_ctin.items())]


def _note(n: NoteRow, c: str) -> dict[str, Any]:
    """A credit note as table 9B's ``nt[]`` entry (the original invoice is not asked since 2020)."""
    itms = [
        {"num": i + 1, "itm_det": {"rt": _rate(rate), **_sums(s, c)}}
        for i, (rate, s) in enumerate(sorted(n.by_rate.items()))
    ]
    return {
        "ntty": "C",
        "nt_num": n.note_number,
        "nt_dt": n.note_date.strftime("%d-%m-%Y"),
        "val": _amount(n.note_value_minor, c),
        "pos": n.place_of_supply,
        "itms": itms,
    }


def _cdnr(rows: list[NoteRow], c: str) -> list[dict[str, Any]]:
    by_ctin: dict[str, list[dict[str, Any]]] = {}
    for n in rows:
        by_ctin.setdefault(n.recipient_gstin, []).append(
            _note(n, c) | {"rchrg": "Y" if n.reverse_charge else "N", "inv_typ": "R"}
        )
    return [{"ctin": ctin, "nt": nts} for ctin, nts in sorted(by_ctin.items())]


def document(ret: Gstr1Return) -> dict[str, Any]:
    """The return in the offline tool's shape (sections with nothing to report are empty lists)."""
    c, t = ret.currency, ret.tables
    b2cl: dict[str, list[dict[str, Any]]] = {}
    for inv in t.b2cl:
        itms = [
            {"num": i + 1, "itm_det": {"rt": _rate(rate), **_sums(s, c)}}
            for i, (rate, s) in enumerate(sorted(inv.by_rate.items()))
        ]
        b2cl.setdefault(inv.place_of_supply, []).append(
            {
                "inum": inv.invoice_number,
                "idt": inv.invoice_date.strftime("%d-%m-%Y"),
                "val": _amount(inv.invoice_value_minor, c),
                "itms": itms,
            }
        )
    b2cs = [
        {"sply_ty": kind, "pos": pos, "typ": "OE", "rt": _rate(rate), **_sums(s, c)}
        for (kind, pos, rate), s in sorted(t.b2cs.items())
    ]
    nil = [
        {
            "sply_ty": n.kind,
            "nil_amt": _amount(n.nil_minor, c),
            "expt_amt": _amount(n.exempt_minor, c),
            "ngsup_amt": _amount(n.non_gst_minor, c),
        }
        for n in t.nil.values()
    ]
    hsn: dict[str, list[dict[str, Any]]] = {"hsn_b2b": [], "hsn_b2c": []}
    for (tab, sac, rate), s in sorted(t.hsn.items()):
        rows = hsn[f"hsn_{tab.lower()}"]
        value = _amount(t.hsn_value_minor[(tab, sac, rate)], c)
        row = {"num": len(rows) + 1, "hsn_sc": sac, "uqc": "NA", "qty": 0, "rt": _rate(rate), "val": value}
        rows.append(row | _sums(s, c))
    return {
        "gstin": ret.gstin,
        "fp": ret.fp,
        "b2b": _b2b(ret.b2b, c),
        "b2cl": [{"pos": pos, "inv": invs} for pos, invs in sorted(b2cl.items())],
        "b2cs": b2cs,
        "cdnr": _cdnr(t.cdnr, c),
        "cdnur": [{"typ": "B2CL", **_note(n, c)} for n in t.cdnur],
        "nil": {"inv": nil},
        "hsn": hsn,
        "doc_issue": doc_issue(ret),
        "at": _advances(ret.advances.received, c),
        "txpd": _advances(ret.advances.adjusted, c),
    }


def _advances(table: dict[Key, AdvanceRow], c: str) -> list[dict[str, Any]]:
    """Table 11A (``at``) or 11B (``txpd``): per place of supply and supply type, one item per rate;
    ``ad_amt`` is the advance's value before tax (the tool computes the tax on it)."""
    by_place: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for (kind, pos, rate), row in sorted(table.items()):
        s = row.sums
        item = {"rt": _rate(rate), "ad_amt": _amount(s.taxable_minor, c)}
        item |= {"iamt": _amount(s.igst_minor, c), "camt": _amount(s.cgst_minor, c)}
        item |= {"samt": _amount(s.sgst_minor, c), "csamt": _amount(s.cess_minor, c)}
        by_place.setdefault((pos, kind), []).append(item)
    return [{"pos": pos, "sply_ty": kind, "itms": items} for (pos, kind), items in sorted(by_place.items())]


def _tax_cells(s: TaxSums, c: str) -> Row:
    figures = (s.taxable_minor, s.igst_minor, s.cgst_minor, s.sgst_minor, s.cess_minor)
    return [(name, Money.from_minor(minor, c)) for name, minor in zip(_TAX_HEAD, figures, strict=True)]


def flat(ret: Gstr1Return, section: str) -> list[Row]:
    """One section as rows, for CSV (the same figures as ``document``)."""
    c, t, t_adv = ret.currency, ret.tables, ret.advances
    if section == "b2b":
        return [b2b_row(r, c) for r in ret.b2b]
    if section == "b2cl":
        return [
            [
                ("place_of_supply", inv.place_of_supply),
                ("invoice_number", inv.invoice_number),
                ("invoice_date", inv.invoice_date),
                ("invoice_value", Money.from_minor(inv.invoice_value_minor, c)),
                ("rate", rate),
                *_tax_cells(s, c),
            ]
            for inv in t.b2cl
            for rate, s in sorted(inv.by_rate.items())
        ]
    if section == "b2cs":
        return [
            [("supply_type", kind), ("place_of_supply", pos), ("rate", rate), *_tax_cells(s, c)]
            for (kind, pos, rate), s in sorted(t.b2cs.items())
        ]
    if section in ("cdnr", "cdnur"):
        return [
            [
                ("recipient_gstin", n.recipient_gstin),
                ("recipient_name", n.recipient_name),
                ("note_number", n.note_number),
                ("note_date", n.note_date),
                ("invoice_number", n.invoice_number),
                ("invoice_date", n.invoice_date),
                ("place_of_supply", n.place_of_supply),
                ("reverse_charge", "Y" if n.reverse_charge else "N"),
                ("note_value", Money.from_minor(n.note_value_minor, c)),
                ("rate", rate),
                *_tax_cells(s, c),
            ]
            for n in (t.cdnr if section == "cdnr" else t.cdnur)
            for rate, s in sorted(n.by_rate.items())
        ]
    if section == "doc_issue":
        return [
            [
                ("document", d.nature),
                ("series", d.series),
                ("from", d.first),
                ("to", d.last),
                ("total", d.total),
                ("cancelled", d.cancelled),
                ("net_issued", d.total - d.cancelled),
            ]
            for d in ret.documents
        ]
    if section in ("at", "txpd"):
        table = t_adv.received if section == "at" else t_adv.adjusted
        return [
            [
                ("supply_type", kind),
                ("place_of_supply", pos),
                ("rate", rate),
                ("advance", Money.from_minor(row.advance_minor, c)),
                *_tax_cells(row.sums, c),
            ]
            for (kind, pos, rate), row in sorted(table.items())
        ]
    if section == "nil":
        return [
            [
                ("supply_type", n.kind),
                ("nil_rated", Money.from_minor(n.nil_minor, c)),
                ("exempted", Money.from_minor(n.exempt_minor, c)),
                ("non_gst", Money.from_minor(n.non_gst_minor, c)),
            ]
            for n in t.nil.values()
        ]
    return [
        [
            ("tab", tab),
            ("hsn_sac", sac),
            ("rate", rate),
            ("total_value", Money.from_minor(t.hsn_value_minor[(tab, sac, rate)], c)),
            *_tax_cells(s, c),
        ]
        for (tab, sac, rate), s in sorted(t.hsn.items())
    ]


_TAX_HEAD = ["taxable_value", "igst", "cgst", "sgst", "cess"]
_NOTE_HEAD = [
    "recipient_gstin",
    "recipient_name",
    "note_number",
    "note_date",
    "invoice_number",
    "invoice_date",
    "place_of_supply",
    "reverse_charge",
    "note_value",
    "rate",
    *_TAX_HEAD,
]
HEADERS = {
    "b2cl": ["place_of_supply", "invoice_number", "invoice_date", "invoice_value", "rate", *_TAX_HEAD],
    "b2cs": ["supply_type", "place_of_supply", "rate", *_TAX_HEAD],
    "cdnr": _NOTE_HEAD,
    "cdnur": _NOTE_HEAD,
    "doc_issue": ["document", "series", "from", "to", "total", "cancelled", "net_issued"],
    "nil": ["supply_type", "nil_rated", "exempted", "non_gst"],
    "hsn": ["tab", "hsn_sac", "rate", "total_value", *_TAX_HEAD],
    "at": ["supply_type", "place_of_supply", "rate", "advance", *_TAX_HEAD],
    "txpd": ["supply_type", "place_of_supply", "rate", "advance", *_TAX_HEAD],
}


# Table 13's document natures, as the offline tool numbers them (doc_num).
_DOC_NUM = {
    "invoice": (1, "Invoices for outward supply"),
    "receipt": (6, "Receipt voucher"),
    "credit_note": (5, "Credit Note"),
}


def doc_issue(ret: Gstr1Return) -> dict[str, Any]:
    """Table 13: per nature of document and series, the first and last number, total and cancelled."""
    by_nature: dict[str, list[dict[str, Any]]] = {}
    for d in ret.documents:
        by_nature.setdefault(d.nature, []).append(
            {
                "num": len(by_nature.get(d.nature, [])) + 1,
                "from": d.first,
                "to": d.last,
                "totnum": d.total,
                "cancel": d.cancelled,
                "net_issue": d.total - d.cancelled,
            }
        )
    return {
        "doc_det": [
            {"doc_num": _DOC_NUM[nature][0], "doc_typ": _DOC_NUM[nature][1], "docs": docs}
            for nature, docs in sorted(by_nature.items(), key=lambda kv: _DOC_NUM[kv[0]][0])
        ]
    }


def _heads(h: HeadSums, c: str) -> dict[str, str]:
    minor = {"iamt": h.igst_minor, "camt": h.cgst_minor, "samt": h.sgst_minor, "csamt": h.cess_minor}
    return {k: _amount(v, c) for k, v in minor.items()}


def gstr3b_document(ret: Gstr3bReturn) -> dict[str, Any]:
    """Tables 3.1 and 4 in the shape of the GSTR-3B JSON (``sup_details``, ``itc_elg``)."""
    c, f = ret.currency, ret.figures
    zero = HeadSums()
    return {
        "gstin": ret.gstin,
        "ret_period": ret.ret_period,
        "sup_details": {
            "osup_det": _sums(f.outward_taxable, c),
            "osup_zero": {"txval": _amount(0, c), "iamt": _amount(0, c), "csamt": _amount(0, c)},
            "osup_nil_exmp": {"txval": _amount(f.nil_exempt_minor, c)},
            "isup_rev": _sums(f.inward_reverse_charge, c),
            "osup_nongst": {"txval": _amount(f.non_gst_minor, c)},
        },
        "itc_elg": {
            "itc_avl": [
                {"ty": "IMPG", **_heads(zero, c)},
                {"ty": "IMPS", **_heads(zero, c)},
                {"ty": "ISRC", **_heads(f.itc_reverse_charge, c)},
                {"ty": "ISD", **_heads(zero, c)},
                {"ty": "OTH", **_heads(f.itc_other, c)},
            ],
            "itc_rev": [{"ty": "RUL", **_heads(f.itc_reversed, c)}, {"ty": "OTH", **_heads(zero, c)}],
            "itc_net": _heads(f.itc_net, c),
            "itc_inelg": [{"ty": "RUL", **_heads(zero, c)}, {"ty": "OTH", **_heads(zero, c)}],
        },
    }


GSTR3B_HEADER = ["table", "description", "taxable_value", "igst", "cgst", "sgst", "cess"]


def gstr3b_rows(ret: Gstr3bReturn) -> list[Row]:
    """One row per figure of tables 3.1 and 4, for CSV (the same figures as ``gstr3b_document``)."""
    c, f = ret.currency, ret.figures
    m = Money.from_minor

    def heads(h: HeadSums) -> Row:
        return [
            ("igst", m(h.igst_minor, c)),
            ("cgst", m(h.cgst_minor, c)),
            ("sgst", m(h.sgst_minor, c)),
            ("cess", m(h.cess_minor, c)),
        ]

    def sums(s: TaxSums) -> Row:
        h = HeadSums(s.igst_minor, s.cgst_minor, s.sgst_minor, s.cess_minor)
        return [("taxable_value", m(s.taxable_minor, c)), *heads(h)]

    def row(table: str, what: str, value: int | None, h: HeadSums) -> Row:
        base = None if value is None else m(value, c)
        return [("table", table), ("description", what), ("taxable_value", base), *heads(h)]

    nothing = HeadSums()
    return [
        [("table", "3.1(a)"), ("description", "outward taxable supplies"), *sums(f.outward_taxable)],
        row("3.1(c)", "nil rated and exempted", f.nil_exempt_minor, nothing),
        [("table", "3.1(d)"), ("description", "inward supplies on reverse charge"), *sums(f.inward_reverse_charge)],
        row("3.1(e)", "non-GST outward supplies", f.non_gst_minor, nothing),
        row("4(A)(3)", "ITC: inward supplies on reverse charge", None, f.itc_reverse_charge),
        row("4(A)(5)", "ITC: all other", None, f.itc_other),
        row("4(B)(1)", "ITC reversed: blocked credits", None, f.itc_reversed),
        row("4(C)", "net ITC available", None, f.itc_net),
    ]
