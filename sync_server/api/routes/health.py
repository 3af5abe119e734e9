"""GET /v1/health: the server is up and its database answers (HEAD too, for uptime monitors)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import text

from aidioma_protocol.wire import Health

from ... import __version__
from ..deps import SessionDep
from ..routing import StrictJsonRoute

router = APIRouter(tags=["health"], route_class=StrictJsonRoute)


@router.get("/health", response_model=Health)
def health(session: SessionDep) -> Health:
    session.execute(text("SELECT 1"))
    return Health(version=__version__)


@router.head("/health", include_in_schema=False, response_class=Response)
def health_head(session: SessionDep) -> Response:
    health(session)
    return Response(status_code=200)
