"""``POST /v1/import/{source}``: the CLI's importers for uploaded files.

The files of one export (the CSVs of a Salesforce or HubSpot export, calendars, mailboxes, a CSV
and its mapping) are uploaded as ``multipart/form-data`` in the ``files`` field (and ``mapping``
for ``csv``), written to a private temporary folder, imported exactly as ``stakegraph import
SOURCE`` would, and deleted. The request body is limited by ``max_body_bytes`` like every other;
the answer is the import report with the importer's own counts (what was skipped on purpose, the
domains of no tracked account).
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.concurrency import run_in_threadpool

from stakegraph.errors import ValidationFailed
from stakegraph.importers import SourceName, open_source
from stakegraph.importers.ics import default_window
from stakegraph.importers.identity import IdentityIndex
from stakegraph.ingest import ImportReport, ingest

from .deps import EventsDep, MetricsDep, SettingsDep, StoreDep, WriteKey
from .events import WriteEvent
from .schemas import ErrorBody
from .writes import _allowed_records, store_batch

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/import",
    tags=["writes"],
    responses={
        401: {"model": ErrorBody},
        403: {"model": ErrorBody, "description": "Scope missing"},
        413: {"model": ErrorBody, "description": "Body over max_body_bytes"},
        422: {"model": ErrorBody},
    },
)

_CHUNK = 1 << 20


def _safe_name(raw: str | None, taken: set[str]) -> str:
    """The upload's own file name, without any folder, unique in the upload."""
    name = PurePath((raw or "").replace("\\", "/")).name.strip()
    if not name or name in (".", "..") or name.startswith("."):
        raise ValidationFailed(f"unusable file name {raw!r}")
    if name in taken:
        raise ValidationFailed(f"file {name!r} uploaded twice")
    taken.add(name)
    return name


async def _save(upload: UploadFile, folder: Path, taken: set[str]) -> Path:
    path = folder / _safe_name(upload.filename, taken)
    with path.open("wb") as out:
        while chunk := await upload.read(_CHUNK):
            out.write(chunk)
    return path


def _window(since: date | None, until: date | None) -> tuple[datetime, datetime]:
    start, end = default_window()
    if since is not None:
        start = datetime.combine(since, time(0), tzinfo=UTC)
    if until is not None:
        end = datetime.combine(until, time(0), tzinfo=UTC) + timedelta(days=1)
    return start, end


@router.post("/{source}", summary="Import uploaded CRM, calendar or mail files")
async def post_import(
    source: SourceName,
    principal: WriteKey,
    store: StoreDep,
    settings: SettingsDep,
    events: EventsDep,
    metrics: MetricsDep,
    files: Annotated[list[UploadFile], File(description="The export's files.")],
    mapping: Annotated[
        UploadFile | None, File(description="The TOML mapping (source csv only).")
    ] = None,
    dry_run: Annotated[bool, Query(description="Report what would change, write nothing")] = False,
    since: Annotated[date | None, Query(description="ics: first day of the window")] = None,
    until: Annotated[date | None, Query(description="ics: last day of the window")] = None,
) -> dict[str, Any]:
    """Import with the same semantics as ``stakegraph import SOURCE``: good records are
    written (idempotently), bad rows and messages are listed in ``rejects`` with file, line or
    Message-ID and reason; ``ok`` is false when anything was rejected."""
    with tempfile.TemporaryDirectory(prefix="stakegraph-import-") as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir(mode=0o700)
        taken: set[str] = set()
        paths = [await _save(upload, folder, taken) for upload in files]
        mapping_path = await _save(mapping, Path(tmp), set()) if mapping is not None else None
        if source == "csv" and len(paths) != 1:
            raise ValidationFailed("csv: upload one CSV file and its mapping")

        def run() -> tuple[ImportReport, dict[str, Any]]:
            index = IdentityIndex.from_identity_rows(store.identity_rows(), settings.our_domains)
            given = [folder] if source in ("salesforce", "hubspot") else paths
            importer = open_source(
                source, given, index, mapping=mapping_path, window=_window(since, until)
            )
            report = ingest(
                store,
                _allowed_records(principal, importer),
                source=source,
                dry_run=dry_run,
                batch_size=store_batch(store),
            )
            extra = {
                "skipped": dict(importer.stats.skipped.most_common()),
                "unknown_domains": dict(importer.stats.unknown_domains.most_common(100)),
            }
            return report, extra

        report, extra = await run_in_threadpool(run)
    if not dry_run:
        counts = report.counts
        metrics.writes.labels(f"import_{source}").inc()
        events.publish(
            WriteEvent(
                kind="import",
                account_ids=frozenset(report.touched_accounts),
                every_account=counts["team"].created + counts["team"].updated > 0,
                role_changes=tuple(report.role_changes),
                created_contacts=frozenset(report.created_contacts),
                source=source,
            )
        )
    # Rejects name the uploaded file, not the temporary folder it was read from.
    data = report.to_dict()
    for reject in data["rejects"]:
        if isinstance(reject.get("source"), str):
            reject["source"] = PurePath(reject["source"]).name or source
    return {"ok": report.ok, **data, **extra}
