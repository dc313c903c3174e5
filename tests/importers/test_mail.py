"""Mail headers: mbox quirks, maildir, .eml, dedup, direction, answered."""

from __future__ import annotations

from pathlib import Path

import pytest

from stakegraph.importers.identity import IdentityIndex
from stakegraph.importers.mail import MailImporter, RawMessage, read_headers, read_messages

from .conftest import split

pytestmark = pytest.mark.unit


def test_mailbox(fixtures: Path, index: IdentityIndex) -> None:
    importer = MailImporter([fixtures / "mail"], index)
    records, rejects = split(importer)
    emails = {r.location.rsplit(" ", 1)[1]: r.data for r in records if r.section == "interactions"}
    assert sorted(emails) == [
        "<eml1@northwind.example>",
        "<latin1@contoso.example>",
        "<m1@mail.ours.example>",
        "<m2@mail.ours.example>",
        "<md2@mail.ours.example>",
        "<multi@mail.ours.example>",
        "<r1@northwind.example>",
    ]
    first = emails["<m1@mail.ours.example>"]
    assert first["direction"] == "outbound"
    assert first["answered"] is True  # Sandra's reply names it in In-Reply-To
    assert first["occurred_at"] == "2026-09-01T16:00:00Z"
    assert first["team_ids"] == ["t-alex"] and first["contact_ids"] == ["c-sandra"]
    assert emails["<m2@mail.ours.example>"]["answered"] is False  # nobody answered Jose
    reply = emails["<r1@northwind.example>"]
    assert reply["direction"] == "inbound" and reply["answered"] is None
    assert reply["contact_ids"] == ["c-sandra", "email:carl.okafor@northwind.example"]
    # One email to two accounts is one interaction per account.
    multi = [r.data for r in records if r.location.endswith("<multi@mail.ours.example>")]
    assert sorted(m["account_id"] for m in multi) == ["contoso", "northwind"]
    assert len({m["id"] for m in multi}) == 2

    people = {r.data["id"]: r.data for r in records if r.section in ("team", "contacts")}
    assert people["email:jose.nunez@northwind.example"]["name"] == "José Núñez"  # RFC 2047
    assert people["email:joerg@contoso.example"]["name"] == "Jörg Müller"  # raw 8-bit bytes
    assert people["email:priya.shah@ours.example"] == {
        "id": "email:priya.shah@ours.example",
        "name": "Priya Shah",
        "email": "priya.shah@ours.example",
    }
    # Every person comes before the first interaction that names them.
    seen: set[str] = {"t-alex", "c-sandra"}
    for record in records:
        if record.section == "interactions":
            assert set(record.data["team_ids"]) | set(record.data["contact_ids"]) <= seen
        else:
            seen.add(str(record.data["id"]))

    assert importer.stats.skipped == {
        "duplicate Message-ID": 2,  # m1 saved twice in the mbox, r1 also in the maildir
        "no customer contact": 1,
        "sender not ours nor at a tracked account": 1,
    }
    assert importer.stats.unknown_domains == {"unknown-vendor.example": 1}
    assert [(Path(r.source).name, r.location, r.reason) for r in rejects] == [
        (
            "alex.mbox",
            "line 57 <baddate@mail.ours.example>",
            "unreadable Date: 'sometime last week'",
        ),
        ("alex.mbox", "line 93", "truncated: the file ends inside the headers"),
    ]


def test_mbox_from_escaping_does_not_split_messages(fixtures: Path) -> None:
    messages = [
        m for m in read_messages([fixtures / "mail" / "alex.mbox"]) if isinstance(m, RawMessage)
    ]
    # ">From the desk" is escaped and "From what I hear ... 10:30 in 2026 anyway." does not
    # follow a blank line: neither starts a message.
    assert [m.line for m in messages][:3] == [1, 18, 27]
    headers, broken = read_headers(messages[0].headers)
    assert set(headers) == {"message-id", "date", "from", "to"}  # only the wanted ones
    assert not broken


