"""The embedded database's writers of one process are served in the order they arrived."""

from __future__ import annotations

import threading
import time

from doudi.core.sqlite.base import FairLock


def _queued(lock: FairLock) -> int:
    with lock._guard:
        return len(lock._waiters)


def test_waiting_writers_get_their_turn_in_the_order_they_arrived():
    lock = FairLock()
    assert lock.acquire(timeout=1)
    served: list[int] = []

    def writer(number: int) -> None:
        assert lock.acquire(timeout=5)
        served.append(number)
        lock.release()

    threads = []
    for number in range(6):
        thread = threading.Thread(target=writer, args=(number,))
        thread.start()
        threads.append(thread)
        while _queued(lock) < number + 1:  # each one queues before the next arrives
            time.sleep(0.001)
    lock.release()
    for thread in threads:
        thread.join()

    assert served == [0, 1, 2, 3, 4, 5]
    assert lock.acquire(timeout=0.01)  # free again once everyone was served


def test_a_writer_not_served_within_the_timeout_leaves_the_queue_and_changes_nothing():
    lock = FairLock()
    assert lock.acquire(timeout=1)

    started = time.perf_counter()
    assert lock.acquire(timeout=0.05) is False

    assert time.perf_counter() - started >= 0.05
    assert _queued(lock) == 0
    lock.release()
    assert lock.acquire(timeout=0.01)
