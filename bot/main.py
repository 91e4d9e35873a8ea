"""The app factory: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.api import health, nlu, orders
from bot.api.errors import install_error_handlers
from bot.log_config import configure_logging
from bot.services import Services, build_services
from bot.settings import Settings, get_settings


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app. ``services`` may be injected (unit tests); otherwise the lifespan builds
    the real ones from ``settings`` once."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        app.state.services = services or build_services(settings)
        try:
            yield
        finally:
            if owned:
                await app.state.services.aclose()

    app = FastAPI(title="After-sales bot", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(nlu.router)
    app.include_router(orders.router)
    return app


def app_factory() -> FastAPI:
    """Entry point for ``uvicorn --factory bot.main:app_factory``."""
    return create_app()
