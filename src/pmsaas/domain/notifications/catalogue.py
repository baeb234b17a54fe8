"""The product's own messages, per event and locale, for when an organization has not written a
template of its own: rent reminders, password resets, invoices and receipts.

Looked up by (event, locale) with a fallback: the exact locale (``hi-IN``), then any entry of its
language (``en-GB`` → ``en``), then English. Placeholders are the templates' ``{{name}}``; links are
built by the caller from the configured public base URL, never from a request's Host header."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pmsaas.domain.notifications import rendering

RENT_REMINDER = "rent.reminder"
RENT_OVERDUE = "rent.overdue"
PASSWORD_RESET = "password.reset"
INVOICE_SENT = "invoice.sent"
RECEIPT = "payment.receipt"
FALLBACK_LOCALE = "en"


@dataclass(frozen=True)
class CatalogueEntry:
    subject: str
    body: str  # e-mail body; the first paragraph doubles as the SMS text
    sms: str | None = None


_RENT_EN = CatalogueEntry(
    subject="Rent of {{amount}} due on {{due_date}}",
    body="Dear {{name}},\n\nYour rent of {{amount}} for {{property}} is due on {{due_date}}.\n"
    "Pay or view the invoice: {{link}}\n",
    sms="Rent of {{amount}} for {{property}} is due on {{due_date}}. Pay: {{link}}",
)

ENTRIES: dict[tuple[str, str], CatalogueEntry] = {
    (RENT_REMINDER, "en"): _RENT_EN,
    # Indian English: the amount is already formatted by the caller (₹1,23,456.00, lakh grouping).
    (RENT_REMINDER, "en-IN"): CatalogueEntry(
        subject="Rent reminder: {{amount}} due on {{due_date}}",
        body="Dear {{name}},\n\nThis is a reminder that your rent of {{amount}} for {{property}} is due on "
        "{{due_date}}. Kindly pay on or before the due date to avoid a late fee.\nPay or view the invoice: "
        "{{link}}\n",
        sms="Rent of {{amount}} for {{property}} is due on {{due_date}}. Pay: {{link}}",
    ),
    (RENT_REMINDER, "en-CA"): CatalogueEntry(
        subject="Rent reminder: {{amount}} due {{due_date}}",
        body="Hello {{name}},\n\nA reminder that your rent of {{amount}} for {{property}} is due on "
        "{{due_date}}.\nPay or view your invoice: {{link}}\n",
        sms="Rent of {{amount}} for {{property}} is due {{due_date}}. Pay: {{link}}",
    ),
    (RENT_REMINDER, "en-US"): CatalogueEntry(
        subject="Your rent of {{amount}} is due {{due_date}}",
        body="Hi {{name}},\n\nYour rent of {{amount}} for {{property}} is due on {{due_date}}.\n"
        "Pay or view your invoice: {{link}}\n",
        sms="Rent of {{amount}} for {{property}} is due {{due_date}}. Pay: {{link}}",
    ),
    (RENT_REMINDER, "hi-IN"): CatalogueEntry(
        subject="किराया अनुस्मारक: {{amount}} की देय तिथि {{due_date}}",
        body="प्रिय {{name}},\n\n{{property}} का आपका {{amount}} किराया {{due_date}} को देय है। विलंब शुल्क से "
        "बचने के लिए कृपया देय तिथि तक भुगतान करें।\nभुगतान करें या चालान देखें: {{link}}\n",
        sms="{{property}} का {{amount}} किराया {{due_date}} को देय है। भुगतान: {{link}}",
    ),
    (RENT_OVERDUE, "en"): CatalogueEntry(
        subject="Overdue: rent of {{amount}} was due on {{due_date}}",
        body="Dear {{name}},\n\nYour rent of {{amount}} for {{property}} was due on {{due_date}} and is still "
        "unpaid. Please pay it now; a late fee may apply under your lease.\nPay or view the invoice: {{link}}\n",
        sms="Rent of {{amount}} for {{property}} was due {{due_date}} and is unpaid. Pay: {{link}}",
    ),
    (RENT_OVERDUE, "hi-IN"): CatalogueEntry(
        subject="बकाया: {{amount}} किराया {{due_date}} को देय था",
        body="प्रिय {{name}},\n\n{{property}} का आपका {{amount}} किराया {{due_date}} को देय था और अभी तक बकाया है। "
        "कृपया अभी भुगतान करें; आपके पट्टे के अनुसार विलंब शुल्क लग सकता है।\nभुगतान करें या चालान देखें: {{link}}\n",
        sms="{{property}} का {{amount}} किराया {{due_date}} को देय था, बकाया है। भुगतान: {{link}}",
    ),
    (PASSWORD_RESET, "en"): CatalogueEntry(
        subject="Reset your password",
        body="Open this link within 2 hours to choose a new password:\n{{link}}\n\n"
        "If you did not ask for a reset, ignore this message: your password stays as it is.\n",
    ),
    (PASSWORD_RESET, "hi-IN"): CatalogueEntry(
        subject="अपना पासवर्ड रीसेट करें",
        body="नया पासवर्ड चुनने के लिए 2 घंटे के भीतर यह लिंक खोलें:\n{{link}}\n\n"
        "यदि आपने रीसेट का अनुरोध नहीं किया है, तो इस संदेश को अनदेखा करें।\n",
    ),
    (INVOICE_SENT, "en"): CatalogueEntry(
        subject="Invoice {{number}} for {{amount}}",
        body="Dear {{name}},\n\nPlease find invoice {{number}} for {{amount}}, due on {{due_date}}, attached "
        "as a PDF.\nView it online: {{link}}\n",
    ),
    (RECEIPT, "en"): CatalogueEntry(
        subject="Receipt for your payment of {{amount}}",
        body="Dear {{name}},\n\nThank you: we received {{amount}} on {{paid_on}}. The receipt is attached as "
        "a PDF.\nView it online: {{link}}\n",
    ),
}


def entry(event: str, locale: str) -> CatalogueEntry:
    """The entry for ``event`` in ``locale``, else its language, else English; KeyError if none."""
    language = locale.split("-", 1)[0]
    for key in (locale, language, FALLBACK_LOCALE):
        found = ENTRIES.get((event, key))
        if found is not None:
            return found
    for (name, loc), found in ENTRIES.items():  # an English regional entry when no bare "en" exists
        if name == event and loc.startswith(FALLBACK_LOCALE):
            return found
    raise KeyError(f"no catalogue entry for {event!r}")


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str
    sms: str


def render(event: str, locale: str, values: Mapping[str, str]) -> RenderedMessage:
    """The catalogue's message, filled; a missing or unknown value is a ValidationFailed."""
    e = entry(event, locale)
    rendering.check_values(rendering.variables_of(e.subject, e.body, e.sms), values)
    body = rendering.render(e.body, values)
    return RenderedMessage(
        subject=rendering.render(e.subject, values),
        body=body,
        sms=rendering.render(e.sms, values) if e.sms else body.split("\n\n")[-1].strip(),
    )
