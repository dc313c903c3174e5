"""Which webhook URLs we may call: no link-local or cloud metadata address, ever; private and
loopback addresses only when ``webhook_allow_private`` says so.

A URL is checked when the subscription is created and again before every try, on the addresses
its host resolves to at that moment; the request then goes to the checked address itself (the
host name is kept for the ``Host`` header and TLS), so a DNS answer that changes between the
check and the connection (DNS rebinding) cannot smuggle a forbidden address in.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from stakegraph.errors import ValidationFailed

__all__ = [
    "METADATA_HOSTS",
    "Target",
    "UnsafeWebhookUrl",
    "address_problem",
    "check_addresses",
    "literal_address",
    "parse_target",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_HOSTS: frozenset[str] = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
"""Host names of cloud metadata services."""

_METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, Oracle...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure wire server (a public address!)
    )
)

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeWebhookUrl(ValidationFailed):
    """A webhook URL that points where stakegraph must not send requests."""

    code = "unsafe_webhook_url"


@dataclass(frozen=True)
class Target:
    """The parts of a webhook URL a request needs."""

    scheme: str
    host: str
    port: int

    @property
    def host_header(self) -> str:
        """The ``Host`` header: the name, and the port when it is not the scheme's default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def parse_target(url: str) -> Target:
    """Scheme, host and port of a webhook URL; refuses what is not plain http(s).

    Raises
    ------
    UnsafeWebhookUrl
        Not http(s), no host, credentials in the URL, or a metadata host name.

    Examples
    --------
    >>> parse_target("https://hooks.example.com/x")
    Target(scheme='https', host='hooks.example.com', port=443)
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeWebhookUrl(f"not a URL: {url!r}", details={"field": "url"}) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeWebhookUrl(
            "a webhook URL must start with http:// or https://", details={"field": "url"}
        )
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsafeWebhookUrl("a webhook URL needs a host", details={"field": "url"})
    if parts.username or parts.password:
        raise UnsafeWebhookUrl(
            "put no credentials in a webhook URL; deliveries are signed instead",
            details={"field": "url"},
        )
    if host in METADATA_HOSTS:
        raise UnsafeWebhookUrl(
            f"{host} is a cloud metadata service", details={"field": "url", "host": host}
        )
    return Target(scheme, host, port or (443 if scheme == "https" else 80))


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(ip: IPAddress, *, allow_private: bool) -> str | None:
    """Why a request to ``ip`` is refused, or ``None`` when it may go.

    Examples
    --------
    >>> address_problem(ipaddress.ip_address("169.254.169.254"), allow_private=True)
    '169.254.169.254 is a cloud metadata address'
    >>> address_problem(ipaddress.ip_address("127.0.0.1"), allow_private=False)
    '127.0.0.1 is a loopback or private address (set STAKEGRAPH_WEBHOOK_ALLOW_PRIVATE to allow)'
    >>> address_problem(ipaddress.ip_address("127.0.0.1"), allow_private=True) is None
    True
    >>> address_problem(ipaddress.ip_address("::ffff:169.254.1.1"), allow_private=True)
    '::ffff:a9fe:101 is a link-local address'
    """
    inner = _embedded_ipv4(ip)
    for candidate in (ip, inner):
        if candidate is None:
            continue
        if candidate in _METADATA_ADDRESSES:
            return f"{ip} is a cloud metadata address"
        if candidate.is_link_local:
            return f"{ip} is a link-local address"
        if candidate.is_loopback:
            continue  # ::1 sits inside the reserved ::/8: judge it as a private address below
        if candidate.is_unspecified or candidate.is_multicast or candidate.is_reserved:
            # 240.0.0.0/4 (reserved) includes the broadcast address.
            return f"{ip} is not a unicast address"
    if allow_private:
        return None
    if not ip.is_global or (inner is not None and not inner.is_global):
        return (
            f"{ip} is a loopback or private address (set STAKEGRAPH_WEBHOOK_ALLOW_PRIVATE to allow)"
        )
    return None


Resolver = Callable[[str, int], Iterable[str]]
"""Host and port to the addresses they resolve to (strings)."""


def check_addresses(
    target: Target, addresses: Iterable[str], *, allow_private: bool
) -> list[IPAddress]:
    """The resolved addresses of ``target``, when every one of them is allowed.

    Raises
    ------
    UnsafeWebhookUrl
        When the host resolves to nothing, or to any refused address (one bad answer is
        enough: we cannot choose which one the request would use).
    """
    ips: list[IPAddress] = []
    for text in addresses:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
        if ip not in ips:
            ips.append(ip)
    if not ips:
        raise UnsafeWebhookUrl(f"{target.host} resolves to no address", details={"field": "url"})
    for ip in ips:
        problem = address_problem(ip, allow_private=allow_private)
        if problem is not None:
            detail = problem if target.host == str(ip) else f"{target.host} -> {problem}"
            raise UnsafeWebhookUrl(
                f"refused webhook URL: {detail}",
                details={"field": "url", "host": target.host, "address": str(ip)},
            )
    return ips


def literal_address(host: str) -> IPAddress | None:
    """The address a host names literally (``127.0.0.1``, ``::1``), or ``None`` for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None
