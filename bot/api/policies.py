"""The policy's clauses by id, for people: the chat shows a citation by its title and the clause
on a tap, the console names the clauses a suggestion cites. Read with a buyer or an agent token.

The clauses are the knowledge base the answers are retrieved from (`data/policies`, parsed by
`retrieval.kb`), read once per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam
from pydantic import BaseModel

from bot.api.deps import PrincipalDep
from bot.api.schemas import AUTH_ERRORS, error_responses
from bot.services import KNOWLEDGE_BASE_DIR
from common.errors import NotFound
from retrieval.kb import Clause, load_knowledge_base

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


@lru_cache(maxsize=4)
def clause_book(directory: Path = KNOWLEDGE_BASE_DIR) -> dict[str, Clause]:
    """The knowledge base's clauses by id, in the policy's order."""
    return {c.clause_id: c for c in load_knowledge_base(directory)}


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
