"""The ``DocumentRenderer`` the container wires: PDFs drawn by ``pdf_drawing`` in a worker thread.

``pdf_drawing`` (fpdf2, fontTools, HarfBuzz: tens of megabytes once loaded) is imported on the first
document, not when the application starts: most processes never print.
"""

from __future__ import annotations

import asyncio
import importlib

from pmsaas.domain.financial.ports import DocumentRenderer
from pmsaas.domain.shared.documents import Document


class FpdfDocumentRenderer(DocumentRenderer):
    async def render(self, document: Document) -> bytes:
        # Drawing is CPU work of tens of milliseconds: off the event loop, so other requests go on.
        return await asyncio.to_thread(self.draw, document)

    @staticmethod
    def draw(document: Document) -> bytes:
        drawing = importlib.import_module("pmsaas.adapters.documents.pdf_drawing")
        pdf: bytes = drawing.draw(document)
        return pdf
