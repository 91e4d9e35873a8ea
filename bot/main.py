"""The app factory: ``create_app(settings)``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from bot.agent.service import AgentConsole
from bot.agent.suggestions.suggest import Suggester
from bot.analytics.offload import ReportWorker
from bot.api import agent, analytics, conversations, disputes, health, media, nlu, orders, policies
from bot.api.body_limit import BodySizeLimit
from bot.api.errors import install_error_handlers
from bot.console import routes as console_routes
from bot.console.docs import docs_router
from bot.dialogue.context import Engines
from bot.dialogue.manager import DialogueManager
from bot.disputes.scheduler import JobRunner
from bot.disputes.service import DisputeDesk
from bot.disputes.webhook import SellerWebhook
from bot.language import identify as language_id
from bot.log_config import configure_logging
from bot.media.library import Limits, PhotoLibrary
from bot.media.storage import LocalMediaStore
from bot.services import Services, build_services
from bot.settings import Settings, get_settings
from bot.store.disputes import REMINDER_JOB, SELLER_WEBHOOK_JOB, TIMEOUT_JOB, DisputeTiming
from bot.store.jobs import Job, JobStore
from bot.store.limits import BuyerActivity
from policies.experiments import Experiments
from policies.router import RouterConfig


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app. ``services`` may be injected (unit tests); otherwise the lifespan builds
    the real ones from ``settings`` once."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        app.state.services = built = services or build_services(settings)
        if owned:
            await run_in_threadpool(language_id.warm_up)
        app.state.dialogue = _dialogue(settings, built)
        app.state.agent_console = _console(built)
        app.state.photos = _photos(settings, built)
        app.state.buyer_activity = (
            None
            if built.database is None
            else BuyerActivity(built.database.sessions, clock=built.clock)
        )
        app.state.disputes = _disputes(settings, built)
        if app.state.dialogue is not None:
            # A buyer's answer to a seller's offer in chat goes to the disputes' service.
            app.state.dialogue.offer_answers = app.state.disputes
        # The child process analytics bodies are computed in (started on first use).
        app.state.analytics_worker = ReportWorker()
        app.state.job_runner = runner = _job_runner(settings, built, app.state.disputes)
        tasks = []
        if runner is not None and settings.scheduler_poll_s > 0:
            tasks.append(asyncio.create_task(runner.run_forever(settings.scheduler_poll_s)))
        if settings.analytics_refresh_s and built.database is not None:
            tasks.append(
                asyncio.create_task(analytics.refresh_loop(app, settings.analytics_refresh_s))
            )
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            app.state.analytics_worker.close()
            if owned:
                await app.state.services.aclose()

    # The docs pages are the bot's own (bot/console/docs.py): their assets come from a package,
    # not from the CDN FastAPI's defaults load them from.
    app = FastAPI(
        title="After-sales bot",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    # Oversized bodies are refused before any route parses them (the order webhook: 1 MB).
    # A photo upload may carry up to the photo limit (its route checks the file itself).
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        pattern_limits=[
            (
                media.PHOTO_UPLOAD_PATH,
                settings.media_max_bytes + media.MULTIPART_OVERHEAD_BYTES,
            )
        ],
    )
    app.include_router(health.router)
    app.include_router(nlu.router)
    app.include_router(orders.router)
    app.include_router(conversations.router)
    app.include_router(media.router)
    app.include_router(agent.router)
    app.include_router(disputes.agent_router)
    app.include_router(disputes.seller_router)
    app.include_router(policies.router)
    app.include_router(analytics.router)
    app.include_router(console_routes.router)
    app.include_router(docs_router(app.title, app.openapi_url or "/openapi.json"))
    return app


def _dialogue(settings: Settings, services: Services) -> DialogueManager | None:
    """The dialogue manager over the services (None without a database)."""
    if services.database is None:
        return None
    engines = Engines(
        answerer=services.answerer,
        risk_model=services.risk_model,
        router_config=replace(
            services.router_config or RouterConfig(),
            nlu_confidence_threshold=settings.nlu_confidence_threshold,
        ),
        experiments=Experiments.load(settings.experiments_file)
        if settings.experiments_file is not None
        else None,
    )
    return DialogueManager(
        services.database,
        services.parser,
        engines,
        clock=services.clock,
        proposal_ttl=timedelta(minutes=settings.proposal_ttl_minutes),
        dispute_timing=_dispute_timing(settings),
    )


def _photos(settings: Settings, services: Services) -> PhotoLibrary | None:
    """Buyers' photos in the local media store (None without a database)."""
    if services.database is None:
        return None
    limits = Limits(
        max_bytes=settings.media_max_bytes,
        max_pixels=settings.media_max_pixels,
        max_per_conversation=settings.media_max_per_conversation,
    )
    return PhotoLibrary(services.database, LocalMediaStore(settings.media_dir), limits)


def _console(services: Services) -> AgentConsole | None:
    """The agent console's service (None without a database)."""
    if services.database is None:
        return None
    return AgentConsole(
        services.database,
        Suggester(services.assist_index),
        risk_model=services.risk_model,
        clock=services.clock,
    )


def _disputes(settings: Settings, services: Services) -> DisputeDesk | None:
    """The disputes' service (None without a database)."""
    if services.database is None:
        return None
    return DisputeDesk(services.database, clock=services.clock, timing=_dispute_timing(settings))


def _dispute_timing(settings: Settings) -> DisputeTiming:
    return DisputeTiming(
        respond_within=timedelta(hours=settings.dispute_response_hours),
        remind_after=timedelta(hours=settings.dispute_reminder_hours),
        notify_seller=_seller_webhook_on(settings),
    )


def _seller_webhook_on(settings: Settings) -> bool:
    return bool(settings.seller_webhook_url and settings.seller_webhook_secret)


def _job_runner(
    settings: Settings, services: Services, desk: DisputeDesk | None
) -> JobRunner | None:
    """The runner of the database's jobs: a dispute's reminder and timeout."""
    if services.database is None or desk is None:
        return None
    handlers: dict[str, Callable[[Job], object]] = {
        REMINDER_JOB: lambda job: desk.remind(job.subject_id),
        TIMEOUT_JOB: lambda job: desk.time_out(job.subject_id),
    }
    if _seller_webhook_on(settings):
        assert settings.seller_webhook_url is not None
        handlers[SELLER_WEBHOOK_JOB] = SellerWebhook(
            services.database,
            url=settings.seller_webhook_url,
            secret=settings.seller_webhook_secret,
            clock=services.clock,
            timeout_s=settings.seller_webhook_timeout_s,
        ).deliver
    return JobRunner(JobStore(services.database.sessions, services.clock), handlers)


def app_factory() -> FastAPI:
    """Entry point for ``uvicorn --factory bot.main:app_factory``."""
    return create_app()
