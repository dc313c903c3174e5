"""Webhook URLs never reach link-local or metadata addresses; private ones only when allowed."""

from __future__ import annotations

import ipaddress

import pytest

from stakegraph.alerts.addresses import (
    UnsafeWebhookUrl,
    address_problem,
    check_addresses,
    parse_target,
)

pytestmark = pytest.mark.unit

ALWAYS_REFUSED = [
    "169.254.169.254",  # AWS/GCP/Azure metadata
    "169.254.170.2",  # ECS task metadata
    "169.254.1.1",  # any link-local
    "fe80::1",  # IPv6 link-local
    "fd00:ec2::254",  # AWS metadata over IPv6
    "100.100.100.200",  # Alibaba metadata
    "168.63.129.16",  # Azure wire server
    "::ffff:169.254.169.254",  # mapped IPv4
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "0.0.0.0",
    "::",
    "224.0.0.1",
    "255.255.255.255",
]
PRIVATE = ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "::1", "fc00::1", "100.64.0.1"]


@pytest.mark.parametrize("address", ALWAYS_REFUSED)
def test_metadata_and_link_local_are_refused_even_when_private_is_allowed(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address), allow_private=True) is not None


@pytest.mark.parametrize("address", PRIVATE)
def test_private_and_loopback_need_the_setting(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert "private" in (address_problem(ip, allow_private=False) or "")
    assert address_problem(ip, allow_private=True) is None


def test_public_addresses_go() -> None:
    assert address_problem(ipaddress.ip_address("93.184.216.34"), allow_private=False) is None


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.com/x",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "http://",
        "https://user:pw@hooks.example.com/x",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://metadata/",
        "http://example.com:99999/",
    ],
)
def test_urls_that_are_not_plain_http_are_refused(url: str) -> None:
    with pytest.raises(UnsafeWebhookUrl):
        parse_target(url)


def test_a_name_resolving_to_a_metadata_address_is_refused() -> None:
    target = parse_target("http://innocent.example.com/hook")
    with pytest.raises(UnsafeWebhookUrl, match=r"169\.254\.169\.254"):
        # One bad answer among good ones is enough (we cannot choose which one is used).
        check_addresses(target, ["93.184.216.34", "169.254.169.254"], allow_private=True)
    with pytest.raises(UnsafeWebhookUrl, match="resolves to no address"):
        check_addresses(target, [], allow_private=True)
    assert check_addresses(target, ["93.184.216.34"], allow_private=False) == [
        ipaddress.ip_address("93.184.216.34")
    ]


def test_the_host_header_keeps_a_non_default_port() -> None:
    assert parse_target("https://h.example.com/x").host_header == "h.example.com"
    assert parse_target("http://h.example.com:8080/x").host_header == "h.example.com:8080"
    assert parse_target("http://[::1]:8080/x").host_header == "[::1]:8080"
