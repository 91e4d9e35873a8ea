"""Structured logs (JSON lines) through structlog."""

from __future__ import annotations

import logging

import structlog


def configure_logging(level: str = "INFO") -> None:
    # httpx logs every request's URL at INFO, and the Rasa client's URLs carry Rasa's token
    # (?token=): never let those lines through, whatever the root logger is set to.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=True,
    )
