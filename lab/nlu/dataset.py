"""Reading Rasa's YAML NLU format (``[span](entity)`` annotations) into typed examples."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<entity>[^)]+)\)|(?P<json>\{[^}]+\}))")


@dataclass(frozen=True, slots=True)
class GoldEntity:
    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    entities: tuple[GoldEntity, ...]


def parse_annotated(line: str) -> tuple[str, tuple[GoldEntity, ...]]:
    """``"refund [#1042](order_id)"`` -> ``("refund #1042", (GoldEntity(order_id, ...),))``."""
    text_parts: list[str] = []
    entities: list[GoldEntity] = []
    cursor = 0
    length = 0
    for match in _ANNOTATION.finditer(line):
        before = line[cursor : match.start()]
        text_parts.append(before)
        length += len(before)
        span = match.group("text")
        if match.group("entity"):
            name, value = match.group("entity"), span
        else:
            spec = json.loads(match.group("json"))
            name, value = spec["entity"], spec.get("value", span)
        entities.append(GoldEntity(name, value, length, length + len(span)))
        text_parts.append(span)
        length += len(span)
        cursor = match.end()
    text_parts.append(line[cursor:])
    return "".join(text_parts), tuple(entities)


def load_examples(path: Path) -> list[Example]:
    """All intent examples of one Rasa NLU YAML file."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples: list[Example] = []
    for block in document.get("nlu") or []:
        intent = block.get("intent")
        if not intent:
            continue
        for raw in str(block.get("examples", "")).splitlines():
            raw = raw.strip()
            if not raw.startswith("- "):
                continue
            text, entities = parse_annotated(raw[2:].strip())
            examples.append(Example(text=text, intent=intent, entities=entities))
    return examples
