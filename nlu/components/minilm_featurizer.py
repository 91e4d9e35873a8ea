"""``MiniLMFeaturizer``: pre-trained all-MiniLM-L6-v2 features for DIET, run with onnxruntime.

In ``nlu/config.yml``, after a tokenizer::

    - name: nlu.components.minilm_featurizer.MiniLMFeaturizer
      # model_path: artifacts/nlu-encoder/model_qint8.onnx   (default; or $AFTERSALES_ENCODER_PATH)
      # max_length: 128    wordpieces per message, [CLS] and [SEP] included
      # threads: 1         onnxruntime intra-op threads
      # alias: minilm

For each message's TEXT it sets

- sequence features ``(tokens, 384)``: the whole text goes through MiniLM once (so every
  wordpiece sees its context); each token of the tokenizer earlier in the pipeline gets the mean
  of the wordpieces overlapping its characters (zeros for a token past the truncation);
- sentence features ``(1, 384)``: MiniLM's sentence embedding (masked mean of all wordpieces,
  L2-normalised: what sentence-transformers returns).

Like Rasa's own LanguageModelFeaturizer it is not trainable: the model refers to the ONNX file
by path (resolved relative to the project root when relative), so that file must exist where
the model is served. Its content hash is part of the component's training fingerprint, so a
changed encoder is never served from Rasa's training cache. Rasa finds this class by module
path: ``rasa`` puts its working directory on ``sys.path``, and the project runs it from the
project root (``nlu/model.py``, ``nlu/server.py``).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.alignment import align_pieces_to_tokens
from nlu.components.encoder import (
    MiniLMEncoder,
    file_digest,
    resolve_model_path,
    resolve_tokenizer_path,
)

logger = logging.getLogger(__name__)

MODEL_PATH = "model_path"
TOKENIZER_PATH = "tokenizer_path"
MAX_LENGTH = "max_length"
THREADS = "threads"
BATCH_SIZE = "batch_size"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense token and sentence features from all-MiniLM-L6-v2 (ONNX)."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["onnxruntime", "tokenizers"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # The ONNX file of `python -m nlu.export_encoder`. None: $AFTERSALES_ENCODER_PATH,
            # else artifacts/nlu-encoder/model_qint8.onnx. Relative: to the project root.
            MODEL_PATH: None,
            # None: tokenizer.json beside the ONNX file (the export copies it there).
            TOKENIZER_PATH: None,
            # Wordpieces per message, [CLS]/[SEP] included; tokens past it get zero vectors.
            MAX_LENGTH: 128,
            # onnxruntime intra-op threads (one per parse keeps a 2-core server responsive).
            THREADS: 1,
            # Messages per onnxruntime call while featurizing the training data; 1 whatever
            # this says when the encoder's features depend on the batch (int8).
            BATCH_SIZE: 64,
        }

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        for key, low, high in ((MAX_LENGTH, 2, 512), (THREADS, 1, 64), (BATCH_SIZE, 1, 4096)):
            value = config.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise InvalidConfigException(
                    f"{cls.__name__}: '{key}' must be an integer within {low}..{high}, "
                    f"got {value!r}"
                )

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The encoder's and tokenizer's content: Rasa's training cache keys on it."""
        model_path = resolve_model_path(config.get(MODEL_PATH))
        tokenizer_path = resolve_tokenizer_path(config.get(TOKENIZER_PATH), model_path)
        parts = []
        for path in (model_path, tokenizer_path):
            parts.append(file_digest(path) if path.is_file() else f"missing:{path}")
        return "|".join(parts)

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        model_path = resolve_model_path(self._config[MODEL_PATH])
        tokenizer_path = resolve_tokenizer_path(self._config[TOKENIZER_PATH], model_path)
        self.encoder = MiniLMEncoder(
            model_path,
            tokenizer_path,
            max_length=self._config[MAX_LENGTH],
            threads=self._config[THREADS],
        )
        # Training must see the features parsing will compute (one message per call). An int8
        # encoder's features depend on the batch (see MiniLMEncoder.is_batch_invariant): such
        # an encoder featurizes the training data one message at a time (~2x slower: 9 s
        # instead of 5 s for 3,000 messages here).
        self.batch_size = self._config[BATCH_SIZE]
        if self.batch_size > 1 and not self.encoder.is_batch_invariant():
            self.batch_size = 1
        logger.info(
            "%s: MiniLM encoder %s (training batch size %d)",
            self._identifier,
            model_path,
            self.batch_size,
        )

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MiniLMFeaturizer:
        return cls(config, execution_context.node_name)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize the training examples in place, in batches."""
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurize the messages being parsed."""
        self._featurize(messages)
        return messages

    def _featurize(self, messages: list[Message]) -> None:
        # Only TEXT: intents and entities are labels, featurized by DIET itself. A message
        # without text or tokens (an empty parse) gets no features, as with Rasa's own
        # featurizers.
        todo = [m for m in messages if m.get(TEXT) and m.get(TOKENS_NAMES[TEXT])]
        if not todo:
            return
        encoded = self.encoder.encode([m.get(TEXT) for m in todo], batch_size=self.batch_size)
        truncated = 0
        for message, enc in zip(todo, encoded, strict=True):
            tokens = message.get(TOKENS_NAMES[TEXT])
            sequence = align_pieces_to_tokens(
                enc.piece_offsets, enc.piece_vectors, [(t.start, t.end) for t in tokens]
            )
            truncated += enc.truncated
            self.add_features_to_message(
                sequence=sequence,
                sentence=enc.sentence.reshape(1, -1),
                attribute=TEXT,
                message=message,
            )
        if truncated:
            logger.debug(
                "%s: %d message(s) longer than %d wordpieces; later tokens got zero vectors",
                self._identifier,
                truncated,
                self.encoder.max_length,
            )
