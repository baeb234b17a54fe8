"""Printing the compliance documents through the renderer the invoices use: the layout decides the
content (``layouts.py``), the renderer draws it."""

from __future__ import annotations

from dataclasses import dataclass

from pmsaas.domain.compliance import layouts
from pmsaas.domain.compliance.ltb import N1Notice, N4Notice
from pmsaas.domain.compliance.provincial_reports import ProvincialReport
from pmsaas.domain.compliance.society_filing import SocietyFiling
from pmsaas.domain.compliance.status_certificate import StatusCertificate
from pmsaas.domain.shared.documents import Document, DocumentRenderer


@dataclass(frozen=True)
class PrintedDocument:
    file_name: str
    content: bytes  # application/pdf


def document_of(record: N4Notice | N1Notice | StatusCertificate | SocietyFiling | ProvincialReport) -> Document:
    if isinstance(record, N4Notice):
        return layouts.n4_document(record)
    if isinstance(record, N1Notice):
        return layouts.n1_document(record)
    if isinstance(record, StatusCertificate):
        return layouts.status_certificate_document(record)
    if isinstance(record, ProvincialReport):
        return layouts.provincial_report_document(record)
    return layouts.society_filing_document(record)


async def print_document(
    record: N4Notice | N1Notice | StatusCertificate | SocietyFiling | ProvincialReport, renderer: DocumentRenderer
) -> PrintedDocument:
    document = document_of(record)
    return PrintedDocument(document.file_name, await renderer.render(document))
