"""The run: `_Run` plans blocks county by county (in order, with consecutive ids), generates their
persons in a thread pool and hands out ID numbers in block order, so the output does not depend on
the number of threads. `iter_blocks` and `generate_tables` are the in-memory entry points."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from doudi.synth.config import SynthConfig, split_persons
from doudi.synth.households import _county_model, _CountyModel, _Plan, block_households, plan_block
from doudi.synth.identity import FEISTEL_HALF, IdAllocator
from doudi.synth.persons import generate_block
from doudi.synth.schema import HOUSEHOLD_SCHEMA, PERSON_SCHEMA, Block


class _Aborted(Exception):
    """Another block failed; this one stops waiting for its turn."""


@dataclass
class _Run:
    config: SynthConfig
    workers: int = 1
    allocator: IdAllocator = field(init=False)
    next_household_id: int = 1
    next_person_id: int = 1
    _turn: int = 0
    _aborted: bool = False
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _phone_rounds: np.ndarray = field(init=False)
    _card_rounds: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.allocator = IdAllocator(self.config.seed)
        rng = np.random.default_rng([self.config.seed, 0xF1_57E1])
        self._phone_rounds = rng.integers(0, FEISTEL_HALF, (4, FEISTEL_HALF), dtype=np.int32)
        self._card_rounds = rng.integers(0, FEISTEL_HALF, (4, FEISTEL_HALF), dtype=np.int32)

    def _plans(self) -> Iterator[_Plan]:
        counties = self.config.counties
        seq_no = 0
        for code, n_c in zip(counties, split_persons(counties, self.config.persons), strict=True):
            if n_c == 0:
                continue
            model = _county_model(code)
            bsize = block_households(n_c)
            remaining, block_no = n_c, 0
            while remaining > 0:
                plan = self._plan(model, block_no, bsize, remaining, seq_no)
                remaining -= plan.n_persons
                block_no += 1
                seq_no += 1
                yield plan

    def blocks(self) -> Iterator[Block]:
        """Blocks in order. With workers > 1 the persons of several blocks are generated in threads
        (numpy releases the GIL); ID numbers are still allocated in block order, so the output is
        identical whatever the number of workers."""
        if self.workers <= 1:
            for plan in self._plans():
                yield self._persons(plan)
            return
        pending: deque[Future[Block]] = deque()
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="synth-gen") as pool:
            try:
                for plan in self._plans():
                    pending.append(pool.submit(self._persons, plan))
                    while len(pending) > self.workers:
                        yield _result(pending.popleft(), pending)
                while pending:
                    yield _result(pending.popleft(), pending)
            finally:
                if pending:  # failed or abandoned: let waiting blocks give up, drop queued ones
                    with self._cond:
                        self._aborted = True
                        self._cond.notify_all()
                    for fut in pending:
                        fut.cancel()

    def _allocate_in_turn(self, seq_no: int, fn: Callable[[], None]) -> None:
        """Run `fn` (the ID allocation) when all earlier blocks have run theirs."""
        with self._cond:
            while self._turn != seq_no and not self._aborted:
                self._cond.wait()
            if self._aborted:
                raise _Aborted
            try:
                fn()
            finally:
                self._turn += 1
                self._cond.notify_all()

    def _plan(
        self, m: _CountyModel, block_no: int, n_hh: int, remaining: int, seq_no: int
    ) -> _Plan:
        plan = plan_block(
            m,
            block_no,
            n_hh,
            remaining,
            seq_no,
            seed=self.config.seed,
            first_person_id=self.next_person_id,
            first_household_id=self.next_household_id,
        )
        self.next_household_id += plan.n_households
        self.next_person_id += plan.n_persons
        return plan

    def _persons(self, plan: _Plan) -> Block:
        try:
            return self._persons_unguarded(plan)
        except BaseException:
            with self._cond:  # later blocks must not wait for this one's turn
                self._aborted = True
                self._cond.notify_all()
            raise

    def _persons_unguarded(self, plan: _Plan) -> Block:
        return generate_block(
            plan, self.allocator, self._allocate_in_turn, self._phone_rounds, self._card_rounds
        )


def _result(future: Future[Block], later: deque[Future[Block]]) -> Block:
    """The block of `future`; when it gave up because a later block failed first (`_Aborted`),
    that block's error instead, so the cause is what is raised."""
    try:
        return future.result()
    except _Aborted:
        for other in later:
            error = other.exception()
            if error is not None and not isinstance(error, _Aborted):
                raise error from None
        raise


def iter_blocks(config: SynthConfig, workers: int = 1) -> Iterator[Block]:
    """Generation blocks in order (households and persons with consecutive ids). The tables use
    dictionary arrays for categorical columns; `to_public` casts them to the file schema."""
    return _Run(config, workers=workers).blocks()


def to_public(households: pa.Table, persons: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Cast block tables (dictionary-encoded categorical columns) to the file schemas."""
    return households.cast(HOUSEHOLD_SCHEMA), persons.cast(PERSON_SCHEMA)


def generate_tables(config: SynthConfig) -> tuple[pa.Table, pa.Table]:
    """The whole population in memory, in the file schemas (for tests and small runs):
    (households, persons)."""
    blocks = list(iter_blocks(config))
    households, persons = to_public(
        pa.concat_tables([b.households for b in blocks]),
        pa.concat_tables([b.persons for b in blocks]),
    )
    return households.combine_chunks(), persons.combine_chunks()
