"""A Redis lock store whose tickets are issued atomically, for several Rasa processes.

Rasa takes one message of a conversation at a time by giving each message a ticket: the lock's
record is read, changed and written back. Rasa's own `RedisLockStore` does that read-change-write
with no guard, so two processes that get a message of the same conversation at the same moment can
both take the same ticket, handle both messages at once, and then one turn's events are lost when
both save (measured with tests/scale/test_postgres_redis.py: one pair sent at once lost a message
in 3 of 6 runs; Rasa's issue 9213, and the fix in its pull request 11256 was reverted in 11428).

This store does each read-change-write of a conversation's lock under a short Redis mutex (SET NX
with an expiry, redis-py's `Lock`), so tickets are unique across processes. Configured in
endpoints.yml when LOCK_STORE=redis (bot/settings.py); nothing else about Rasa's locking changes.
"""

from __future__ import annotations

from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore

# The mutex is held for a few Redis round trips; it expires by itself if a process dies holding it.
MUTEX_SECONDS = 5.0


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` with its ticket, update and clean-up steps each done atomically."""

    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        # Rasa gives a lock store named by its class only `endpoint_config` (url, port, password,
        # db and key_prefix from endpoints.yml); tests may pass RedisLockStore's own arguments.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs}
        if "port" in kwargs:
            kwargs["port"] = int(kwargs["port"])
        super().__init__(**kwargs)

    def _mutex(self, conversation_id: str) -> Any:
        return self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex",
            timeout=MUTEX_SECONDS,
            blocking_timeout=MUTEX_SECONDS,
            sleep=0.005,
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
