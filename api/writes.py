"""Write routes under /v1: accounts, contacts, our team, interactions, and deletion.

Every write is an idempotent upsert (the same body twice changes nothing), checks the key's
account allow-list, names the field of any reference that does not resolve, and is announced
on ``app.state.events`` so cached reports of the accounts it touched are dropped.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ValidationError

from stakegraph.bundle.io import read_bundle
from stakegraph.bundle.schema import bundle_schema
from stakegraph.errors import NotFoundError, ValidationFailed
from stakegraph.ingest import ImportReport, Record, Reject, ingest
from stakegraph.keys import Principal
from stakegraph.model import Account, Contact, TeamMember
from stakegraph.store.base import GraphStore, UpsertResult

from .auth import ensure_visible, ensure_writable
from .deps import AdminKey, EventsDep, MetricsDep, StoreDep, WriteKey
from .errors import validation_failed
from .events import WriteEvent
from .schemas import (
    AccountBody,
    ContactBody,
    ContactPatch,
    ErrorBody,
    InteractionBatch,
    TeamMemberBody,
    WriteResult,
    WriteSummary,
)

__all__ = ["router"]

router = APIRouter(
    prefix="/v1",
    tags=["writes"],
    responses={
        401: {"model": ErrorBody},
        403: {"model": ErrorBody, "description": "Scope missing or account not allowed"},
        413: {"model": ErrorBody, "description": "Body over max_body_bytes"},
        422: {"model": ErrorBody},
    },
)


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _refuse(problems: list[dict[str, str]]) -> None:
    if problems:
        first = problems[0]
        raise ValidationFailed(f"{first['field']}: {first['message']}", details=problems)


def _path_id(body_id: str | None, path_id: str) -> None:
    if body_id is not None and body_id != path_id:
        _refuse([_problem("body.id", f"{body_id!r} does not match the id in the path {path_id!r}")])


_Entity = TypeVar("_Entity", Account, Contact, TeamMember)


def _entity_at(model: type[_Entity], body: BaseModel, path_id: str) -> _Entity:
    """The entity a PUT body describes, with the id of its path (a different body id is a 422)."""
    _path_id(getattr(body, "id", None), path_id)
    try:
        return model.model_validate({**body.model_dump(exclude={"id"}), "id": path_id})
    except ValidationError as exc:
        raise validation_failed(exc) from None


def _outcome(
    result: UpsertResult, record_id: str, record: dict[str, Any], response: Response
) -> WriteResult:
    created = record_id in result.created
    if created:
        response.status_code = status.HTTP_201_CREATED
    change = next((c for c in result.role_changes if c.contact_id == record_id), None)
    return WriteResult(
        id=record_id,
        created=created,
        changed=created or record_id in result.updated,
        record=record,
        role_change=change,
    )


def _check_contact_refs(store: GraphStore, contact: Contact) -> None:
    problems = []
    if not store.existing_ids("Account", [contact.account_id]):
        problems.append(_problem("body.account_id", f"no account {contact.account_id!r}"))
    if contact.reports_to is not None and not store.existing_ids("Contact", [contact.reports_to]):
        problems.append(_problem("body.reports_to", f"no contact {contact.reports_to!r}"))
    _refuse(problems)


def _write_contact(
    store: GraphStore,
    events: Any,
    principal: Principal,
    contact: Contact,
    previous: Contact | None,
    response: Response,
) -> WriteResult:
    ensure_writable(principal, contact.account_id, field="body.account_id")
    if previous is not None and previous.account_id != contact.account_id:
        ensure_writable(principal, previous.account_id, field="account_id")
    _check_contact_refs(store, contact)
    result = store.upsert_contacts([contact])
    touched = {contact.account_id} | ({previous.account_id} if previous else set())
    events.publish(
        WriteEvent(
            kind="contact",
            account_ids=frozenset(touched),
            role_changes=tuple(result.role_changes),
        )
    )
    return _outcome(result, contact.id, contact.model_dump(mode="json"), response)


@router.put("/accounts/{account_id}", response_model=WriteResult, summary="Create or update")
def put_account(
    account_id: str,
    body: AccountBody,
    principal: WriteKey,
    store: StoreDep,
    events: EventsDep,
    metrics: MetricsDep,
    response: Response,
) -> WriteResult:
    """Create or update one account (201 when created)."""
    ensure_writable(principal, account_id)
    account = _entity_at(Account, body, account_id)
    result = store.upsert_accounts([account])
    metrics.writes.labels("account").inc()
    events.publish(WriteEvent(kind="account", account_ids=frozenset({account_id})))
    return _outcome(result, account_id, account.model_dump(mode="json"), response)


@router.delete(
    "/accounts/{account_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"model": ErrorBody}},
    summary="Delete an account (admin)",
)
def delete_account(
    account_id: str, principal: AdminKey, store: StoreDep, events: EventsDep, metrics: MetricsDep
) -> Response:
    """Delete an account with its contacts and interactions."""
    ensure_visible(principal, account_id)
    if not store.delete_account(account_id):
        raise NotFoundError(f"no account {account_id!r}", details={"account_id": account_id})
    metrics.writes.labels("account_deleted").inc()
    events.publish(WriteEvent(kind="account_deleted", deleted=frozenset({account_id})))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/contacts/{contact_id}", response_model=WriteResult, summary="Create or update")
def put_contact(
    contact_id: str,
    body: ContactBody,
    principal: WriteKey,
    store: StoreDep,
    events: EventsDep,
    metrics: MetricsDep,
    response: Response,
) -> WriteResult:
    """Create or replace one contact; a change of title, seniority, manager, status or account
    is recorded as a role change and returned."""
    contact = _entity_at(Contact, body, contact_id)
    previous = store.get_contact(contact_id)
    metrics.writes.labels("contact").inc()
    return _write_contact(store, events, principal, contact, previous, response)


@router.patch(
    "/contacts/{contact_id}",
    response_model=WriteResult,
    responses={404: {"model": ErrorBody}},
    summary="Change some fields (a role change, say)",
)
def patch_contact(
    contact_id: str,
    body: ContactPatch,
    principal: WriteKey,
    store: StoreDep,
    events: EventsDep,
    metrics: MetricsDep,
    response: Response,
) -> WriteResult:
    """Change the fields given. A new title without a seniority re-infers the seniority (and,
    without a function, the function), so a promotion needs only the title."""
    previous = store.get_contact(contact_id)
    if previous is None or not principal.can_see(previous.account_id):
        raise NotFoundError(f"no contact {contact_id!r}", details={"contact_id": contact_id})
    changes = body.model_dump(exclude_unset=True)
    data = previous.model_dump()
    data.update(changes)
    if "title" in changes and "seniority" not in changes:
        data.pop("seniority", None)
    if ("title" in changes or "department" in changes) and "function" not in changes:
        data.pop("function", None)
    try:
        contact = Contact.model_validate(data)
    except ValidationError as exc:
        raise validation_failed(exc) from None
    metrics.writes.labels("contact").inc()
    return _write_contact(store, events, principal, contact, previous, response)


@router.put("/team/{member_id}", response_model=WriteResult, summary="Create or update")
def put_team_member(
    member_id: str,
    body: TeamMemberBody,
    principal: WriteKey,
    store: StoreDep,
    events: EventsDep,
    metrics: MetricsDep,
    response: Response,
) -> WriteResult:
    """Create or update one of our own people."""
    member = _entity_at(TeamMember, body, member_id)
    result = store.upsert_team([member])
    metrics.writes.labels("team").inc()
    # Our people appear on any account: every cached report may name them.
    if member_id in result.created or member_id in result.updated:
        events.publish(WriteEvent(kind="team", every_account=True))
    return _outcome(result, member_id, member.model_dump(mode="json"), response)


@router.post("/interactions", response_model=WriteSummary, summary="Create or update a batch")
def post_interactions(
    body: InteractionBatch,
    principal: WriteKey,
    store: StoreDep,
    events: EventsDep,
    metrics: MetricsDep,
) -> WriteSummary:
    """Create or update interactions; every account, team member and contact they name must
    exist (a contact on the interaction's account)."""
    interactions = body.interactions
    account_ids = sorted({i.account_id for i in interactions})
    for index, interaction in enumerate(interactions):
        ensure_writable(
            principal, interaction.account_id, field=f"body.interactions[{index}].account_id"
        )
    known_accounts = store.existing_ids("Account", account_ids)
    team_ids = sorted({t for i in interactions for t in i.team_ids})
    known_team = store.existing_ids("TeamMember", team_ids)
    contacts = store.get_contacts(sorted({c for i in interactions for c in i.contact_ids}))
    problems: list[dict[str, str]] = []
    for index, interaction in enumerate(interactions):
        at = f"body.interactions[{index}]"
        if interaction.account_id not in known_accounts:
            problems.append(_problem(f"{at}.account_id", f"no account {interaction.account_id!r}"))
        for k, team_id in enumerate(interaction.team_ids):
            if team_id not in known_team:
                problems.append(_problem(f"{at}.team_ids[{k}]", f"no team member {team_id!r}"))
        for k, contact_id in enumerate(interaction.contact_ids):
            contact = contacts.get(contact_id)
            if contact is None:
                problems.append(_problem(f"{at}.contact_ids[{k}]", f"no contact {contact_id!r}"))
            elif contact.account_id != interaction.account_id:
                problems.append(
                    _problem(
                        f"{at}.contact_ids[{k}]",
                        f"contact {contact_id!r} works at {contact.account_id!r}, "
                        f"not {interaction.account_id!r}",
                    )
                )
    _refuse(problems)
    result = store.upsert_interactions(interactions)
    metrics.writes.labels("interaction").inc(len(interactions))
    events.publish(WriteEvent(kind="interactions", account_ids=frozenset(account_ids)))
    return WriteSummary(
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        role_changes=result.role_changes,
    )


def _allowed_records(
    principal: Principal, records: Iterable[Record | Reject]
) -> Iterator[Record | Reject]:
    """The bundle's records, with those of accounts outside the key's allow-list rejected."""
    for item in records:
        if principal.accounts is None or isinstance(item, Reject):
            yield item
            continue
        section, raw, location = item
        account_id: object = None
        if isinstance(raw, dict):
            account_id = raw.get("id") if section == "accounts" else raw.get("account_id")
        if section == "team" or account_id is None or principal.can_see(str(account_id)):
            yield item
        else:
            yield Reject(
                "api",
                location,
                f"this key may not write to account {account_id!r}",
                entity=section,
                id=str(raw.get("id")) if isinstance(raw, dict) else None,
                field="id" if section == "accounts" else "account_id",
            )


@router.post(
    "/bundle",
    summary="Import a bundle",
    responses={
        400: {"model": ErrorBody, "description": "Not a bundle (not JSON, wrong top level)"}
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": bundle_schema()}},
        }
    },
)
async def post_bundle(
    request: Request,
    principal: WriteKey,
    store: StoreDep,
    events: EventsDep,
    metrics: MetricsDep,
    dry_run: Annotated[bool, Query(description="Report what would change, write nothing")] = False,
) -> dict[str, Any]:
    """Import a bundle with the same semantics as ``stakegraph import``: good records are
    written (idempotently), bad ones are listed in ``rejects`` with where and why; ``ok`` is
    false when anything was rejected."""
    body = await request.body()

    def run() -> ImportReport:
        records = read_bundle(io.BytesIO(body), source="api")
        return ingest(
            store,
            _allowed_records(principal, records),
            source="api",
            dry_run=dry_run,
            batch_size=store_batch(store),
        )

    report = await run_in_threadpool(run)
    if not dry_run:
        counts = report.counts
        metrics.writes.labels("bundle").inc()
        team_changed = counts["team"].created + counts["team"].updated > 0
        events.publish(
            WriteEvent(
                kind="bundle",
                account_ids=frozenset(report.touched_accounts),
                every_account=team_changed,
                role_changes=tuple(report.role_changes),
                created_contacts=frozenset(report.created_contacts),
                source="bundle",
            )
        )
    return {"ok": report.ok, **report.to_dict()}


def store_batch(store: GraphStore) -> int:
    """The store's write batch size (1000 when it does not say)."""
    return int(getattr(store, "batch_size", 1000))
