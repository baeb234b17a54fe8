"""A printable document as data: what it says, in the order it says it. The use cases build one
(the financial ``document_layouts.py``, the compliance ``layouts.py``), a ``DocumentRenderer``
adapter draws it; the drawing decides nothing about content. Shared: every context prints through
the one renderer."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class Party:
    heading: str  # "Supplier", "Recipient", "Landlord", "Tenant"
    name: str
    address: tuple[str, ...] = ()
    details: tuple[str, ...] = ()  # registrations and State: "GSTIN: 27…", "State: Maharashtra (27)"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    widths: tuple[int, ...]  # relative column widths
    numeric: tuple[bool, ...]  # right-aligned columns
    rows: tuple[tuple[str, ...], ...]
    heading: str = ""


@dataclass(frozen=True)
class Document:
    title: str
    number: str
    file_name: str
    facts: tuple[tuple[str, str], ...]  # label, value: dates, place of supply, terms
    parties: tuple[Party, ...]
    tables: tuple[Table, ...]
    totals: tuple[tuple[str, str], ...]  # label, figure; the last one is the grand total
    in_words: str  # the grand total in words
    notes: tuple[str, ...] = ()
    signatory: str = ""  # the supplier: "For <name>" above "Authorised Signatory"


class DocumentRenderer(ABC):
    @abstractmethod
    async def render(self, document: Document) -> bytes:
        """The document as a PDF (drawn off the event loop: rendering takes tens of milliseconds)."""
