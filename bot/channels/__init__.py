"""Input channels of our own (Rasa mounts each at /webhooks/<name>/).

Importing them (Rasa does, at start-up, from credentials.yml) also keeps message text out of the
Rasa server's logs (bot/logs.py) and shortens the wait for custom actions (bot/timeouts.py), so a
slow action server never leaves anyone without a reply.
"""

from bot import logs, timeouts

logs.install()
logs.warn_if_debug()
timeouts.apply()
