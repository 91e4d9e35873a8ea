"""The deadline a question about "still" or "N days ago" turns on (issue 14).

"I got the shirt 25 days ago, never worn, tags on, can I still return it?" matches the return
conditions (RET-2.3: unused, tags, packaging) best, and the answer quoted them without the one
thing the buyer asked: whether 25 days is still inside the 30-day window (RET-2.1). A question
that says how long ago something happened, or asks whether it is still time, about an act a
section's deadline governs (returning an item; reporting a problem), is answered with that
deadline too, whatever the retriever ranked first. Two sections have such a deadline in the
spec: RET-2.1 (return within 30 days, 15 for electronics) and DMG-3.1 (report within 15 days).
"""

from __future__ import annotations

import re

_NUMBER = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|couple\s+of)"
# How long ago ("25 days ago", "after 3 weeks", "had it a month", "last week"), or whether it is
# still time ("can I still", "too late", "how long", "deadline").
_TIME = re.compile(
    rf"\b{_NUMBER}\s+(days?|weeks?|wks?|months?)\b|\blast\s+(week|month)\b|"
    r"\b(still|too\s+late|how\s+(long|many\s+days?|much\s+time)|deadline|time\s+limit|"
    r"until\s+when|by\s+when|last\s+day|expired?)\b",
    re.IGNORECASE,
)
# The act each deadline governs, in the buyer's words; the deadline rule and its section.
_ACTS = (
    (
        re.compile(
            r"\b(return(s|ed|ing|able)?|send(ing)?\s+(\w+\s+){0,2}back|ship(ping)?\s+(\w+\s+)?"
            r"back|post(ing)?\s+(\w+\s+)?back|give\s+(\w+\s+)?back)\b",
            re.IGNORECASE,
        ),
        "RET-",
        "RET-2.1",
    ),
    (
        re.compile(r"\b(report(ed|ing)?|complain(ed|ing)?|claim(ed|ing)?)\b", re.IGNORECASE),
        "DMG-",
        "DMG-3.1",
    ),
)
DEADLINE_RULES = tuple(rule for _, _, rule in _ACTS)


def deadline_rule(question: str, cited: tuple[str, ...] | list[str]) -> str | None:
    """The deadline rule the answer should quote too: the question names a time, or asks
    whether it is still time, about an act whose section the answer already cites, and the
    answer does not cite that section's deadline yet. None otherwise."""
    if not cited or not _TIME.search(question):
        return None
    for act, section, rule in _ACTS:
        if rule in cited or not any(c.startswith(section) for c in cited):
            continue
        if act.search(question):
            return rule
    return None
