"""Errors that carry enough context to tell a non-programmer what went wrong and what to try."""

from __future__ import annotations


class MonitorError(Exception):
    """Base of every error the monitor raises on purpose."""


class ConfigError(MonitorError):
    """sources.yaml or the environment is wrong; the message names the file, line and key."""


class FetchError(MonitorError):
    """A request failed after retries (network error, 5xx, oversize, disallowed URL)."""

    def __init__(self, url: str, reason: str, status: int | None = None):
        self.url = url
        self.reason = reason
        self.status = status
        #: the head of an error answer's body and its headers, when the server sent one
        self.answer_body: bytes | None = None
        self.answer_headers: dict[str, str] = {}
        super().__init__(f"{url}: {reason}")


class BlockedError(FetchError):
    """The publisher refused us (401/403, CAPTCHA or challenge page, robots.txt).

    `hint` says what the user can try. Blocked never means "nothing new".
    """

    def __init__(self, url: str, reason: str, status: int | None = None, hint: str = ""):
        super().__init__(url, reason, status)
        self.hint = hint or (
            "set settings.user_agent to something that names you and a contact address, "
            "raise per_host_delay, or try again later"
        )


class ListingBrokenError(MonitorError):
    """A listing parsed to nothing (or far less) where it used to list reports: the site changed.

    Also: an answer with data the adapter does not understand, or a count that disagrees
    with what was read. `url` names the answer; the pipeline saves every answer the adapter
    fetched in this pass under data/evidence/ (see monitor/evidence.py), so the adapter need
    not pass the body itself.
    """

    def __init__(self, message: str, *, url: str | None = None):
        self.url = url
        super().__init__(message)


class ExtractionError(MonitorError):
    """A document could not be turned into text (broken, encrypted, too big, timed out)."""
