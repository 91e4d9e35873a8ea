"""The long-lived objects of one app instance, built once in the lifespan."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.settings import Settings
from nlu.client import Parser, RasaHttpParser

ReadinessCheck = Callable[[], Awaitable[bool]]


@dataclass
class Services:
    parser: Parser
    # name -> check; /ready names every check that fails.
    readiness: dict[str, ReadinessCheck] = field(default_factory=dict)

    async def aclose(self) -> None:
        await self.parser.aclose()


def build_services(settings: Settings) -> Services:
    parser = RasaHttpParser(
        settings.rasa_url,
        timeout_s=settings.rasa_timeout_s,
        thresholds=settings.nlu_thresholds(),
    )
    return Services(parser=parser, readiness={"rasa": parser.is_ready})
