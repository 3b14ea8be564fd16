"""A listing's parse written as JSON and read back exactly (monitor/sources/listing_cache.py).

A parse gives DocumentRefs, the dicts and dataclasses an adapter builds its refs from, dates,
tuples and plain values. Each comes back as the same type with the same value: a tuple stays
a tuple, a date a date, a dataclass its own class. Anything else (a set, a str subclass, a
dict with non-text keys, a class from outside the monitor) raises Unencodable, and that
parse is simply not kept: a parse read back must never differ from the parse itself.
"""

from __future__ import annotations

import dataclasses
import importlib
from datetime import date, datetime
from typing import Any

#: marks a tagged value; a plain dict that has this key is written tagged too
TAG = "$"
_PLAIN = (str, int, float, bool, type(None))


class Unencodable(TypeError):
    """A value the codec cannot write and read back as itself."""


def encode(value: Any) -> Any:
    """The JSON-able form of a parse; Unencodable when part of it has no exact form."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:
        return [encode(v) for v in value]
    if kind is tuple:
        return {TAG: "tuple", "v": [encode(v) for v in value]}
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise Unencodable("a dict with keys that are not text")
        if TAG in value:
            return {TAG: "dict", "v": [[k, encode(v)] for k, v in value.items()]}
        return {k: encode(v) for k, v in value.items()}
    if kind is datetime:
        return {TAG: "datetime", "v": value.isoformat()}
    if kind is date:
        return {TAG: "date", "v": value.isoformat()}
    if dataclasses.is_dataclass(value) and kind.__module__.startswith("monitor."):
        fields = dataclasses.fields(value)
        if not all(f.init for f in fields):
            raise Unencodable(f"{kind.__qualname__} has fields its constructor does not take")
        return {
            TAG: "data",
            "t": f"{kind.__module__}:{kind.__qualname__}",
            "v": {f.name: encode(getattr(value, f.name)) for f in fields},
        }
    raise Unencodable(f"cannot keep a {kind.__module__}.{kind.__qualname__}")


def decode(data: Any) -> Any:
    """The parse `encode` wrote. Raises (ValueError, TypeError, KeyError, ImportError...) on
    anything it did not write; the caller treats that as a damaged copy."""
    kind = type(data)
    if kind is list:
        return [decode(v) for v in data]
    if kind is not dict:
        return data
    tag = data.get(TAG)
    if tag is None:
        return {k: decode(v) for k, v in data.items()}
    if tag == "tuple":
        return tuple(decode(v) for v in data["v"])
    if tag == "dict":
        return {str(k): decode(v) for k, v in data["v"]}
    if tag == "datetime":
        return datetime.fromisoformat(data["v"])
    if tag == "date":
        return date.fromisoformat(data["v"])
    if tag == "data":
        cls = _dataclass(data["t"])
        return cls(**{k: decode(v) for k, v in data["v"].items()})
    raise ValueError(f"unknown tag {tag!r}")


def _dataclass(name: str) -> type:
    """The monitor's dataclass named "module:qualname" (nothing outside the monitor is ever
    imported from a cached file)."""
    module_name, _, qualname = name.partition(":")
    if not module_name.startswith("monitor.") or not qualname:
        raise ValueError(f"not a class of the monitor: {name!r}")
    target: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    if not (isinstance(target, type) and dataclasses.is_dataclass(target)):
        raise TypeError(f"{name!r} is not a dataclass")
    return target
