"""The marketplace's after-sales policy as code: eligibility rules and responsibility attribution.

Pure functions over frozen values (no I/O, no clock: `now` is always passed in). Every decision
cites the clause ids of the knowledge base in `data/policies/`.
"""
