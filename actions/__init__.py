"""The rasa-sdk action server: one module per job. `python -m actions.server` loads this package.

The partnership and guidance files are checked here, as the server starts, so a broken file stops it with a
message naming the file and the field, instead of failing in the middle of a conversation.
"""

import sys

from actions.areas import AreaFileError, areas
from actions.guidance import GuidanceFileError, guidance_by_intent
from bot import logs

logs.install()  # no message text in the action server's log either (bot/logs.py)
logs.warn_if_debug()

try:
    areas()
    guidance_by_intent()
except (AreaFileError, GuidanceFileError) as error:
    sys.exit(f"Cannot start the action server: {error}")
