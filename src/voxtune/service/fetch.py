"""Fetching a contentUrl (or calling a web hook) without letting a user aim the server at
itself or its network: http(s) only; every hop's host resolved and refused when loopback,
private, link-local, multicast, reserved or unspecified (unless the operator allows private
addresses); redirects followed by hand so each hop is checked; size and time limits.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from voxtune.errors import InvalidInputError

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    allow_private: bool = False  # loopback/private/link-local targets allowed?
    max_bytes: int = 2 * 1024**3
    timeout_s: float = 60.0  # the whole transfer, every hop included
    max_redirects: int = 5


def _error(message: str) -> InvalidInputError:
    return InvalidInputError(message, inner_code="InvalidRecordingsUri")


def check_url(url: str, policy: FetchPolicy) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _error(f"{url!r} is not an http(s) URL")
    if policy.allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise _error(f"cannot resolve {parts.hostname}: {error}") from error
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            raise _error(f"{parts.hostname} resolves to {address}, a non-public address; refused")


def stream_url(url: str, policy: FetchPolicy) -> Iterator[bytes]:
    """The body of `url` in chunks; raises InvalidInputError on any refusal or failure."""
    deadline = time.monotonic() + policy.timeout_s
    with httpx.Client(follow_redirects=False, timeout=policy.timeout_s) as client:
        for _ in range(policy.max_redirects + 1):
            check_url(url, policy)
            try:
                with client.stream("GET", url) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if response.status_code != 200:
                        raise _error(f"GET {url} answered {response.status_code}")
                    yield from _limited(response, policy, deadline)
                    return
            except httpx.HTTPError as error:
                raise _error(f"cannot fetch {url}: {error}") from error
    raise _error(f"more than {policy.max_redirects} redirects")


def _limited(response: httpx.Response, policy: FetchPolicy, deadline: float) -> Iterator[bytes]:
    declared = int(response.headers.get("content-length") or 0)
    if declared > policy.max_bytes:
        raise _error(f"the content is {declared} bytes; the limit is {policy.max_bytes}")
    total = 0
    for chunk in response.iter_bytes(CHUNK_BYTES):
        total += len(chunk)
        if total > policy.max_bytes:
            raise _error(f"the content exceeds the limit of {policy.max_bytes} bytes")
        if time.monotonic() > deadline:
            raise _error(f"fetching took longer than {policy.timeout_s} s")
        yield chunk


def url_file_name(url: str, default: str) -> str:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name if name and name not in (".", "..") else default
