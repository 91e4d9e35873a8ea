"""Injectables of the store, as ``Annotated`` aliases (kept apart from deps.py until the store
is wired into `Services` for good)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bot.store.db import Database
from bot.store.orders import OrderRepository
from common.errors import Unavailable


async def get_database(request: Request) -> Database:
    database = getattr(request.app.state.services, "database", None)
    if database is None:
        raise Unavailable("the database is not configured")
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]


async def get_order_repository(database: DatabaseDep) -> OrderRepository:
    return OrderRepository(database.sessions)


OrderRepositoryDep = Annotated[OrderRepository, Depends(get_order_repository)]
