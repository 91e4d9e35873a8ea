"""A turn's messages: numbered in order, the database asked for the last number once (issue 17)."""

from __future__ import annotations

from sqlalchemy import event

from bot.store.conversations import ConversationRepository
from bot.store.models import MessageRole


def test_a_turns_messages_follow_on_with_one_question_for_the_last_number(db):
    conversations = ConversationRepository(db.sessions)
    conversation = conversations.create("B1", {})
    inbound = conversations.record_inbound(conversation.conversation_id, "B1", "hello", [])
    statements: list[str] = []

    def seen(conn, cursor, statement, *_):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        with conversations.turn(conversation.conversation_id) as turn:
            added = [turn.add_message(MessageRole.BOT, f"reply {i}") for i in range(3)]
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert [m.seq for m in added] == [inbound.seq + 1, inbound.seq + 2, inbound.seq + 3]
    assert sum("max(messages.seq)" in s for s in statements) == 1
    # The next turn starts from the database again (a message was added in between).
    conversations.record_inbound(conversation.conversation_id, "B1", "and?", [])
    with conversations.turn(conversation.conversation_id) as turn:
        assert turn.add_message(MessageRole.BOT, "again").seq == inbound.seq + 5
    seqs = [m.seq for m in conversations.messages(conversation.conversation_id)]
    assert seqs == list(range(1, len(seqs) + 1))