def test_only_headers_are_kept(tmp_path: Path) -> None:
    body = b"x" * 100 + b"\n"
    mbox = tmp_path / "big.mbox"
    with mbox.open("wb") as f:
        for n in range(3):
            f.write(b"From a@b.example Mon Jan  5 10:00:00 2026\n")
            f.write(f"Message-ID: <{n}@b.example>\nFrom: a@b.example\n\n".encode())
            f.write(body * 1000)
            f.write(b"\n")
    messages = [m for m in read_messages([mbox]) if isinstance(m, RawMessage)]
    assert len(messages) == 3
    assert all(len(m.headers) < 100 for m in messages)
    assert sum(m.size for m in messages) == mbox.stat().st_size


def test_folded_and_repeated_headers() -> None:
    headers, _ = read_headers(
        b"To: a@x.example,\n\tb@x.example\nCc: c@x.example\nCc: d@x.example\n"
        b"Subject: ignored\nDate: Mon, 5 Jan 2026 10:00:00 +0000\nDate: Tue, 6 Jan 2026\n"
    )
    assert headers == {
        "to": "a@x.example, b@x.example",
        "cc": "c@x.example, d@x.example",
        "date": "Mon, 5 Jan 2026 10:00:00 +0000",
    }


def test_reimport_gives_the_same_ids(fixtures: Path) -> None:
    def ids() -> list[str]:
        index = IdentityIndex.from_rows(
            our_domains=["ours.example"], accounts=[("northwind", ["northwind.example"])]
        )
        records, _ = split(MailImporter([fixtures / "mail"], index))
        return [str(r.data["id"]) for r in records]

    assert ids() == ids()


def test_missing_path_is_a_reject(tmp_path: Path, index: IdentityIndex) -> None:
    _, rejects = split(MailImporter([tmp_path / "nope.mbox"], index))
    assert [r.reason for r in rejects] == ["no such file or folder"]


@pytest.mark.parametrize("chunk", [7, 64, 1000])
def test_chunk_boundaries_do_not_change_what_is_read(
    fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    # The mbox reader searches fixed-size chunks: a separator, a header end or a CRLF split
    # across two chunks must read the same as when it is not.
    from stakegraph.importers import mail

    crlf = tmp_path / "crlf.mbox"
    crlf.write_bytes((fixtures / "mail" / "alex.mbox").read_bytes().replace(b"\n", b"\r\n"))
    paths = [fixtures / "mail" / "alex.mbox", crlf]
    expected = [(m.line, m.headers.replace(b"\r\n", b"\n"), m.size) if isinstance(m, RawMessage)
                else m.reason for m in read_messages(paths)]  # fmt: skip
    monkeypatch.setattr(mail, "_CHUNK", chunk)
    got = [(m.line, m.headers.replace(b"\r\n", b"\n"), m.size) if isinstance(m, RawMessage)
           else m.reason for m in read_messages(paths)]  # fmt: skip
    assert got == expected
    assert len([m for m in got if isinstance(m, tuple)]) == 2 * 9  # and one truncated each


def test_an_address_cut_to_a_leading_dot_is_nobody(index: IdentityIndex, tmp_path: Path) -> None:
    """Enron's mail names customers as ".dow@enron.com" (an Exchange conversion cut the first
    name off and put our domain on): not an address, so not one of our people."""
    message = (
        "From: Alex Morgan <alex.morgan@ours.example>\n"
        "To: sandra.ruiz@northwind.example\n"
        "Cc: .dow@ours.example, legal <.taylor@ours.example>, priya..shah@ours.example\n"
        "Date: Tue, 01 Sep 2026 16:00:00 +0000\n"
        "Message-ID: <cut@mail.ours.example>\n\nbody\n"
    )
    (tmp_path / "one.eml").write_text(message, encoding="utf-8")
    records, rejects = split(MailImporter([tmp_path / "one.eml"], index))
    assert rejects == []
    (email,) = [r.data for r in records if r.section == "interactions"]
    assert email["team_ids"] == ["t-alex", "email:priya..shah@ours.example"]
    assert email["contact_ids"] == ["c-sandra"]
    assert not any(".dow" in str(r.data["id"]) or ".taylor" in str(r.data["id"]) for r in records)
