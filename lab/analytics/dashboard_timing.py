"""How long the analytics dashboard takes to show figures, in a real browser against a running bot:
from opening the page to the automation tile holding its numbers, for each quick window, first
with whatever the server has cached (a cold window is computed on that request) and then again
(a warm one is read from the cache).

    python -m lab.analytics.dashboard_timing --base-url http://127.0.0.1:8000 --token "$TOKEN"

Prints JSON: seconds per window and load, and the server's cache status for each. Uses Debian's
chromium through Playwright (as the browser tests do).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

CHROMIUM = "/usr/bin/chromium"
# The page opens on 7 days; the others are a click away.
WINDOWS = ("7 d", "24 h", "30 d")


def time_dashboard(base_url: str, token: str, rounds: int = 2) -> list[dict[str, Any]]:
    from playwright.sync_api import expect, sync_playwright

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for round_ in range(1, rounds + 1):
                for name in WINDOWS:
                    page = browser.new_page(base_url=base_url)
                    statuses: list[str] = []
                    page.on(
                        "response",
                        lambda r, s=statuses: (
                            s.append(r.json().get("cache", {}).get("status", "?"))
                            if "/v1/analytics/report?" in r.url and r.ok
                            else None
                        ),
                    )
                    started = time.monotonic()
                    page.goto(f"/console/analytics?token={token}")
                    if name != "7 d":  # the page opens on 7 days
                        expect(page.locator('[data-kpi="automation"]')).to_be_visible(
                            timeout=120_000
                        )
                        started = time.monotonic()
                        page.get_by_role("button", name=name).click()
                    expect(page.locator("#loading")).to_be_hidden(timeout=120_000)
                    expect(page.locator('[data-kpi="automation"]')).to_contain_text(
                        "case conversations", timeout=120_000
                    )
                    seconds = round(time.monotonic() - started, 2)
                    results.append(
                        {"round": round_, "window": name, "seconds": seconds, "cache": statuses}
                    )
                    page.close()
        finally:
            browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.analytics.dashboard_timing")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True, help="an agent token")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    print(json.dumps(time_dashboard(args.base_url, args.token, args.rounds), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
