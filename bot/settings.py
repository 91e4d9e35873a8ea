"""The one settings object. Read from the environment (prefix ``AFTERSALES_``) and ``.env``.

An environment variable wins over ``.env``. Demo secrets are fine for local use and are refused
when ``AFTERSALES_ENV=production``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.auth import DEFAULT_AUDIENCES, JwtPolicy
from bot.store.db import normalize_url
from nlu.types import MULTILINGUAL_THRESHOLDS, Thresholds

REPO_ROOT = Path(__file__).resolve().parent.parent
_NLU_DEFAULTS = Thresholds()
_NLU_MULTILINGUAL_DEFAULTS = MULTILINGUAL_THRESHOLDS
DEMO_JWT_SECRET = "demo-jwt-secret-change-me-0123456789abcdef"
DEMO_WEBHOOK_SECRET = "demo-webhook-secret-change-me"
DEMO_RASA_TOKEN = "demo-rasa-token-change-me"
DEMO_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'aftersales.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="AFTERSALES_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)

    jwt_secret: str = Field(DEMO_JWT_SECRET, min_length=32)
    # Per-role JWT secrets; each defaults to jwt_secret when not set (backward compatibility).
    # Production should set both, to different values: then a buyer-token issuer cannot sign
    # agent tokens. The demo-secret refusal in production applies to both.
    buyer_jwt_secret: str | None = Field(None, min_length=32)
    agent_jwt_secret: str | None = Field(None, min_length=32)
    # Sellers answer disputes (REV-6.5) through /v1/seller/*; their own key, same fallback.
    seller_jwt_secret: str | None = Field(None, min_length=32)
    # The `aud` each role's tokens must carry (verified exactly, one audience per token).
    buyer_jwt_audience: str = Field(DEFAULT_AUDIENCES["buyer"], min_length=1)
    agent_jwt_audience: str = Field(DEFAULT_AUDIENCES["agent"], min_length=1)
    seller_jwt_audience: str = Field(DEFAULT_AUDIENCES["seller"], min_length=1)
    # A token whose exp - iat (or exp - now without iat) is longer than this is refused.
    jwt_max_lifetime_s: int = Field(24 * 3600, ge=60, le=30 * 24 * 3600)
    webhook_secret: str = Field(DEMO_WEBHOOK_SECRET, min_length=16)
    database_url: str = DEMO_DATABASE_URL

    rasa_url: str = "http://127.0.0.1:5005"
    # Several Rasa servers, comma-separated (`make run-multi` starts two): when set, parses go
    # to the least busy of them (`nlu.client.RasaPool`) and rasa_url is not used for parsing.
    rasa_urls: str = ""
    # The multilingual Rasa model's server (issue 16: ms, id, th, vi, tl; `make run` starts it).
    # Empty: every message is read by the English model, the behaviour before issue 16.
    rasa_multilingual_url: str = ""
    # Rasa's HTTP API token (`rasa run --auth-token`, sent as ?token=); refused in production
    # when left at the demo value.
    rasa_token: str = Field(DEMO_RASA_TOKEN, min_length=16)
    # The contract: Rasa slower than 2 s means a person takes over.
    rasa_timeout_s: float = Field(2.0, gt=0, le=30)
    # Below this confidence the best intent is reported as out_of_scope.
    nlu_confidence_threshold: float = Field(_NLU_DEFAULTS.confidence, ge=0, le=1)
    # The best intent must lead the second by at least this margin, else out_of_scope.
    nlu_ambiguity_threshold: float = Field(_NLU_DEFAULTS.ambiguity, ge=0, le=1)
    # Misspelt words corrected before the English model reads a message (nlu.spelling, issue
    # 14); the buyer's own text is stored either way. False: the English model reads as typed.
    nlu_spelling: bool = True
    # The same two for the multilingual model: its own, calibrated on a dev split of
    # data/nlu/multilingual (lab/nlu/calibrate_multilingual.py), never on the blind sets.
    nlu_multilingual_confidence_threshold: float = Field(
        _NLU_MULTILINGUAL_DEFAULTS.confidence, ge=0, le=1
    )
    nlu_multilingual_ambiguity_threshold: float = Field(
        _NLU_MULTILINGUAL_DEFAULTS.ambiguity, ge=0, le=1
    )

    # A remedy the buyer was asked to confirm lapses after this many minutes: a late "yes" gets
    # the case checked again and proposed anew, never the old offer.
    proposal_ttl_minutes: float = Field(30.0, gt=0, le=24 * 60)
    # The order webhook's signed timestamp (X-Signature-Timestamp) may differ from the bot's
    # clock by at most this many seconds; an older (replayed) push is refused with 401.
    webhook_tolerance_s: int = Field(300, ge=1, le=86_400)
    # False accepts the contract's first signature form (HMAC of the body alone, no timestamp)
    # for platforms not yet sending X-Signature-Timestamp; stale pushes are then caught only by
    # the order's version, and the ledger keeps money safe either way.
    webhook_require_timestamp: bool = True

    # Request bodies over this many bytes are refused with 413 before they are parsed (the
    # order webhook, PUT /v1/orders/{id}, has its own 1 MB limit).
    max_body_bytes: int = Field(65_536, ge=1024, le=10_000_000)
    # Per-buyer limits, counted in the database (they hold across bot processes); over one:
    # 429 rate_limited with Retry-After. 0 turns a limit off.
    buyer_max_conversations_per_hour: int = Field(20, ge=0)
    buyer_max_messages_per_minute: int = Field(30, ge=0)
    # A buyer with this many cases waiting for an agent cannot start another conversation.
    buyer_max_waiting_cases: int = Field(5, ge=0)

    # Buyers' photos (POST /v1/conversations/{id}/photos): kept in this folder (the local media
    # store), at most this many bytes per upload (413 naming `file`) and this many pixels once
    # decoded (a decompression bomb is refused from its header), at most this many per
    # conversation (0: no limit).
    media_dir: Path = REPO_ROOT / "var" / "media"
    media_max_bytes: int = Field(8 * 1024 * 1024, ge=1024, le=50 * 1024 * 1024)
    media_max_pixels: int = Field(40_000_000, ge=10_000, le=200_000_000)
    media_max_per_conversation: int = Field(20, ge=0)
    # REV-6.5: the seller has this long to answer a dispute before it is decided for the buyer,
    # and is reminded this long after it opened (no reminder when not before the deadline).
    dispute_response_hours: float = Field(48.0, gt=0, le=30 * 24)
    dispute_reminder_hours: float = Field(24.0, gt=0, le=30 * 24)
    # How often the job runner (dispute reminders and timeouts) polls the database; 0: no
    # runner in this process (another process runs the jobs).
    scheduler_poll_s: float = Field(5.0, ge=0, le=3600)
    # The sellers' outbound webhook (issue 18): every dispute step is POSTed there, signed like
    # the inbound order webhook with this secret, by the job runner (retries with backoff).
    # Unset: sellers poll GET /v1/seller/disputes.
    seller_webhook_url: str | None = Field(None, pattern=r"^https?://\S+$")
    seller_webhook_secret: str = ""
    seller_webhook_timeout_s: float = Field(10.0, gt=0, le=60)

    # Routing-policy A/B experiments (policies/experiments.py); None: no experiment runs.
    experiments_file: Path | None = None

    # The analytics dashboard's preset windows (24 h, 7 d, 30 d) are recomputed once the store
    # has not changed for this long (bot.api.analytics.refresh_loop: the store's data version is
    # read this often); 0: only on request.
    analytics_refresh_s: int = Field(60, ge=0, le=86_400)
    # Analytics summaries and reports are computed in a child process of each bot process
    # (bot.analytics.offload), so that their seconds of Python do not hold the GIL of the process
    # serving buyer turns; false: in the serving process itself (unit tests with fake models).
    analytics_separate_process: bool = True

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("experiments_file", mode="before")
    @classmethod
    def _empty_means_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("media_dir", mode="before")
    @classmethod
    def _empty_means_default_media_dir(cls, value: object) -> object:
        return REPO_ROOT / "var" / "media" if value == "" else value

    @field_validator("buyer_jwt_secret", "agent_jwt_secret", "seller_jwt_secret", mode="before")
    @classmethod
    def _empty_secret_means_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _role_secrets_default_to_jwt_secret(self) -> Settings:
        if self.buyer_jwt_secret is None:
            self.buyer_jwt_secret = self.jwt_secret
        if self.agent_jwt_secret is None:
            self.agent_jwt_secret = self.jwt_secret
        if self.seller_jwt_secret is None:
            self.seller_jwt_secret = self.jwt_secret
        audiences = (self.buyer_jwt_audience, self.agent_jwt_audience, self.seller_jwt_audience)
        if len(set(audiences)) != len(audiences):
            raise ValueError(
                "AFTERSALES_BUYER_JWT_AUDIENCE, AFTERSALES_AGENT_JWT_AUDIENCE and "
                "AFTERSALES_SELLER_JWT_AUDIENCE must differ"
            )
        return self

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        normalize_url(value)  # sqlite or postgresql, else a message naming both
        return value

    @model_validator(mode="after")
    def _refuse_demo_secrets_in_production(self) -> Settings:
        if self.env == "production":
            # Sellers are optional: with no seller secret of its own in production, the seller
            # role is off (`jwt_policy` leaves it out) rather than keyed with the demo secret.
            for role in ("buyer", "agent"):
                if getattr(self, f"{role}_jwt_secret") == DEMO_JWT_SECRET:
                    raise ValueError(
                        f"AFTERSALES_{role.upper()}_JWT_SECRET (or AFTERSALES_JWT_SECRET) "
                        "must be set in production"
                    )
            if self.webhook_secret == DEMO_WEBHOOK_SECRET:
                raise ValueError("AFTERSALES_WEBHOOK_SECRET must be set in production")
            if self.seller_webhook_url and len(self.seller_webhook_secret) < 16:
                raise ValueError(
                    "AFTERSALES_SELLER_WEBHOOK_SECRET (16+ characters) must be set with "
                    "AFTERSALES_SELLER_WEBHOOK_URL"
                )
            if self.database_url == DEMO_DATABASE_URL:
                raise ValueError("AFTERSALES_DATABASE_URL must be set in production")
            if self.rasa_token == DEMO_RASA_TOKEN:
                raise ValueError("AFTERSALES_RASA_TOKEN must be set in production")
        return self

    def rasa_servers(self) -> list[str]:
        """The Rasa servers the bot parses with: ``rasa_urls`` if set, else ``rasa_url``."""
        listed = [url.strip() for url in self.rasa_urls.split(",") if url.strip()]
        return listed or [self.rasa_url]

    def jwt_policy(self) -> JwtPolicy:
        """The secrets, audiences and maximum lifetime of buyer, agent and seller tokens."""
        seller = self.seller_jwt_secret or self.jwt_secret
        if self.env == "production" and seller == DEMO_JWT_SECRET:
            seller = ""  # no seller key: seller tokens are refused
        return JwtPolicy(
            secrets={
                "buyer": self.buyer_jwt_secret or self.jwt_secret,
                "agent": self.agent_jwt_secret or self.jwt_secret,
                "seller": seller,
            },
            audiences={
                "buyer": self.buyer_jwt_audience,
                "agent": self.agent_jwt_audience,
                "seller": self.seller_jwt_audience,
            },
            max_lifetime_s=self.jwt_max_lifetime_s,
        )

    def nlu_thresholds(self) -> Thresholds:
        return Thresholds(
            confidence=self.nlu_confidence_threshold, ambiguity=self.nlu_ambiguity_threshold
        )

    def nlu_multilingual_thresholds(self) -> Thresholds:
        return Thresholds(
            confidence=self.nlu_multilingual_confidence_threshold,
            ambiguity=self.nlu_multilingual_ambiguity_threshold,
        )


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests override this dependency or pass Settings directly."""
    return Settings()
