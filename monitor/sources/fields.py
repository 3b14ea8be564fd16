"""Settings fields several kinds share: a name as a publisher writes it, a list of ids.

Kept apart from base.py so that a kind's Settings states only what is its own.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field


def one_line(value: str) -> str:
    """The text with its runs of white space (line breaks from YAML too) as single spaces."""
    return " ".join(value.split())


#: a name as the publisher writes it in headings ("London Borough of Harrow"), white space tidied
PublisherName = Annotated[str, Field(min_length=3), AfterValidator(one_line)]


def unique_ids(value: list[str], message: str) -> list[str]:
    """The ids stripped, each once in its first place.

    Raises ValueError(message) when an id is empty or holds a slash or a space (a URL or two
    ids pasted as one).
    """
    ids = [item.strip() for item in value]
    if any(not item or "/" in item or " " in item for item in ids):
        raise ValueError(message)
    return list(dict.fromkeys(ids))
