"""Files attached to a ticket: the bytes go to the attachment storage, the row to the ticket."""

from __future__ import annotations

from uuid import UUID

from pmsaas.domain.operations.access import actor_ref, visible_ticket
from pmsaas.domain.operations.files import MAX_ATTACHMENT_BYTES, safe_filename, sniff_content_type
from pmsaas.domain.operations.model import Attachment, TicketStatus, TicketUpdate, UpdateKind
from pmsaas.domain.operations.ports import AttachmentStorage, OperationsUnitOfWork
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, ValidationFailed
from pmsaas.domain.shared.plan_limits import Quota


async def add_attachment(
    *,
    uow: OperationsUnitOfWork,
    storage: AttachmentStorage,
    clock: Clock,
    actor: Actor,
    ticket_id: UUID,
    filename: str,
    data: bytes,
) -> Attachment:
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed.single("file", f"must be at most {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
    if not data:
        raise ValidationFailed.single("file", "is empty")
    content_type = sniff_content_type(data)
    if content_type is None:
        raise ValidationFailed.single("file", "must be a JPEG, PNG, GIF, WebP, HEIC image or a PDF")
    now = clock.now()
    async with uow:
        ticket = await visible_ticket(uow, actor, ticket_id)
        if ticket.status is TicketStatus.CLOSED:
            raise Conflict("the ticket is closed")
        attachment = Attachment(
            ticket_id=ticket.id,
            organization_id=actor.org,
            filename=safe_filename(filename, content_type),
            content_type=content_type,
            size=len(data),
            storage_key="",
            created_at=now,
            uploaded_by=actor_ref(actor),
        )
        attachment = Attachment(**{**attachment.__dict__, "storage_key": f"{actor.org}/{ticket.id}/{attachment.id}"})
        await uow.plan_allowance.admit(actor.org, Quota.STORAGE, adding=len(data), now=now)
        # The bytes first: a stored file without a row is garbage, a row without a file is a bug.
        await storage.put(attachment.storage_key, data, content_type)
        await uow.tickets.add_attachment(attachment)
        await uow.tickets.add_update(
            TicketUpdate(
                ticket_id=ticket.id,
                organization_id=actor.org,
                kind=UpdateKind.ATTACHMENT_ADDED,
                at=now,
                actor_id=actor_ref(actor),
                data={"attachment_id": str(attachment.id), "filename": attachment.filename},
            )
        )
        uow.record(ticket.event("ticket.updated", now))
        await uow.commit()
    return attachment


async def read_attachment(
    *, uow: OperationsUnitOfWork, storage: AttachmentStorage, actor: Actor, ticket_id: UUID, attachment_id: UUID
) -> tuple[Attachment, bytes]:
    async with uow:
        ticket = await visible_ticket(uow, actor, ticket_id)
        attachment = await uow.tickets.get_attachment(actor.org, ticket.id, attachment_id)
    return attachment, await storage.get(attachment.storage_key)
