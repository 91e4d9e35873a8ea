"""``MessageLabels``: one more label on every parse (the dialogue act, the claim reason).

In ``nlu/config.yml``, after ``MiniLMFeaturizer``::

    - name: nlu.components.message_labels.MessageLabels
      output: dialogue_act          # the key the parse carries: {"name", "confidence"}
      field: act                    # the label's field in the data files
      data: [data/nlu/labels]       # YAML files of {text, act, reason} (nlu.components.label_model)
      featurizer: minilm            # alias of the MiniLMFeaturizer whose sentence vector it uses

Rasa's NLU data has one label per example (the intent); these labels have their own files. So
the component trains on those files, not on the intent examples: it encodes their texts with
the same MiniLM encoder the featurizer runs (one text per call, as at parse time) and fits a
:class:`~nlu.components.label_model.LabelModel`. At parse time it reads the sentence vector the
featurizer already put on the message (encoding only when it is missing). The files' content
is part of the training fingerprint, so changing them retrains the component.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.encoder import PROJECT_ROOT, MiniLMEncoder, file_digest, shared_encoder
from nlu.components.label_model import LabelModel, load_labelled

logger = logging.getLogger(__name__)

# What skops may rebuild from a persisted model: the scikit-learn and numpy types of a
# LabelModel, nothing else.
TRUSTED_TYPES = [
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
    "builtins.type",
    "scipy.sparse._csr.csr_matrix",  # TfidfTransformer's idf diagonal
]
_PARTS = ("words", "chars", "classifier")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class MessageLabels(GraphComponent):
    """A label per message from its own labelled data (act or reason)."""

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops", "onnxruntime", "tokenizers"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "output": None,  # the parse's key, e.g. "dialogue_act"
            "field": None,  # the label's field in the data files, e.g. "act"
            "data": ["data/nlu/labels"],  # files or folders, relative to the project root
            "featurizer": "minilm",  # the MiniLMFeaturizer's alias
            "model_path": None,  # the ONNX encoder, as MiniLMFeaturizer resolves it
            "c": 4.0,  # inverse regularisation of the logistic regression
        }

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        for key in ("output", "field", "featurizer"):
            if not isinstance(config.get(key), str) or not config[key]:
                raise InvalidConfigException(f"{cls.__name__}: '{key}' must be a non-empty string")
        if not isinstance(config.get("data"), list) or not config["data"]:
            raise InvalidConfigException(f"{cls.__name__}: 'data' must be a list of paths")

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The labelled files' content: Rasa's training cache keys on it."""
        parts = []
        for path in _data_paths(config):
            files = sorted(path.glob("*.yml")) if path.is_dir() else [path]
            parts.extend(f"{f.name}:{file_digest(f)}" for f in files if f.is_file())
        return "|".join(parts) or None

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LabelModel | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self.validate_config(self.config)
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageLabels:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on the labelled files (the intent examples carry no such label)."""
        field = self.config["field"]
        examples = [e for e in load_labelled(_data_paths(self.config)) if field in e.labels]
        if not examples:
            raise InvalidConfigException(
                f"{type(self).__name__}: no message in {self.config['data']} has '{field}'"
            )
        texts = [e.text for e in examples]
        vectors = np.stack([enc.sentence for enc in self._encoder().encode(texts, batch_size=1)])
        self.model = LabelModel(c=float(self.config["c"])).fit(
            texts, vectors, [e.labels[field] for e in examples]
        )
        logger.info(
            "%s: %d examples, labels %s", self.config["output"], len(texts), self.model.labels
        )
        self._persist()
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        todo = [m for m in messages if m.get(TEXT)]
        if not todo or self.model is None:
            return messages
        vectors = np.stack([self._sentence_vector(m) for m in todo])
        for message, (label, confidence) in zip(
            todo, self.model.predict([m.get(TEXT) for m in todo], vectors), strict=True
        ):
            message.set(
                self.config["output"],
                {"name": label, "confidence": confidence},
                add_to_output=True,
            )
        return messages

    def _sentence_vector(self, message: Message) -> np.ndarray:
        _, sentence = message.get_dense_features(TEXT, [self.config["featurizer"]])
        if sentence is not None:
            return np.asarray(sentence.features, dtype=np.float32).reshape(-1)
        return self._encoder().encode([message.get(TEXT)], batch_size=1)[0].sentence

    def _encoder(self) -> MiniLMEncoder:
        return shared_encoder(self.config["model_path"])

    def _persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as directory:
            for part in _PARTS:
                sio.dump(getattr(self.model, part), directory / f"{part}.skops")

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> MessageLabels:
        import skops.io as sio

        model = LabelModel()
        with model_storage.read_from(resource) as directory:
            for part in _PARTS:
                file = directory / f"{part}.skops"
                untrusted = set(sio.get_untrusted_types(file=file)) - set(TRUSTED_TYPES)
                if untrusted:
                    raise InvalidConfigException(
                        f"{file} holds types outside the trusted list: {sorted(untrusted)}"
                    )
                setattr(model, part, sio.load(file, trusted=TRUSTED_TYPES))
        return cls(config, model_storage, resource, model)


def _data_paths(config: dict[str, Any]) -> list[Path]:
    paths = [Path(p).expanduser() for p in config.get("data") or ()]
    return [p if p.is_absolute() else PROJECT_ROOT / p for p in paths]
