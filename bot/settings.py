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

from bot.store.db import normalize_url
from nlu.types import Thresholds

REPO_ROOT = Path(__file__).resolve().parent.parent
_NLU_DEFAULTS = Thresholds()
DEMO_JWT_SECRET = "demo-jwt-secret-change-me-0123456789abcdef"
DEMO_WEBHOOK_SECRET = "demo-webhook-secret-change-me"
DEMO_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'aftersales.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="AFTERSALES_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)

    jwt_secret: str = Field(DEMO_JWT_SECRET, min_length=32)
    webhook_secret: str = Field(DEMO_WEBHOOK_SECRET, min_length=16)
    database_url: str = DEMO_DATABASE_URL

    rasa_url: str = "http://127.0.0.1:5005"
    # The contract: Rasa slower than 2 s means a person takes over.
    rasa_timeout_s: float = Field(2.0, gt=0, le=30)
    # Below this confidence the best intent is reported as out_of_scope.
    nlu_confidence_threshold: float = Field(_NLU_DEFAULTS.confidence, ge=0, le=1)
    # The best intent must lead the second by at least this margin, else out_of_scope.
    nlu_ambiguity_threshold: float = Field(_NLU_DEFAULTS.ambiguity, ge=0, le=1)

    # Routing-policy A/B experiments (policies/experiments.py); None: no experiment runs.
    experiments_file: Path | None = None

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("experiments_file", mode="before")
    @classmethod
    def _empty_means_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        normalize_url(value)  # sqlite or postgresql, else a message naming both
        return value

    @model_validator(mode="after")
    def _refuse_demo_secrets_in_production(self) -> Settings:
        if self.env == "production":
            if self.jwt_secret == DEMO_JWT_SECRET:
                raise ValueError("AFTERSALES_JWT_SECRET must be set in production")
            if self.webhook_secret == DEMO_WEBHOOK_SECRET:
                raise ValueError("AFTERSALES_WEBHOOK_SECRET must be set in production")
            if self.database_url == DEMO_DATABASE_URL:
                raise ValueError("AFTERSALES_DATABASE_URL must be set in production")
        return self

    def nlu_thresholds(self) -> Thresholds:
        return Thresholds(
            confidence=self.nlu_confidence_threshold, ambiguity=self.nlu_ambiguity_threshold
        )


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests override this dependency or pass Settings directly."""
    return Settings()
