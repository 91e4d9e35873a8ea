"""Conversation-log analytics: snapshots, metrics, reports, PII redaction, failure clusters."""
