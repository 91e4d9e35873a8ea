"""The lab: everything that does not serve a buyer, an agent or an analyst at run time.

The synthetic world (`world`), evaluations, benchmarks, the buyer simulator (`simulate`), the
load test (`loadtest`), training scripts and the generators of training corpora (`assist`).
The lab imports the product (`bot`, `nlu`, `retrieval`, `policies`); nothing in the product
imports the lab (an import-linter contract in pyproject.toml, run by `make test`).
"""
