"""The dialogue manager: state per conversation, after-sales flows, confirmation, handoff."""
