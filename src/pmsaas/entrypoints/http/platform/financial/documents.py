"""The financial documents as PDFs: an invoice (tax invoice or bill of supply in India), a payment's
receipt, a deposit's move-out settlement statement. Each is read like its JSON counterpart (same
permission, another organization's id 404, a tenant only its own) and downloads under its own number.
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, get
from litestar.params import FromPath

from pmsaas.domain.financial import printing
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context

PDF = "application/pdf"


def _download(document: printing.PrintedDocument) -> Response[bytes]:
    return Response(
        document.content,
        media_type=PDF,
        headers={"Content-Disposition": f'attachment; filename="{document.file_name}"'},
    )


class FinancialDocumentController(Controller):
    path = "/api/v1"
    tags = ["Financial: documents"]

    @get(
        "/financial/invoices/{invoice_id:uuid}/pdf",
        guards=[requires("financial:read")],
        opt=READS_ONLY,
        media_type=PDF,
        summary="The invoice as a PDF (tax invoice or bill of supply in India)",
    )
    async def invoice_pdf(self, ctx: Context, invoice_id: FromPath[UUID]) -> Response[bytes]:
        return _download(
            await printing.print_invoice(
                uow=ctx.uow(), actor=ctx.actor, invoice_id=invoice_id, renderer=ctx.document_renderer
            )
        )

    @get(
        "/financial/payments/{payment_id:uuid}/receipt.pdf",
        guards=[requires("payment:read")],
        opt=READS_ONLY,
        media_type=PDF,
        summary="The receipt of a settled payment as a PDF",
    )
    async def receipt_pdf(self, ctx: Context, payment_id: FromPath[UUID]) -> Response[bytes]:
        return _download(
            await printing.print_receipt(
                uow=ctx.uow(), actor=ctx.actor, payment_id=payment_id, renderer=ctx.document_renderer
            )
        )

    @get(
        "/leases/{lease_id:uuid}/deposit/settlement.pdf",
        guards=[requires("financial:read")],
        opt=READS_ONLY,
        media_type=PDF,
        summary="The move-out settlement statement of a lease's deposit as a PDF",
    )
    async def settlement_pdf(self, ctx: Context, lease_id: FromPath[UUID]) -> Response[bytes]:
        return _download(
            await printing.print_settlement(
                uow=ctx.uow(), actor=ctx.actor, lease_id=lease_id, renderer=ctx.document_renderer
            )
        )
