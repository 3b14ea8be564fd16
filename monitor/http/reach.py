"""Whether this machine can reach the publishers at all: DNS failures, a network that is down,
and the one question a first run asks before it starts ("can any publisher's address be
found?").

A DNS failure is not the publisher's fault and does not mend in the seconds a retry waits,
so the client raises `HostUnreachable` at once instead of retrying with backoff, and `monitor
run` says once that the machine is offline instead of once per source.
"""

from __future__ import annotations

import errno
import socket
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

import requests
import urllib3

from monitor.errors import FetchError

#: what `monitor run` prints when no publisher's address can be found
OFFLINE_DNS = "This machine cannot reach the internet (DNS lookups fail): nothing was checked."
#: ... and when addresses are found but no publisher answers a connection
OFFLINE_CONNECT = "This machine cannot reach the internet (no publisher answers a connection): nothing was checked."
#: how long the first-run question waits for the slowest lookup before giving up asking
LOOKUP_DEADLINE = 15.0
_NETWORK_DOWN = {errno.ENETUNREACH, errno.EHOSTUNREACH}


class HostUnreachable(FetchError):
    """The publisher's host name does not resolve, or the network to it is down: not retried."""

    def __init__(self, url: str, reason: str, *, dns: bool):
        super().__init__(url, reason)
        self.dns = dns
        self.hint = (
            "check the address in sources.yaml and this machine's network and DNS; the next pass tries again"
            if dns
            else "check this machine's network connection; the next pass tries again"
        )


def _chain(exc: BaseException) -> Iterable[BaseException]:
    """The exception and everything it wraps (causes, urllib3's `reason`, first args)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for inner in (current.__cause__, current.__context__, getattr(current, "reason", None), *current.args[:1]):
            if isinstance(inner, BaseException):
                todo.append(inner)


def is_dns_failure(exc: BaseException) -> bool:
    """Whether a connection failed because the host name could not be resolved."""
    for inner in _chain(exc):
        if isinstance(inner, socket.gaierror | urllib3.exceptions.NameResolutionError):
            return True
    text = str(exc)
    return "NameResolutionError" in text or "Name or service not known" in text or "getaddrinfo failed" in text


def is_network_down(exc: BaseException) -> bool:
    """Whether a connection failed because this machine has no route to the network."""
    return any(isinstance(inner, OSError) and inner.errno in _NETWORK_DOWN for inner in _chain(exc))


def unreachable(url: str, exc: requests.RequestException) -> HostUnreachable | None:
    """The error to raise at once for a connection that cannot succeed by retrying, else None."""
    host = urlsplit(url).hostname or url
    if is_dns_failure(exc):
        return HostUnreachable(url, f"cannot find the address of {host} (the name does not resolve: no network, or DNS is failing)", dns=True)
    if is_network_down(exc):
        return HostUnreachable(url, f"cannot reach {host}: this machine's network is down (no route)", dns=False)
    return None


def _behind_proxy(url: str) -> bool:
    """Requests go through a proxy (HTTPS_PROXY ...): the proxy looks names up, not us."""
    try:
        return bool(requests.utils.get_environ_proxies(url))
    except Exception:  # noqa: BLE001 - an odd proxy setting must not stop the pass
        return True


def none_resolve(urls: Iterable[str], deadline: float = LOOKUP_DEADLINE) -> bool:
    """True only when every URL's host name fails to resolve (checked side by side, for at
    most `deadline` seconds); False when any resolves, when an answer is still pending at the
    deadline, behind a proxy, or when there is nothing to look up."""
    hosts = {}
    for url in urls:
        parts = urlsplit(url)
        if parts.hostname and not _behind_proxy(url):
            hosts[parts.hostname] = parts.port or (443 if parts.scheme == "https" else 80)
        elif parts.hostname:
            return False
    if not hosts:
        return False
    failed: set[str] = set()
    done = threading.Event()
    lock = threading.Lock()

    def look_up(host: str, port: int) -> None:
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror:
            with lock:
                failed.add(host)
                if len(failed) == len(hosts):
                    done.set()
            return
        except OSError:
            pass
        done.set()  # one address found: the machine is online

    for host, port in hosts.items():
        # daemon threads: a lookup stuck in the resolver must not hold the command's exit
        threading.Thread(target=look_up, args=(host, port), daemon=True, name=f"lookup-{host}").start()
    done.wait(deadline)
    with lock:
        return len(failed) == len(hosts)
