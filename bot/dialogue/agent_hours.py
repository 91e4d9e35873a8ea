"""When a person will answer, said on every hand-off (HELP-8.1).

Agents work every day from 9:00 to 21:00 local time in each market; then the usual wait is under
15 minutes, outside those hours an agent replies the next morning, and the buyer need not stay
online. A buyer handed over was told "an agent will reply here" and nothing of when ("how long
til someone actualy looks at it?" went unanswered: dev7 j37). The buyer's local time is their
order's market (its currency), else their language's; neither known, the hours are said whole.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.language.catalogue import Said, say

OPENS, CLOSES = time(9), time(21)
ZONE_OF_CURRENCY = {
    "SGD": "Asia/Singapore",
    "MYR": "Asia/Kuala_Lumpur",
    "THB": "Asia/Bangkok",
    "VND": "Asia/Ho_Chi_Minh",
    "PHP": "Asia/Manila",
    "IDR": "Asia/Jakarta",
}
ZONE_OF_LANGUAGE = {
    "ms": "Asia/Kuala_Lumpur",
    "id": "Asia/Jakarta",
    "th": "Asia/Bangkok",
    "vi": "Asia/Ho_Chi_Minh",
    "tl": "Asia/Manila",
}
CLAUSE = "HELP-8.1"


def agent_wait(now: datetime, currency: str | None, language: str) -> Said:
    """What the buyer is told of the wait for an agent at ``now`` (aware)."""
    zone = ZONE_OF_CURRENCY.get(currency or "") or ZONE_OF_LANGUAGE.get(language)
    if zone is None:
        return say("agent_wait_hours")
    local = now.astimezone(ZoneInfo(zone)).time()
    return say("agent_wait_open" if OPENS <= local < CLOSES else "agent_wait_closed")
