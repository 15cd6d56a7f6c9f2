"""Django's SQLite backend, with the writers of one process served in the order they arrived.

With ``transaction_mode`` IMMEDIATE every transaction takes SQLite's write lock when it begins,
and a transaction that finds it taken waits in SQLite's busy handler: a loop of sleeps that wakes
to try again, with no queue. Under sustained load a waiter can lose every try to writers that came
later, and answer "database is locked" after the whole busy timeout while others went through in
milliseconds (seen at 50 requests in flight). Here the transactions of one server process first
queue for a first-come-first-served turn, then begin as before; the busy handler is left only the
contention between processes (a command, a second server). A turn not given within the busy
timeout is the same "database is locked" error, answered 503 (`doudi.core.failures`)."""

from __future__ import annotations

import collections
import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base


class FairLock:
    """A lock handed to its waiters in the order they asked for it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiters: collections.deque[threading.Event] = collections.deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._guard:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._guard:
            if turn.is_set():  # handed over between the timeout and here
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        with self._guard:
            if self._waiters:
                self._waiters.popleft().set()  # the lock passes on, still held
            else:
                self._held = False


_LOCKS: dict[str, FairLock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(name: str) -> FairLock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(name, FairLock())


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_turn = False

    def _queues(self) -> bool:
        # Only transactions that take the write lock at their start queue; an in-memory database
        # belongs to one connection.
        return self.transaction_mode in ("IMMEDIATE", "EXCLUSIVE") and not self.is_in_memory_db()

    def _start_transaction_under_autocommit(self) -> None:
        if self._queues() and not self._holds_turn:
            timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5.0))
            if not _lock_for(self.settings_dict["NAME"]).acquire(timeout):
                raise OperationalError("database is locked")
            self._holds_turn = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_turn()
            raise

    def _end_turn(self) -> None:
        if self._holds_turn:
            self._holds_turn = False
            _lock_for(self.settings_dict["NAME"]).release()

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._end_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._end_turn()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._end_turn()
