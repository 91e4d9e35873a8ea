"""Every injectable of the API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.agent.service import AgentConsole
from bot.auth import Principal, verify_token
from bot.dialogue.manager import DialogueManager
from bot.disputes.service import DisputeDesk
from bot.services import Services
from bot.settings import Settings
from bot.store.limits import BuyerActivity
from common.errors import Forbidden, Unauthorized, Unavailable

_bearer = HTTPBearer(auto_error=False)

# Every dependency is ``async def``: none blocks (no I/O; a JWT check is microseconds), and
# FastAPI runs a plain ``def`` dependency in the thread pool, one thread hop each (six of them
# on a buyer's message, ~10% of a bot process's CPU under load in a py-spy profile).


async def get_services(request: Request) -> Services:
    return request.app.state.services


async def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


ServicesDep = Annotated[Services, Depends(get_services)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def get_principal(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("missing bearer token in the Authorization header")
    return verify_token(credentials.credentials, settings.jwt_policy())  # AuthError: 401


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def require_agent(principal: PrincipalDep) -> Principal:
    if principal.role != "agent":
        raise Forbidden("this endpoint needs an agent token")
    return principal


async def require_buyer(principal: PrincipalDep) -> Principal:
    if principal.role != "buyer":
        raise Forbidden("this endpoint needs a buyer token")
    return principal


async def require_seller(principal: PrincipalDep) -> Principal:
    if principal.role != "seller":
        raise Forbidden("this endpoint needs a seller token")
    return principal


AgentDep = Annotated[Principal, Depends(require_agent)]
SellerDep = Annotated[Principal, Depends(require_seller)]
BuyerDep = Annotated[Principal, Depends(require_buyer)]


async def get_dialogue(request: Request) -> DialogueManager:
    dialogue = getattr(request.app.state, "dialogue", None)
    if dialogue is None:
        raise Unavailable("the conversation store is not configured")
    return dialogue


DialogueDep = Annotated[DialogueManager, Depends(get_dialogue)]


async def get_agent_console(request: Request) -> AgentConsole:
    console = getattr(request.app.state, "agent_console", None)
    if console is None:
        raise Unavailable("the conversation store is not configured")
    return console


AgentConsoleDep = Annotated[AgentConsole, Depends(get_agent_console)]


async def get_buyer_activity(request: Request) -> BuyerActivity:
    activity = getattr(request.app.state, "buyer_activity", None)
    if activity is None:
        raise Unavailable("the conversation store is not configured")
    return activity


BuyerActivityDep = Annotated[BuyerActivity, Depends(get_buyer_activity)]


async def get_dispute_desk(request: Request) -> DisputeDesk:
    desk = getattr(request.app.state, "disputes", None)
    if desk is None:
        raise Unavailable("the dispute store is not configured")
    return desk


DisputeDeskDep = Annotated[DisputeDesk, Depends(get_dispute_desk)]
