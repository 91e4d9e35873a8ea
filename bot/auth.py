"""Verifying (and, for local use, minting) the HS256 JWTs of the contract."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import jwt

Role = Literal["buyer", "agent"]
ROLES: tuple[Role, ...] = ("buyer", "agent")


class AuthError(Exception):
    """The token is missing, malformed, expired or has the wrong role."""


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    role: Role


def verify_token(token: str, secret: str) -> Principal:
    try:
        claims = jwt.decode(
            token, secret, algorithms=["HS256"], options={"require": ["sub", "role"]}
        )
    except jwt.ExpiredSignatureError as e:
        raise AuthError("token expired") from e
    except jwt.InvalidTokenError as e:
        raise AuthError(f"invalid token: {e}") from e
    role, sub = claims.get("role"), claims.get("sub")
    if role not in ROLES:
        raise AuthError(f"invalid token: role must be one of {', '.join(ROLES)}")
    if not isinstance(sub, str) or not sub:
        raise AuthError("invalid token: sub must be a non-empty string")
    return Principal(subject=sub, role=role)


def mint_token(subject: str, role: Role, secret: str, ttl_s: int = 24 * 3600) -> str:
    """A token like the shop's backend would mint; for local use and tests."""
    now = int(time.time())
    payload = {"sub": subject, "role": role, "iat": now, "exp": now + ttl_s}
    return jwt.encode(payload, secret, algorithm="HS256")
