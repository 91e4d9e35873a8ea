"""``make bench``: the conversation load benchmark.

Simulated buyers (async httpx, loopback only, bounded by count and time) hold complete
conversations against the bot and Rasa, and the run reports turns/s, per-turn latency
percentiles, the error rate and the resident memory of both servers: closed-loop at each given
concurrency, open-loop at a fixed turn rate (the target: p95 <= 150 ms at 20 turns/s), and an
optional soak at that rate (memory over time).

By default it starts its own stack like ``make run`` does (Rasa on a free port, the bot under
uvicorn over a fresh, migrated SQLite file with its own secrets); ``--url`` points it at a
running stack instead. ``--profile`` serves the bot under cProfile with per-stage timers
(`lab.loadtest.profiled`) to show where a turn's time goes.

Modules: `stats` (percentiles, summaries, memory slope), `scenarios` (the phrase bank, the
conversations and the orders they need), `stack` (starting the servers, finding their
processes), `load` (the simulated buyers), `runner` (the phases and the command line),
`report` (bench.json, bench.md, the PNG), `profiled` (the profiled bot server).
"""
