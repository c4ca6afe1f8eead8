"""Where webhooks may go: http(s) URLs whose host is public, unless private ones are allowed.

Checked when an endpoint is registered and again before each send (a name may be re-pointed
at an internal address after registration).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from resolvers.errors import BadUserInput

MAX_URL_LENGTH = 2048


def _bad(message: str) -> BadUserInput:
    return BadUserInput(f"invalid endpoint url: {message}", fields={"url": message})


def clean_url(raw: str) -> str:
    url = raw.strip()
    if len(url) > MAX_URL_LENGTH:
        raise _bad(f"at most {MAX_URL_LENGTH} characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _bad("must be an absolute http or https URL")
    if parts.username or parts.password:
        raise _bad("must not carry credentials")
    return url


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


async def ensure_public(url: str) -> None:
    """BAD_USER_INPUT unless every address the URL's host resolves to is public."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = [host] if _is_ip(host) else await _resolve(host)
    except OSError as exc:
        raise _bad("its host name does not resolve") from exc
    if not addresses or not all(_is_public(a) for a in addresses):
        raise _bad("private, loopback and link-local addresses are not allowed")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


async def _resolve(host: str) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]
