"""Delivery channels: alert emails, the daily digest files, the Atom feed.

The names below are imported on first use (PEP 562), so loading the settings of a channel
(`monitor.deliver.settings`, read by every configuration load) does not load Jinja2, the
templates and the email composer too.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "events_of_day": "digest",
    "render_digest": "digest",
    "write_digest": "digest",
    "DeliveryError": "email",
    "compose_alert": "email",
    "compose_digest_email": "email",
    "send_message": "email",
    "send_test_email": "email",
    "render_feed": "feed",
    "write_feed": "feed",
    "DigestSettings": "settings",
    "EmailSettings": "settings",
    "smtp_password": "settings",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'monitor.deliver' has no attribute {name!r}")
    return getattr(importlib.import_module(f"monitor.deliver.{_WHERE[name]}"), name)
