"""The lab: synthetic worlds, evaluations and the generators of training corpora. Nothing in the
product imports it."""
