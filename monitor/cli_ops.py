"""Commands for delivery and operations (deliveries, digest, email test, daemon, doctor...)."""

from __future__ import annotations

from collections.abc import Callable


def register(add: Callable) -> None:  # type: ignore[type-arg]
    """Add this module's sub-commands to the parser."""
    return None
