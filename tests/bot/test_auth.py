"""JWTs: exp required, a maximum lifetime, an audience and a secret per role, the claimed role
never trusted; and the 401 envelope the API answers with."""

from __future__ import annotations

import time

import jwt
import pytest
from fastapi.testclient import TestClient

from bot.auth import AuthError, JwtPolicy, mint_token, verify_token
from bot.main import create_app
from bot.services import Services
from bot.settings import Settings
from tests.utils.fakes import FakeParser

BUYER_SECRET = "buyer-secret-0123456789abcdef-0123456789"
AGENT_SECRET = "agent-secret-0123456789abcdef-0123456789"
POLICY = JwtPolicy({"buyer": BUYER_SECRET, "agent": AGENT_SECRET}, max_lifetime_s=3600)
SHARED = JwtPolicy.shared("shared-secret-0123456789abcdef-0123456789", max_lifetime_s=3600)


def forge(claims: dict, secret: str) -> str:
    return jwt.encode(claims, secret, algorithm="HS256")


def claims(role: str = "buyer", *, lifetime: int = 600, **changes) -> dict:
    now = int(time.time())
    base = {
        "sub": "B17",
        "role": role,
        "aud": POLICY.audiences[role],  # type: ignore[index]
        "iat": now,
        "exp": now + lifetime,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def test_minted_tokens_carry_the_roles_audience_and_secret():
    for role, secret in (("buyer", BUYER_SECRET), ("agent", AGENT_SECRET)):
        token = mint_token("someone", role, POLICY, ttl_s=60)  # type: ignore[arg-type]
        audience = POLICY.audiences[role]  # type: ignore[index]
        decoded = jwt.decode(token, secret, algorithms=["HS256"], audience=audience)
        assert decoded["role"] == role and decoded["exp"] - decoded["iat"] == 60
        assert verify_token(token, POLICY).role == role


def test_mint_defaults_to_the_maximum_lifetime_and_refuses_longer():
    token = mint_token("B17", "buyer", POLICY)
    decoded = jwt.decode(token, options={"verify_signature": False})
    assert decoded["exp"] - decoded["iat"] == 3600
    with pytest.raises(ValueError, match="maximum lifetime"):
        mint_token("B17", "buyer", POLICY, ttl_s=3601)


def test_a_bare_secret_mints_for_both_roles_with_the_default_audiences():
    token = mint_token("agent-1", "agent", "s" * 40)
    principal = verify_token(token, JwtPolicy.shared("s" * 40))
    assert (principal.subject, principal.role) == ("agent-1", "agent")


def test_token_without_exp_is_refused():
    with pytest.raises(AuthError, match="exp"):
        verify_token(forge(claims(exp=None), BUYER_SECRET), POLICY)


def test_expired_token_is_refused():
    past = int(time.time()) - 10
    with pytest.raises(AuthError, match="expired"):
        verify_token(forge(claims(iat=past - 60, exp=past), BUYER_SECRET), POLICY)


@pytest.mark.parametrize(
    ("iat_offset", "exp_offset", "ok"),
    [
        (0, 3600, True),  # exactly the maximum
        (0, 3601, False),  # exp - iat over the maximum
        (-3000, 601, False),  # issued long ago: exp - iat = 3601
        (-3000, 600, True),
        (None, 3500, True),  # no iat: exp - now counts
        (None, 3700, False),
    ],
)
def test_lifetime_is_capped(iat_offset, exp_offset, ok):
    now = int(time.time())
    iat = None if iat_offset is None else now + iat_offset
    token = forge(claims(iat=iat, exp=now + exp_offset), BUYER_SECRET)
    if ok:
        assert verify_token(token, POLICY, now=now).subject == "B17"
    else:
        with pytest.raises(AuthError, match="lifetime"):
            verify_token(token, POLICY, now=now)


def test_an_iat_forged_close_to_a_distant_exp_is_refused():
    now = int(time.time())
    far = now + 30 * 24 * 3600
    token = forge(claims(iat=far - 60, exp=far), BUYER_SECRET)
    # PyJWT refuses an iat in the future; the exp - now cap would catch it otherwise.
    with pytest.raises(AuthError):
        verify_token(token, POLICY, now=now)


@pytest.mark.parametrize(
    "aud",
    [None, "someone-else", "aftersales-agent", ["aftersales-buyer", "aftersales-agent"]],
)
def test_buyer_token_needs_exactly_the_buyer_audience(aud):
    token = forge(claims(aud=aud), BUYER_SECRET)
    with pytest.raises(AuthError):
        verify_token(token, POLICY)


def test_buyer_token_claiming_the_agent_role_is_refused():
    # Signed with the buyer secret for the buyer audience, but claiming to be an agent: it is
    # verified with the agent's secret and audience, and fails.
    forged = forge({**claims("buyer"), "role": "agent"}, BUYER_SECRET)
    with pytest.raises(AuthError):
        verify_token(forged, POLICY)
    # Even with one secret for both roles (the backward-compatible default) the audience
    # still binds the token to the buyer role.
    shared_secret = SHARED.secrets["buyer"]
    forged = forge({**claims("buyer"), "role": "agent"}, shared_secret)
    with pytest.raises(AuthError, match=r"(?i)audience"):
        verify_token(forged, SHARED)


def test_agent_token_signed_with_the_buyer_secret_is_refused():
    with pytest.raises(AuthError, match=r"(?i)signature"):
        verify_token(forge(claims("agent"), BUYER_SECRET), POLICY)


def test_unknown_role_and_unsigned_tokens_are_refused():
    with pytest.raises(AuthError, match="role"):
        verify_token(forge({**claims(), "role": "admin"}, BUYER_SECRET), POLICY)
    unsigned = jwt.encode(claims(), key=None, algorithm="none")  # type: ignore[arg-type]
    with pytest.raises(AuthError):
        verify_token(unsigned, POLICY)


def test_policy_needs_distinct_audiences():
    with pytest.raises(ValueError, match="different audiences"):
        JwtPolicy({"buyer": "x", "agent": "y"}, audiences={"buyer": "a", "agent": "a"})


# --- through the API ----------------------------------------------------------------------------


@pytest.fixture
def api() -> TestClient:
    settings = Settings(
        env="test",
        buyer_jwt_secret=BUYER_SECRET,
        agent_jwt_secret=AGENT_SECRET,
        jwt_max_lifetime_s=3600,
        _env_file=None,
    )
    with TestClient(create_app(settings, Services(parser=FakeParser()))) as client:
        yield client


def _parse(client: TestClient, token: str):
    return client.post(
        "/v1/nlu/parse", json={"text": "where is it"}, headers={"Authorization": f"Bearer {token}"}
    )


def test_api_accepts_an_agent_token_of_the_agent_policy(api):
    assert _parse(api, mint_token("agent-1", "agent", POLICY)).status_code == 200


@pytest.mark.parametrize(
    "token",
    [
        forge(claims("agent", exp=None), AGENT_SECRET),  # no exp
        forge(claims("agent", lifetime=7200), AGENT_SECRET),  # over the maximum lifetime
        forge({**claims("buyer"), "role": "agent"}, BUYER_SECRET),  # a buyer token claiming agent
        forge(claims("agent"), BUYER_SECRET),  # an agent token with the buyer secret
        mint_token("agent-1", "agent", "s" * 40),  # the old shared secret
    ],
    ids=["no-exp", "too-long", "buyer-as-agent", "wrong-secret", "other-secret"],
)
def test_api_answers_401_in_the_envelope(api, token):
    response = _parse(api, token)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_api_buyer_token_on_an_agent_endpoint_is_still_403(api):
    assert _parse(api, mint_token("B17", "buyer", POLICY)).status_code == 403


# --- sellers (issue 18) -------------------------------------------------------------------------

SELLER_SECRET = "seller-secret-0123456789abcdef-0123456789"
WITH_SELLERS = JwtPolicy(
    {"buyer": BUYER_SECRET, "agent": AGENT_SECRET, "seller": SELLER_SECRET}, max_lifetime_s=3600
)


def test_a_seller_token_verifies_with_the_seller_key_only():
    token = mint_token("S1", "seller", WITH_SELLERS, ttl_s=60)
    decoded = jwt.decode(token, SELLER_SECRET, algorithms=["HS256"], audience="aftersales-seller")
    assert decoded["role"] == "seller"
    assert verify_token(token, WITH_SELLERS) == verify_token(token, WITH_SELLERS)
    assert verify_token(token, WITH_SELLERS).subject == "S1"
    # A buyer token relabelled as a seller's fails: wrong audience and secret.
    with pytest.raises(AuthError):
        verify_token(forge({**claims("buyer"), "role": "seller"}, BUYER_SECRET), WITH_SELLERS)
    # Signed with the agent secret for the seller audience: the signature fails.
    seller_claims = {**claims("buyer"), "role": "seller", "aud": "aftersales-seller"}
    with pytest.raises(AuthError, match=r"(?i)signature"):
        verify_token(forge(seller_claims, AGENT_SECRET), WITH_SELLERS)


def test_a_policy_without_a_seller_key_refuses_seller_tokens():
    token = mint_token("S1", "seller", WITH_SELLERS, ttl_s=60)
    with pytest.raises(AuthError, match="role must be one of buyer, agent"):
        verify_token(token, POLICY)
    with pytest.raises(ValueError, match="role must be one of"):
        mint_token("S1", "seller", POLICY)


def test_the_seller_audience_must_differ_from_the_others():
    with pytest.raises(ValueError, match="different audiences"):
        JwtPolicy(
            {"buyer": "x", "agent": "y", "seller": "z"},
            audiences={"buyer": "a", "agent": "b", "seller": "a"},
        )


def test_settings_give_sellers_their_own_secret_and_audience():
    settings = Settings(env="test", seller_jwt_secret=SELLER_SECRET, _env_file=None)
    policy = settings.jwt_policy()
    assert policy.secrets["seller"] == SELLER_SECRET
    assert policy.audiences["seller"] == "aftersales-seller"
    assert verify_token(mint_token("S1", "seller", policy), policy).role == "seller"
    # Unset, it falls back to the shared secret like the other roles.
    assert Settings(env="test", _env_file=None).jwt_policy().secrets["seller"] == (
        Settings(env="test", _env_file=None).jwt_secret
    )


def test_api_seller_token_on_an_agent_endpoint_is_403(api):
    # The api fixture sets no seller secret: it falls back to the (demo) shared jwt_secret.
    demo = Settings(env="test", _env_file=None).jwt_secret
    policy = JwtPolicy({**POLICY.secrets, "seller": demo}, max_lifetime_s=3600)
    assert _parse(api, mint_token("S1", "seller", policy)).status_code == 403
