"""Which of the buyer's orders a message means when it does not type the id exactly.

Buyers drop the dash ("D2002" for "D-2002"), slip one character ("A10O1"), or name the item
("the headphones one", "cookbook"). Only the buyer's own orders are candidates, and a guess is
taken only when exactly one order fits: two fits are asked about, never picked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from policies.types import Order

# Ids shorter than this are not corrected by one character ("A12" could be many things).
_MIN_FUZZY_LENGTH = 5
_WORD = re.compile(r"[a-z0-9]+")
# Words of item titles that name no item.
_STOP = frozenset(
    {"the", "and", "with", "for", "set", "pack", "pair", "one", "new", "size", "colour", "color"}
    | {"black", "white", "blue", "red", "green", "pink", "grey"}
)


def canonical(order_id: str) -> str:
    """The id without case, '#', dashes, spaces and other separators."""
    return re.sub(r"[^0-9A-Z]", "", order_id.upper())


def match_order_id(typed: str, own: Iterable[str]) -> str | None:
    """The buyer's order ``typed`` means: equal once separators are dropped, else the only one
    within one edit (substitution, insertion, deletion or swap of neighbours)."""
    wanted = canonical(typed)
    if not wanted:
        return None
    ids = list(own)
    exact = [i for i in ids if canonical(i) == wanted]
    if len(exact) == 1:
        return exact[0]
    if len(wanted) < _MIN_FUZZY_LENGTH:
        return None
    near = [i for i in ids if _within_one_edit(canonical(i), wanted)]
    return near[0] if len(near) == 1 else None


def orders_named_by_product(text: str, orders: Sequence[Order]) -> list[Order]:
    """The orders one of whose item titles shares a word with ``text`` ("the headphones one",
    "my cookbook", "running shoes"); plurals and singulars match."""
    said = {_stem(w) for w in _WORD.findall(text.lower())}
    found = []
    for order in orders:
        words = {
            _stem(w)
            for item in order.items
            for w in _WORD.findall(item.title.lower())
            if len(w) >= 4 and w not in _STOP
        }
        if words & said:
            found.append(order)
    return found


def _stem(word: str) -> str:
    for suffix in ("es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _within_one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
