"""GSTR-1 table 13, documents issued in the period. Pure.

Per nature of document (invoices for outward supply, credit notes, receipt vouchers) and series,
the first and last serial number issued in the months, how many, and how many of them were
cancelled. A series is the number without its running digits (``INV/26-27/`` of
``INV/26-27/000123``): the format of CGST rule 46(b), one series per financial year. Drafts have no
number and are not documents yet; a cancelled invoice keeps its number and counts as cancelled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NATURES = ("invoice", "credit_note", "receipt")
_RUNNING = re.compile(r"^(.*?)(\d+)$")


@dataclass(frozen=True)
class IssuedDocument:
    nature: str  # invoice | credit_note | receipt
    number: str
    cancelled: bool = False


@dataclass(frozen=True)
class DocumentSeries:
    nature: str
    series: str
    first: str
    last: str
    total: int
    cancelled: int


def _split(number: str) -> tuple[str, int]:
    m = _RUNNING.match(number)
    return (m.group(1), int(m.group(2))) if m else (number, 0)


def documents_issued(documents: list[IssuedDocument]) -> list[DocumentSeries]:
    groups: dict[tuple[str, str], list[tuple[int, IssuedDocument]]] = {}
    for d in documents:
        series, seq = _split(d.number)
        groups.setdefault((d.nature, series), []).append((seq, d))
    out = []
    for (nature, series), docs in sorted(groups.items(), key=lambda kv: (NATURES.index(kv[0][0]), kv[0][1])):
        docs.sort(key=lambda x: (x[0], x[1].number))
        out.append(
            DocumentSeries(
                nature, series, docs[0][1].number, docs[-1][1].number, len(docs), sum(1 for _, d in docs if d.cancelled)
            )
        )
    return out
