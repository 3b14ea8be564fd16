"""Delivery channels: alert emails, the daily digest files, the Atom feed."""

from monitor.deliver.digest import events_of_day, render_digest, write_digest
from monitor.deliver.email import (
    DeliveryError,
    compose_alert,
    compose_digest_email,
    send_message,
    send_test_email,
)
from monitor.deliver.feed import render_feed, write_feed
from monitor.deliver.settings import DigestSettings, EmailSettings, smtp_password

__all__ = [
    "DeliveryError",
    "DigestSettings",
    "EmailSettings",
    "compose_alert",
    "compose_digest_email",
    "events_of_day",
    "render_digest",
    "render_feed",
    "send_message",
    "send_test_email",
    "smtp_password",
    "write_digest",
    "write_feed",
]
