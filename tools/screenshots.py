"""Screenshots of the chat widget at phone and desktop widths, for the README (`make screenshots`).

Starts the trained bot on ports of its own, opens the demo page in Debian's chromium, has a short
parent's conversation and saves docs/widget-phone.png and docs/widget-desktop.png.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import ViewportSize, sync_playwright

from bot.settings import ROOT
from tests.conftest import start_bot
from tests.web.test_widget import CHROMIUM_ARGS

SIZES: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
}
MESSAGES = ["Parent or carer", "she's 6 weeks and cries every evening for hours, im exhausted"]


def main() -> int:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        bot = start_bot(Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                for name, viewport in SIZES.items():
                    page = browser.new_page(viewport=viewport)
                    page.goto(bot.widget_page)
                    page.get_by_role("button", name=MESSAGES[0]).click()
                    page.locator(".sgw-msg-bot").nth(1).wait_for(timeout=30_000)
                    page.get_by_label("Your message").fill(MESSAGES[1])
                    page.get_by_label("Your message").press("Enter")
                    page.locator(".sgw-msg-bot").nth(2).wait_for(timeout=30_000)
                    page.locator(".sgw-typing .sgw-dots").wait_for(state="detached", timeout=30_000)
                    target = ROOT / "docs" / f"widget-{name}.png"
                    page.screenshot(path=str(target))
                    print(f"saved {target.relative_to(ROOT)}")
                    page.close()
                browser.close()
        finally:
            bot.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
