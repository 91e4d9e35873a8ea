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


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


ServicesDep = Annotated[Services, Depends(get_services)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_principal(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("missing bearer token in the Authorization header")
    return verify_token(credentials.credentials, settings.jwt_policy())  # AuthError: 401


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_agent(principal: PrincipalDep) -> Principal:
    if principal.role != "agent":
        raise Forbidden("this endpoint needs an agent token")
    return principal


def require_buyer(principal: PrincipalDep) -> Principal:
    if principal.role != "buyer":
        raise Forbidden("this endpoint needs a buyer token")
    return principal


def require_seller(principal: PrincipalDep) -> Principal:
    if principal.role != "seller":
        raise Forbidden("this endpoint needs a seller token")
    return principal


AgentDep = Annotated[Principal, Depends(require_agent)]
SellerDep = Annotated[Principal, Depends(require_seller)]
BuyerDep = Annotated[Principal, Depends(require_buyer)]


def get_dialogue(request: Request) -> DialogueManager:
    dialogue = getattr(request.app.state, "dialogue", None)
    if dialogue is None:
        raise Unavailable("the conversation store is not configured")
    return dialogue


DialogueDep = Annotated[DialogueManager, Depends(get_dialogue)]


def get_agent_console(request: Request) -> AgentConsole:
    console = getattr(request.app.state, "agent_console", None)
    if console is None:
        raise Unavailable("the conversation store is not configured")
    return console


AgentConsoleDep = Annotated[AgentConsole, Depends(get_agent_console)]


def get_buyer_activity(request: Request) -> BuyerActivity:
    activity = getattr(request.app.state, "buyer_activity", None)
    if activity is None:
        raise Unavailable("the conversation store is not configured")
    return activity


BuyerActivityDep = Annotated[BuyerActivity, Depends(get_buyer_activity)]


def get_dispute_desk(request: Request) -> DisputeDesk:
    desk = getattr(request.app.state, "disputes", None)
    if desk is None:
        raise Unavailable("the dispute store is not configured")
    return desk


DisputeDeskDep = Annotated[DisputeDesk, Depends(get_dispute_desk)]
