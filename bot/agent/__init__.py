"""The agents' side of a handoff: the queue, a case's full picture, suggested replies, risk
explanations, replying, acting and handing back. `service.AgentConsole` is the one service the
routes call; the case it reads and updates is the store's typed `Case`, whose summary is
`bot.store.case_summary.CaseSummary`."""
