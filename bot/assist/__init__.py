"""The agent's assistant: a case's facts, suggested replies, risk attribution, agent actions."""
