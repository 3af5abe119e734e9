"""The caller's account: summary, full export, and deletion of everything."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from aidioma_protocol.events import format_instant
from aidioma_protocol.wire import Account, AccountExport, Device, history_of

from ... import crud
from ...errors import unauthorized
from ..deps import CallerDep, ContextDep, SessionDep
from ..docs import errors
from ..routing import StrictJsonRoute
from .common import accepts_gzip, dumps, json_answer

router = APIRouter(prefix="/account", tags=["account"], route_class=StrictJsonRoute)


def _account(session: SessionDep, user_id: int) -> Account:
    row = crud.account(session, user_id)
    if row is None:  # deleted between the token check and now
        raise unauthorized("the account no longer exists")
    return Account(
        username=row.username,
        email=row.email,
        created_at=format_instant(row.created_at),
        events=row.events,
        devices=[
            Device(
                device_id=device.device_id,
                events=device.events,
                last_seen=None if device.last_seen is None else format_instant(device.last_seen),
            )
            for device in row.devices
        ],
        history=history_of(user_id, row.created_at),
    )


@router.get("", response_model=Account, responses=errors(401))
def get_account(caller: CallerDep, session: SessionDep) -> Account:
    """Who the token belongs to, with event counts per device."""
    return _account(session, caller.user.id)


@router.get("/export", response_model=AccountExport, responses=errors(401))
def export_account(caller: CallerDep, session: SessionDep, request: Request) -> Response:
    """The account and every one of its events, in seq order."""
    account = _account(session, caller.user.id)
    bodies = crud.all_bodies(session, caller.user.id)
    # Events are stored as canonical JSON: join them rather than re-serialise each one.
    content = f'{{"account":{dumps(account.model_dump())},"events":[{",".join(bodies)}]}}'
    return json_answer(content.encode(), accepts_gzip(request.headers))


@router.delete(
    "", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401), response_class=Response
)
def delete_account(caller: CallerDep, session: SessionDep, context: ContextDep) -> Response:
    """Erase the account and all its data (events, tokens, everything) for good."""
    crud.delete_user(session, caller.user.id, caller.user.username.lower(), context.clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
