"""The long-lived objects of one app instance, built once in the lifespan."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.settings import Settings
from bot.store.db import Database
from nlu.client import Parser, RasaHttpParser

ReadinessCheck = Callable[[], Awaitable[bool]]


@dataclass
class Services:
    parser: Parser
    # name -> check; /ready names every check that fails.
    readiness: dict[str, ReadinessCheck] = field(default_factory=dict)
    # None only in unit tests that touch no store; the store's routes then answer 503.
    database: Database | None = None

    async def aclose(self) -> None:
        await self.parser.aclose()
        if self.database is not None:
            self.database.dispose()


def build_services(settings: Settings) -> Services:
    parser = RasaHttpParser(
        settings.rasa_url,
        timeout_s=settings.rasa_timeout_s,
        thresholds=settings.nlu_thresholds(),
    )
    database = Database(settings.database_url)
    return Services(
        parser=parser,
        readiness={"rasa": parser.is_ready, "database": database.is_ready},
        database=database,
    )
