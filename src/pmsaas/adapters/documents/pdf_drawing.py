"""Draws a ``Document`` as an A4 PDF with fpdf2: only layout, the content is decided in the domain.

Heavy (fpdf2, fontTools, HarfBuzz): ``renderer.py`` imports this module on the first document, so a
process that never prints never loads it. Text is set in Noto Sans, with Noto Sans Devanagari as the
fallback for Hindi/Marathi names, shaped by HarfBuzz so conjuncts and matras come out right; both
fonts ship in ``fonts/`` (SIL OFL 1.1, docs/documents.md says where they come from).
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF, FontFace

from pmsaas.domain.shared.documents import Document, Party, Table

FONTS = Path(__file__).with_name("fonts")
MARGIN = 15.0
GREY = (90, 90, 90)
HEAD_FILL = (235, 238, 242)


class _Pdf(FPDF):
    def __init__(self, document: Document) -> None:
        super().__init__(format="A4")
        self.document = document
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 5)
        for family, file in (("NotoSans", "NotoSans"), ("NotoDeva", "NotoSansDevanagari")):
            self.add_font(family, "", FONTS / f"{file}-Regular.ttf")
            self.add_font(family, "B", FONTS / f"{file}-Bold.ttf")
        self.set_fallback_fonts(["NotoDeva"], exact_match=False)
        self.set_text_shaping(True)
        self.set_font("NotoSans", size=9)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font("NotoSans", size=7)
        self.set_text_color(*GREY)
        label = f"{self.document.title} {self.document.number}".strip()
        self.cell(0, 5, f"{label} · page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)


def _column(pdf: _Pdf, x: float, width: float, party: Party) -> float:
    """One party as a block at ``x``; returns the y it ends at."""
    pdf.set_x(x)
    pdf.set_font("NotoSans", "B", 7)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(width, 4, party.heading.upper(), new_x="LEFT", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.set_font("NotoSans", "B", 10)
    pdf.multi_cell(width, 5, party.name, new_x="LEFT", new_y="NEXT")
    pdf.set_font("NotoSans", size=9)
    for line in (*party.address, *party.details):
        pdf.multi_cell(width, 4.5, line, new_x="LEFT", new_y="NEXT")
    return pdf.get_y()


def _side_by_side(pdf: _Pdf, parties: tuple[Party, ...]) -> None:
    width = (pdf.epw - 8) / 2
    top = pdf.get_y()
    bottom = top
    for i, party in enumerate(parties):
        if i % 2 == 0 and i:
            top = bottom + 4
        pdf.set_y(top)
        bottom = max(bottom, _column(pdf, pdf.l_margin + (i % 2) * (width + 8), width, party))
    pdf.set_y(bottom + 4)


def _facts(pdf: _Pdf, facts: tuple[tuple[str, str], ...]) -> None:
    with pdf.table(
        col_widths=(30, 60, 30, 60),
        text_align="LEFT",
        first_row_as_headings=False,
        borders_layout="NONE",
        line_height=5,
        padding=(0.5, 1),
    ) as table:
        pairs = list(facts) + ([("", "")] if len(facts) % 2 else [])
        for i in range(0, len(pairs), 2):
            row = table.row()
            for label, value in pairs[i : i + 2]:
                row.cell(label, style=FontFace(emphasis="B", color=GREY))
                row.cell(value)
    pdf.ln(4)


def _table(pdf: _Pdf, t: Table) -> None:
    if t.heading:
        pdf.set_font("NotoSans", "B", 9)
        pdf.cell(0, 6, t.heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("NotoSans", size=8.5)
    aligns = tuple("RIGHT" if n else "LEFT" for n in t.numeric)
    with pdf.table(
        col_widths=t.widths,
        text_align=aligns,
        headings_style=FontFace(emphasis="B", fill_color=HEAD_FILL),
        line_height=5,
        padding=(1, 1.5),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        table.row(t.columns)
        for cells in t.rows:
            table.row(cells)
    pdf.ln(3)


def _totals(pdf: _Pdf, totals: tuple[tuple[str, str], ...]) -> None:
    label_w, figure_w = 60.0, 35.0
    for i, (label, figure) in enumerate(totals):
        last = i == len(totals) - 1
        pdf.set_font("NotoSans", "B" if last else "", 10 if last else 9)
        pdf.set_x(pdf.w - MARGIN - label_w - figure_w)
        pdf.cell(label_w, 6, label, align="R", border="T" if last else 0)
        pdf.cell(figure_w, 6, figure, align="R", border="T" if last else 0, new_x="LMARGIN", new_y="NEXT")


def _words_and_notes(pdf: _Pdf, document: Document) -> None:
    pdf.ln(2)
    pdf.set_font("NotoSans", "B", 9)
    pdf.cell(32, 5, "Amount in words:")
    pdf.set_font("NotoSans", size=9)
    pdf.multi_cell(0, 5, document.in_words, new_x="LMARGIN", new_y="NEXT")
    if document.notes:
        pdf.ln(2)
        pdf.set_font("NotoSans", size=8)
        for note in document.notes:
            pdf.multi_cell(0, 4.5, note, new_x="LMARGIN", new_y="NEXT")


def _signature(pdf: _Pdf, signatory: str) -> None:
    if pdf.get_y() > pdf.h - MARGIN - 45:
        pdf.add_page()
    pdf.ln(8)
    width, x = 75.0, pdf.w - MARGIN - 75.0
    pdf.set_x(x)
    pdf.set_font("NotoSans", "B", 9)
    pdf.multi_cell(width, 5, f"For {signatory}" if signatory else "", align="C", new_x="LEFT", new_y="NEXT")
    pdf.ln(14)
    pdf.set_x(x)
    pdf.set_font("NotoSans", size=9)
    pdf.multi_cell(width, 5, "Authorised Signatory", border="T", align="C", new_x="LMARGIN", new_y="NEXT")


def draw(document: Document) -> bytes:
    pdf = _Pdf(document)
    pdf.set_title(f"{document.title} {document.number}".strip())
    pdf.set_author(document.signatory)
    pdf.set_creator("pmsaas")
    pdf.add_page()
    pdf.set_font("NotoSans", "B", 16)
    pdf.cell(0, 9, document.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _side_by_side(pdf, document.parties)
    _facts(pdf, document.facts)
    for table in document.tables:
        _table(pdf, table)
    _totals(pdf, document.totals)
    _words_and_notes(pdf, document)
    _signature(pdf, document.signatory)
    return bytes(pdf.output())
