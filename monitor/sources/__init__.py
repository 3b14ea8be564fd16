"""The registry of source kinds, found in the publisher folders.

Each folder under monitor/sources/ declares its kinds in its `profile.py` (`PROFILES`); the
adapter class a profile names is imported on first use. Adding a publisher is one folder
(docs/ADDING_A_PUBLISHER.md): nothing here or elsewhere lists the kinds.
"""

from __future__ import annotations

import importlib
import pkgutil

from monitor.profile import Profile, fallback
from monitor.sources.base import DocumentRef, Source, SourceSettings


def _discover() -> dict[str, Profile]:
    """Every profile of every publisher folder, by kind."""
    found: dict[str, Profile] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        name = f"{__name__}.{info.name}.profile"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        for profile in module.PROFILES:
            if profile.kind in found:
                raise RuntimeError(f"kind {profile.kind!r} is declared by two folders: {found[profile.kind].package}, {info.name}")
            found[profile.kind] = profile
    return found


#: kind -> its profile, as the publisher folders declare them
PROFILES: dict[str, Profile] = _discover()
#: kind -> "module:Class" of its adapter (tests may add a kind of their own)
REGISTRY: dict[str, str] = {kind: profile.adapter for kind, profile in PROFILES.items()}


def profile_of(kind: str | None) -> Profile:
    """What the monitor knows of a kind; a kind no folder declares gets a readable label only."""
    return PROFILES.get(kind or "") or fallback(kind or "")


def source_class(kind: str) -> type[Source]:
    """The adapter class for a kind name; KeyError names the known kinds."""
    try:
        target = REGISTRY[kind]
    except KeyError:
        raise KeyError(f"unknown kind {kind!r}; known kinds: {', '.join(sorted(REGISTRY))}") from None
    module_name, _, class_name = target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


__all__ = ["PROFILES", "REGISTRY", "DocumentRef", "Source", "SourceSettings", "profile_of", "source_class"]
