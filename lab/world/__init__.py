"""The synthetic marketplace with ground truth (WORLD.md): generator, typed records, files.

The risk model is trained on it (`lab.policies.train_router_model`), the evaluations judge the
risk model and router against its truth, the demo world (`lab.world.demo`) is seeded from it,
and the simulator's buyers come from it. Nothing in the product imports it.
"""

from lab.world.files import read_world, write_world
from lab.world.generate import World, generate_world
from lab.world.parameters import DAY, REGIONS
from lab.world.records import claim_of, order_as_of

__all__ = [
    "DAY",
    "REGIONS",
    "World",
    "claim_of",
    "generate_world",
    "order_as_of",
    "read_world",
    "write_world",
]
