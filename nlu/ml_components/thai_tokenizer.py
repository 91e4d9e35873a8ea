"""``ThaiWordTokenizer``: Rasa's whitespace rules, plus word segmentation inside Thai script.

Thai is written without spaces between words, so Rasa's ``WhitespaceTokenizer`` turns
"สินค้าเสียหายต้องการคืนเงิน" into one token, and the word n-grams and entity tags of DIET
see whole phrases. This tokenizer first applies the whitespace rules (unchanged for en, ms, id,
vi, tl), then, inside each token, cuts the runs of Thai characters into words with PyThaiNLP's
dictionary segmenter (``newmm``, its word list ships in the package: no download). Everything
that is not Thai script in a token stays one piece, so "คำสั่งซื้อ#88231" becomes
["คำ", "สั่งซื้อ", "#88231"] and order ids, tracking numbers and amounts ("1,250.50") stay whole
tokens that entity spans can align to (PyThaiNLP alone would cut "ORD-2024-88231" in four).

In ``nlu/config.yml``, in place of ``WhitespaceTokenizer`` (same options)::

    - name: nlu.ml_components.thai_tokenizer.ThaiWordTokenizer
      # engine: newmm     any PyThaiNLP word_tokenize engine that works offline
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.message import Message

ENGINE = "engine"
# The Thai block: consonants, vowels, tone marks (combining), digits and signs.
THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+")


def split_thai(text: str, segment: Any) -> list[tuple[str, int]]:
    """``text`` cut into (piece, offset): Thai runs by ``segment``, everything else whole.

    ``segment(run) -> list[str]`` must return pieces that concatenate back to ``run`` (spaces
    aside); a piece it invents or reorders is an error, since offsets would be wrong.
    """
    pieces: list[tuple[str, int]] = []
    position = 0
    for match in THAI_RUN.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], position))
        cursor = match.start()
        for word in segment(match.group()):
            word = word.strip()
            if not word:
                continue
            found = text.find(word, cursor, match.end())
            if found < 0:
                raise ValueError(f"the Thai segmenter returned {word!r}, not in {match.group()!r}")
            pieces.append((word, found))
            cursor = found + len(word)
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], position))
    return pieces


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class ThaiWordTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer, with Thai runs inside a token segmented into words."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**WhitespaceTokenizer.get_default_config(), ENGINE: "newmm"}

    @staticmethod
    def required_packages() -> list[str]:
        return ["pythainlp"]

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        # Imported here: PyThaiNLP loads its dictionary on first use (~1 s), once per process.
        from pythainlp.tokenize import word_tokenize

        engine = self._config[ENGINE]
        if not isinstance(engine, str) or not engine:
            raise InvalidConfigException(
                f"ThaiWordTokenizer: 'engine' must be a name, got {engine!r}"
            )
        self._segment = lambda run: word_tokenize(run, engine=engine, keep_whitespace=False)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ThaiWordTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        if not any(THAI_RUN.search(t.text) for t in tokens):
            return tokens
        out: list[Token] = []
        for token in tokens:
            if not THAI_RUN.search(token.text):
                out.append(token)
                continue
            for piece, offset in split_thai(token.text, self._segment):
                out.append(Token(piece, token.start + offset))
        return out
