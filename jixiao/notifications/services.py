"""Sending notifications: stored in-app once per (recipient, key), mailed after commit."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from jixiao.notifications.models import Notification

log = logging.getLogger(__name__)


def notification_send(
    *,
    recipient: Any,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str,
    email: bool = True,
) -> Notification | None:
    """Store a notification unless this recipient already has one with ``dedupe_key``.

    Returns the new notification, or None when it had been sent before (so running a
    reminder job twice notifies nobody twice).
    """
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient=recipient, title=title, body=body, link=link, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return None
    if email and recipient.email:
        transaction.on_commit(lambda: _mail(note.pk))
    return note


def notify_holders(
    *,
    organization: Any,
    action: str,
    actor: Any,
    title: str,
    link: str,
    dedupe_key: str,
    body: str = "",
) -> None:
    """Tell the people holding ``action`` over ``organization`` (but not ``actor``), once the
    current transaction commits."""
    from jixiao.orgs.permissions import holders

    recipients = [p for p in holders(organization, action) if p.pk != getattr(actor, "pk", None)]

    def send() -> None:
        for recipient in recipients:
            notification_send(
                recipient=recipient, title=title, body=body, link=link, dedupe_key=dedupe_key
            )

    transaction.on_commit(send)


def _mail(pk: int) -> None:
    note = Notification.objects.select_related("recipient").get(pk=pk)
    try:
        send_mail(
            note.title,
            f"{note.body}\n\n{note.link}".strip(),
            settings.DEFAULT_FROM_EMAIL,
            [note.recipient.email],
        )
    except OSError:
        log.warning("mail to %s failed; the in-app notification stands", note.recipient.email)
        return
    Notification.objects.filter(pk=pk).update(emailed_at=timezone.now())


def notification_mark_read(*, user: Any, notification: Notification) -> None:
    if notification.recipient_id != user.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notification_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
