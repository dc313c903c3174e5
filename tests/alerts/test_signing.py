"""Webhook signatures follow Standard Webhooks: the specification's own example verifies."""

from __future__ import annotations

import pytest

from stakegraph.alerts.signing import new_secret, secret_key, sign, signature_headers, verify

pytestmark = pytest.mark.unit

# The example of the Standard Webhooks specification (and of the Svix libraries' tests).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TS = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_specification_example_signs_the_same() -> None:
    assert sign(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY) == SPEC_SIGNATURE


def test_a_receiver_verifies_and_rejects_tampering() -> None:
    headers = signature_headers(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY)
    assert verify(SPEC_SECRET, headers, SPEC_BODY, now=SPEC_TS + 10)
    assert not verify(SPEC_SECRET, headers, SPEC_BODY + b" ", now=SPEC_TS + 10)
    assert not verify(new_secret(), headers, SPEC_BODY, now=SPEC_TS + 10)
    # Too old: a replay.
    assert not verify(SPEC_SECRET, headers, SPEC_BODY, now=SPEC_TS + 3600)
    # One of several signatures (a rotation) is enough.
    rotated = dict(headers, **{"webhook-signature": "v1,bm90IGl0 " + headers["webhook-signature"]})
    assert verify(SPEC_SECRET, rotated, SPEC_BODY, now=SPEC_TS)


def test_new_secrets_are_random_and_decode_to_24_bytes() -> None:
    a, b = new_secret(), new_secret()
    assert a != b and a.startswith("whsec_")
    assert len(secret_key(a)) == 24
