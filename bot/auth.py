"""Verifying (and, for local use, minting) the HS256 JWTs of the contract.

Each role has its own key: a secret and an audience (`JwtPolicy`). A token must carry ``sub``,
``role``, ``aud`` and ``exp``; its lifetime (``exp - iat``, or ``exp - now`` without ``iat``) may
not exceed the policy's maximum. The verifier reads the claimed role only to choose the key, and
then verifies the token with that role's secret and audience: a buyer token that claims the agent
role fails, because it was signed for the buyer audience (and, in production, with the buyer
secret).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import jwt

from common.errors import Unauthorized

Role = Literal["buyer", "agent", "seller"]
ROLES: tuple[Role, ...] = ("buyer", "agent", "seller")
# Every policy has buyer and agent keys; a seller key is optional (a policy without one refuses
# seller tokens), so deployments that never talk to sellers need no third secret.
REQUIRED_ROLES: tuple[Role, ...] = ("buyer", "agent")

DEFAULT_AUDIENCES: Mapping[Role, str] = MappingProxyType(
    {"buyer": "aftersales-buyer", "agent": "aftersales-agent", "seller": "aftersales-seller"}
)
DEFAULT_MAX_LIFETIME_S = 24 * 3600
ALGORITHM = "HS256"


class AuthError(Unauthorized):
    """The token is missing, malformed, expired or has the wrong role."""


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    role: Role


@dataclass(frozen=True)
class JwtPolicy:
    """What a token of each role is signed with and for, and how long it may live."""

    secrets: Mapping[Role, str]
    audiences: Mapping[Role, str] = field(default_factory=lambda: DEFAULT_AUDIENCES)
    max_lifetime_s: int = DEFAULT_MAX_LIFETIME_S

    def __post_init__(self) -> None:
        for role in REQUIRED_ROLES:
            if not self.secrets.get(role) or not self.audiences.get(role):
                raise ValueError(f"the JWT policy needs a secret and an audience for {role}")
        if self.secrets.get("seller") and not self.audiences.get("seller"):
            raise ValueError("the JWT policy needs an audience for seller")
        used = [self.audiences[role] for role in self.roles]
        if len(set(used)) != len(used):
            raise ValueError("buyer, agent and seller tokens need different audiences")
        if self.max_lifetime_s <= 0:
            raise ValueError("max_lifetime_s must be positive")

    @property
    def roles(self) -> tuple[Role, ...]:
        """The roles this policy can verify (buyer and agent always; seller when keyed)."""
        return tuple(role for role in ROLES if self.secrets.get(role))

    @classmethod
    def shared(cls, secret: str, *, max_lifetime_s: int = DEFAULT_MAX_LIFETIME_S) -> JwtPolicy:
        """One secret for every role, the default audiences (local use, tests)."""
        return cls(
            {"buyer": secret, "agent": secret, "seller": secret}, max_lifetime_s=max_lifetime_s
        )


def _unverified_role(token: str, policy: JwtPolicy) -> Role:
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError as e:
        raise AuthError(f"invalid token: {e}") from e
    role = claims.get("role") if isinstance(claims, dict) else None
    if role not in policy.roles:
        raise AuthError(f"invalid token: role must be one of {', '.join(policy.roles)}")
    return role


def verify_token(token: str, policy: JwtPolicy, *, now: float | None = None) -> Principal:
    """The token's principal, or `AuthError`.

    The claimed role picks the secret and audience; it is not trusted: the signature, the
    audience (exactly that role's) and the lifetime are all checked with that role's key.
    """
    role = _unverified_role(token, policy)
    now = time.time() if now is None else now
    try:
        claims = jwt.decode(
            token,
            policy.secrets[role],
            algorithms=[ALGORITHM],
            audience=policy.audiences[role],
            options={"require": ["sub", "role", "aud", "exp"], "strict_aud": True},
        )
    except jwt.ExpiredSignatureError as e:
        raise AuthError("token expired") from e
    except jwt.InvalidTokenError as e:
        raise AuthError(f"invalid token: {e}") from e
    if claims.get("role") != role:  # cannot differ (same token), kept as a guard
        raise AuthError("invalid token: role changed")
    exp = int(claims["exp"])  # PyJWT checked that it is an integer
    iat = claims.get("iat")
    lifetime = exp - int(iat) if iat is not None else exp - now
    # exp - now is checked as well: it also catches an iat forged close to a distant exp.
    if max(lifetime, exp - now) > policy.max_lifetime_s:
        raise AuthError(
            f"invalid token: lifetime over the {policy.max_lifetime_s} s maximum "
            "(exp must be at most that long after iat and after now)"
        )
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise AuthError("invalid token: sub must be a non-empty string")
    return Principal(subject=sub, role=role)


def mint_token(subject: str, role: Role, policy: JwtPolicy | str, ttl_s: int | None = None) -> str:
    """A token like the shop's backend (buyers), the agents' login (agents) or the seller
    portal (sellers) would mint, signed with the role's secret for the role's audience; for
    local use and tests.

    ``policy`` may be a bare secret: every role's secret, with the default audiences. ``ttl_s``
    defaults to the policy's maximum lifetime and may not exceed it.
    """
    if isinstance(policy, str):
        policy = JwtPolicy.shared(policy)
    if role not in policy.roles:
        raise ValueError(f"role must be one of {', '.join(policy.roles)}")
    ttl_s = policy.max_lifetime_s if ttl_s is None else ttl_s
    if not 0 < ttl_s <= policy.max_lifetime_s:
        raise ValueError(
            f"ttl_s must be between 1 and the maximum lifetime ({policy.max_lifetime_s} s)"
        )
    now = int(time.time())
    payload = {
        "sub": subject,
        "role": role,
        "aud": policy.audiences[role],
        "iat": now,
        "exp": now + ttl_s,
    }
    return jwt.encode(payload, policy.secrets[role], algorithm=ALGORITHM)
