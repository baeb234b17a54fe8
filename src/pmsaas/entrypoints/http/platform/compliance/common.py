"""What the compliance endpoints share: answering with a PDF when the request asks for one."""

from __future__ import annotations

from typing import Any

from litestar import Response

from pmsaas.domain.compliance import printing
from pmsaas.domain.compliance.ltb import N1Notice, N4Notice
from pmsaas.domain.compliance.provincial_reports import ProvincialReport
from pmsaas.domain.compliance.society_filing import SocietyFiling
from pmsaas.domain.compliance.status_certificate import StatusCertificate
from pmsaas.domain.shared.documents import DocumentRenderer
from pmsaas.entrypoints.http.envelope import ok

PDF = "application/pdf"


def wants_pdf(accept: str | None) -> bool:
    return PDF in (accept or "").lower()


async def answer(
    record: N4Notice | N1Notice | StatusCertificate | SocietyFiling | ProvincialReport,
    data: Any,
    *,
    accept: str | None,
    renderer: DocumentRenderer,
) -> Response[Any]:
    """The figures in the envelope, or (``Accept: application/pdf``) the same figures printed."""
    if not wants_pdf(accept):
        return Response(ok(data))
    printed = await printing.print_document(record, renderer)
    return Response(
        printed.content,
        media_type=PDF,
        headers={"Content-Disposition": f'attachment; filename="{printed.file_name}"'},
    )
