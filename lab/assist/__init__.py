"""The suggested replies' lab side: the past-resolutions corpus drawn from the synthetic world,
and the evaluation of the suggestions on held-out cases."""
