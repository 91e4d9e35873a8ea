"""Which of the buyer's orders a message means when it does not type the id exactly.

Buyers drop the dash ("D2002" for "D-2002"), type a look-alike character ("A10O1" for A1001),
drop or double one character, or name the item ("the headphones one", "cookbook"). Only the
buyer's own orders are candidates, and a guess is taken only when exactly one order fits: two
fits are asked about, never picked. One digit for another is never corrected: order ids are
sequential, so "K41022" is most likely somebody else's order, not a slip for the buyer's K41023.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

from policies.types import Order, OrderItem

# Ids shorter than this are not corrected by one character ("A12" could be many things).
_MIN_FUZZY_LENGTH = 5
_WORD = re.compile(r"[a-z0-9]+")
# Words of item titles that name no item.
_STOP = frozenset(
    {"the", "and", "with", "for", "set", "pack", "pair", "one", "new", "size", "colour", "color"}
    | {"led", "usb", "mini", "pro", "max", "kid", "men", "big"}
    | {"black", "white", "blue", "red", "green", "pink", "grey"}
)


def canonical(order_id: str) -> str:
    """The id without case, '#', dashes, spaces and other separators."""
    return re.sub(r"[^0-9A-Z]", "", order_id.upper())


def match_order_id(typed: str, own: Iterable[str]) -> str | None:
    """The buyer's order ``typed`` means: equal once separators are dropped, else the only one
    one slip away (a look-alike character, or one character dropped or doubled)."""
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


def id_typed_in(text: str, own: Sequence[str]) -> str | None:
    """The buyer's order whose id ``text`` types, exactly or loosely: one token ("D2002",
    "#A-1001") or split by a space ("M 1007", "order no. 2005 1019"). A candidate needs at
    least three digits, and the split form is joined only where its second part has digits."""
    tokens = re.findall(r"[#\w-]+", text)
    for token in tokens:
        if sum(ch.isdigit() for ch in token) >= 3:
            found = match_order_id(token, own)
            if found is not None:
                return found
    for first, second in pairwise(tokens):
        joined = first + second
        if any(ch.isdigit() for ch in second) and sum(ch.isdigit() for ch in joined) >= 3:
            found = match_order_id(joined, own)
            if found is not None:
                return found
    return None


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
            if _names_item(w)
        }
        if words & said:
            found.append(order)
    return found


def items_named(text: str, items: Sequence[OrderItem]) -> list[OrderItem]:
    """The items whose title shares a word with ``text``, in the order the text first names
    them ("only the saucer is broken; the teapot is fine" -> saucer, teapot)."""
    said = [_stem(w) for w in _WORD.findall(text.lower())]
    first: dict[int, int] = {}
    for n, item in enumerate(items):
        words = {_stem(w) for w in _WORD.findall(item.title.lower()) if _names_item(w)}
        at = [i for i, w in enumerate(said) if w in words]
        if at:
            first[n] = min(at)
    return [items[n] for n in sorted(first, key=first.__getitem__)]


def _names_item(word: str) -> bool:
    return len(word) >= 3 and word not in _STOP


def _stem(word: str) -> str:
    for suffix in ("es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


# Characters typed for one another because they look alike.
_LOOK_ALIKE = frozenset({frozenset(p) for p in ("O0", "I1", "L1", "S5", "B8", "Z2", "G6")})


def _within_one_edit(a: str, b: str) -> bool:
    """Equal, one look-alike character apart, or one character dropped or added."""
    if a == b:
        return True
    if len(a) == len(b):
        diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        return len(diffs) == 1 and frozenset(diffs[0]) in _LOOK_ALIKE
    if abs(len(a) - len(b)) != 1:
        return False
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
