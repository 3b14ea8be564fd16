"""Settings of the delivery channels, validated from sources.yaml; the SMTP password only from the environment."""

from __future__ import annotations

import os
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

PASSWORD_ENV = "MONITOR_SMTP_PASSWORD"
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class EmailSettings(BaseModel):
    """How to reach the SMTP server and who gets the alerts.

    `security`: "starttls" (port 587, the usual), "ssl" (implicit TLS, port 465) or "none"
    (plain, for a relay on localhost only). The password is never a setting: it would end up
    in a file people share; it comes from MONITOR_SMTP_PASSWORD.
    """

    model_config = ConfigDict(extra="forbid")

    host: str = Field(min_length=1)
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    sender: str = Field(min_length=3)
    recipients: list[str] = Field(min_length=1)
    timeout: float = Field(default=30, gt=0)

    @field_validator("sender", "recipients")
    @classmethod
    def _looks_like_addresses(cls, value: str | list[str]) -> str | list[str]:
        for address in [value] if isinstance(value, str) else value:
            if "@" not in address or any(ch in address for ch in "\r\n"):
                raise ValueError(f"{address!r} is not an email address")
        return value


class DigestSettings(BaseModel):
    """When the daily digest is written ("HH:MM", local time) and whether it is also emailed."""

    model_config = ConfigDict(extra="forbid")

    time: str = "07:00"
    email: bool = False

    @field_validator("time")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError(f"{value!r} is not a time of day as HH:MM (e.g. 07:00)")
        return value

    @property
    def hour_minute(self) -> tuple[int, int]:
        """(hour, minute) of `time`, for the scheduler."""
        hour, minute = self.time.split(":")
        return int(hour), int(minute)


def smtp_password() -> str | None:
    """The SMTP password from MONITOR_SMTP_PASSWORD, or None when unset or empty."""
    return os.environ.get(PASSWORD_ENV) or None
