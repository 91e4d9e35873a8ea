"""The policy's clauses by id, for people: the chat shows a citation by its title and the clause
on a tap, the console names the clauses a suggestion cites. Read with a buyer or an agent token.

The clauses are the knowledge base the answers are retrieved from (`bot.clauses`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam
from pydantic import BaseModel

from bot.api.deps import PrincipalDep
from bot.api.schemas import AUTH_ERRORS, error_responses
from bot.clauses import clause_book
from common.errors import NotFound

router = APIRouter(
    prefix="/v1/policies", tags=["policies"], responses=error_responses(*AUTH_ERRORS)
)


class ClauseNotFound(NotFound, what="clause"):
    """No clause with that id."""


class ClauseTitle(BaseModel):
    clause_id: str
    title: str
    section: str


class ClauseOut(ClauseTitle):
    text: str


class ClauseList(BaseModel):
    clauses: list[ClauseTitle]


@router.get("/clauses", response_model=ClauseList)
async def clauses(_principal: PrincipalDep) -> dict:
    """Every clause's id, title and section (no text: ``/clauses/{clause_id}`` has it)."""
    return {
        "clauses": [
            {"clause_id": c.clause_id, "title": c.title, "section": c.section}
            for c in clause_book().values()
        ]
    }


@router.get("/clauses/{clause_id}", response_model=ClauseOut, responses=error_responses(404, 422))
async def clause(
    clause_id: Annotated[str, PathParam(max_length=32)], _principal: PrincipalDep
) -> dict:
    """One clause: its title, its section and its text (paragraphs separated by blank lines)."""
    found = clause_book().get(clause_id.strip().upper())
    if found is None:
        raise ClauseNotFound(clause_id)
    return {
        "clause_id": found.clause_id,
        "title": found.title,
        "section": found.section,
        "text": found.text,
    }
