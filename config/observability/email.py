"""The email backend Django uses: hands every message to the configured delivery backend
(settings.EMAIL_DELIVERY_BACKEND, from the EMAIL_BACKEND environment variable) and logs each batch
with the request ID of the request (or connection) that sent it. The ID also goes into each message
as an `X-Request-ID` header, so the mail server's logs can be matched to ours. The log line names no
recipient and no subject: counts only."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from config.observability.request_id import HEADER, current_request_id

logger = logging.getLogger(__name__)


class ObservedEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.delivery = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs)

    def open(self) -> bool | None:
        return self.delivery.open()

    def close(self) -> None:
        self.delivery.close()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        messages = list(email_messages)
        request_id = current_request_id()
        if request_id is not None:
            for message in messages:
                message.extra_headers.setdefault(HEADER, request_id)
        try:
            sent = self.delivery.send_messages(messages) or 0
        except Exception:
            logger.warning("Email delivery failed for %d message(s)", len(messages))
            raise
        logger.info("Email sent: %d of %d message(s)", sent, len(messages))
        return sent
