"""Fetching URLs safely: timeouts, a size limit, and no private addresses unless allowed.

Every host is resolved before connecting and refused when any address it resolves to is not a
global unicast address (loopback, private, shared, link-local, reserved...), unless
``allow_private``; redirects are followed by hand so that each hop is checked the same way.
Known gap: the connection resolves the name again, so a DNS-rebinding server could still answer
differently the second time.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse

import httpx

from ..errors import InputError


@dataclass(frozen=True)
class FetchPolicy:
    timeout: float = 20.0
    max_bytes: int = 10 * 1024 * 1024
    allow_private: bool = False
    max_redirects: int = 5
    user_agent: str = "ceasefire/0.1 (+https://github.com/)"


def check_host(url: str, policy: FetchPolicy) -> None:
    try:
        parsed = urlparse(url)
        port = parsed.port
        host = parsed.hostname
    except ValueError as exc:
        raise InputError(f"{url}: not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https") or not host:
        raise InputError(f"{url}: only http(s) URLs can be fetched")
    if policy.allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port or (443 if parsed.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"{url}: cannot resolve {host}: {getattr(exc, 'strerror', None) or exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise InputError(f"{url}: refusing to fetch from {address} (a private or local address); "
                             "pass --allow-private to allow it")


def fetch(url: str, policy: FetchPolicy, client: httpx.Client | None = None) -> tuple[bytes, str, str]:
    """The body, content type and final URL of ``url``, within the policy's limits."""
    own = client is None
    client = client or httpx.Client(timeout=policy.timeout, follow_redirects=False,
                                    headers={"User-Agent": policy.user_agent})
    deadline = time.monotonic() + policy.timeout * 3  # the whole download, not each read
    try:
        for _hop in range(policy.max_redirects + 1):
            check_host(url, policy)
            try:
                with client.stream("GET", url) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if response.status_code >= 400:
                        raise InputError(f"{url}: HTTP {response.status_code}")
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
                        raise InputError(f"{url}: {int(declared):,} bytes is over the {policy.max_bytes:,}-byte limit")
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        if time.monotonic() > deadline:
                            raise InputError(f"{url}: timed out after {policy.timeout * 3:g} s in all")
                        size += len(chunk)
                        if size > policy.max_bytes:
                            raise InputError(f"{url}: more than the {policy.max_bytes:,}-byte limit; stopped reading")
                        chunks.append(chunk)
                    return b"".join(chunks), response.headers.get("content-type", ""), str(response.url)
            except httpx.TimeoutException:
                raise InputError(f"{url}: timed out after {policy.timeout:g} s") from None
            except (httpx.HTTPError, httpx.InvalidURL, ValueError, UnicodeError) as exc:
                raise InputError(f"{url}: {exc.__class__.__name__}: {exc}") from None
        raise InputError(f"{url}: more than {policy.max_redirects} redirects")
    finally:
        if own:
            client.close()
