"""The engines keep bound parameters (buyers' words) out of error messages."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.store.db import write_session
from bot.store.models import MessageRole, MessageRow

SECRET_TEXT = "my card is 4111 1111 1111 1111 and I live at 12 Secret Lane"


def test_a_failing_statement_does_not_show_its_parameters(db):
    # A message of a conversation that does not exist: the foreign key refuses it. The
    # database names the missing conversation; the buyer's text is only a bound parameter.
    row = MessageRow(
        conversation_id="no-such-conversation",
        seq=1,
        role=MessageRole.BUYER,
        text=SECRET_TEXT,
        attachments=[],
        citations=[],
        quick_replies=[],
    )
    with pytest.raises(IntegrityError) as failure, write_session(db.sessions) as session:
        session.add(row)
        session.flush()
    message = str(failure.value)
    assert "INSERT INTO messages" in message  # the statement is still there to debug with
    assert "hide_parameters" in message
    assert SECRET_TEXT not in message and "4111" not in message
    assert db.engine.hide_parameters


def test_a_failing_query_does_not_show_its_parameters(db):
    statement = text("SELECT id FROM messages WHERE no_such_column = :said")
    with pytest.raises(DBAPIError) as failure, db.engine.connect() as connection:
        connection.execute(statement, {"said": SECRET_TEXT})
    message = str(failure.value)
    assert "no_such_column" in message and "hide_parameters" in message
    assert "4111" not in message and "Secret Lane" not in message
