"""``aftersales-lab simulate``: buyers of the synthetic world hold real conversations with the bot.

The buyers come from `lab.world` (region, account age, a latent genuine/abusive type, and
the case they bring with its truth); their orders go through the signed webhook; they talk over
the real HTTP API of a running bot (loopback only), follow what the bot asks, and rate the chat
when asked. Each run writes ``var/simulate/<run-id>/``: ``truth.csv`` (who was who, which claims
were genuine: what the experiment report needs to compute realised losses), ``summary.json``
and ``transcripts.jsonl``.

Modules: `population` (the world's buyers and cases as planned conversations, the order
payloads), `phrases` (what buyers say, and typing noise), `persona` (one buyer following the
bot), `runner` (the HTTP driver, bounded by count and time; the run's files), `cli`.
"""
