"""Persons of one block: members role by role (relation, age, sex), birth dates and ID numbers,
names, exclusion, health and disability, schooling, residence, incomes (`incomes`), phones and bank
cards, and the persons table. `generate_block` also draws the household-level columns (hardship, assets,
addresses) in their place in the block's random stream, so it returns the whole `Block`."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pyarrow as pa

from doudi.synth import names as N
from doudi.synth.config import MAX_AGE, REFERENCE_DATE
from doudi.synth.distributions import (
    _DIS_GRADE_LUT,
    _DIS_TYPE_LUT,
    _GIVEN_BYTES,
    _GIVEN_LUT,
    _REASON_LUT,
    _SURNAME_BYTES,
    _SURNAME_LUT,
    _TYPE_CHILD_HI,
    _TYPE_CHILD_LO,
    _TYPE_HARDSHIP,
    _TYPE_HEAD_HI,
    _TYPE_HEAD_LO,
    _TYPE_HEAD_MALE,
    DISABILITY_BY_AGE,
    HARDSHIP_SHARE,
    SCHOOLING_LUT,
    SERIOUS_ILLNESS_BY_AGE,
    T_SKIPPED,
    T_STEM,
    _Draw,
    sample_age,
)
from doudi.synth.households import (
    PREDECESSOR_SHARE,
    _Plan,
    addresses,
    household_assets,
    household_table,
)
from doudi.synth.identity import (
    _BASE_DAYS,
    _REF_DAYS,
    _REF_MMDD,
    IdAllocator,
    bank_cards,
    civil_from_days,
    id_numbers,
    phone_numbers,
)
from doudi.synth.incomes import Incomes, household_income_rules, person_incomes
from doudi.synth.schema import (
    _AREA_ARR,
    _D8,
    _D16,
    _DIS_ARR,
    _EXCL_ARR,
    _PERSON_WIRE,
    _RELATION_ARR,
    _SCHOOL_ARR,
    _SEX_ARR,
    _VITAL_ARR,
    R_CHILD,
    R_CHILD_IN_LAW,
    R_GRANDCHILD,
    R_GRANDPARENT,
    R_HEAD,
    R_OTHER,
    R_PARENT,
    R_SIBLING,
    R_SPOUSE,
    S_NONE,
    Block,
    _dictarr,
    _strings_fixed,
    _strings_var,
)


def _members(
    rnd: _Draw, htype: np.ndarray, counts: np.ndarray, offsets: np.ndarray, n_p: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(age, male, role) per person: the head first, then the other roles in RELATIONS order."""
    n_hh = htype.shape[0]
    role_start = 1 + np.cumsum(counts, axis=1) - counts  # (n_hh, 8), relative to the head
    age = np.empty(n_p, dtype=np.int64)
    male = np.empty(n_p, dtype=bool)
    role = np.empty(n_p, dtype=np.int8)
    head_age = sample_age(_TYPE_HEAD_LO[htype], _TYPE_HEAD_HI[htype], rnd.u(n_hh))
    head_male = rnd.u(n_hh) < _TYPE_HEAD_MALE[htype]
    age[offsets], male[offsets], role[offsets] = head_age, head_male, R_HEAD
    spouse_age = np.full(n_hh, -1, dtype=np.int64)
    parent0_age = np.zeros(n_hh, dtype=np.int64)
    child0_age = np.zeros(n_hh, dtype=np.int64)
    child0_male = np.zeros(n_hh, dtype=bool)
    p_boy = 1.06 / 2.06  # sex ratio at birth 106

    for col, rel in enumerate(range(R_SPOUSE, R_OTHER + 1)):
        c_col = counts[:, col]
        for k in range(int(c_col.max(initial=0))):
            sel = np.flatnonzero(c_col > k)
            pos = offsets[sel] + role_start[sel, col] + k
            h, n = head_age[sel], sel.size
            if rel == R_SPOUSE:
                mu = np.where(head_male[sel], -2.0, 2.0)
                a = np.clip(h + np.rint(mu + 2.5 * rnd.normal(n)).astype(np.int64), 20, MAX_AGE)
                s = ~head_male[sel]
                spouse_age[sel] = a
            elif rel == R_PARENT:
                if k == 0:
                    a = sample_age(h + 20, np.minimum(h + 42, MAX_AGE), rnd.u(n))
                    s = (counts[sel, col] == 2) | (rnd.u(n) < 0.32)  # a lone parent: mostly mothers
                    parent0_age[sel] = a
                else:
                    d = np.rint(2.0 + 2.5 * rnd.normal(n)).astype(np.int64)
                    a = np.clip(parent0_age[sel] - d, np.minimum(h + 18, MAX_AGE), MAX_AGE)
                    s = np.zeros(n, dtype=bool)
            elif rel == R_GRANDPARENT:
                a = sample_age(h + 42, h + 68, rnd.u(n))
                s = rnd.u(n) < 0.3
            elif rel == R_CHILD:
                sp = spouse_age[sel]
                young = np.where(sp >= 0, np.minimum(h, sp), h)
                t = htype[sel]
                lo = np.maximum(_TYPE_CHILD_LO[t], young - 42)
                hi = np.minimum(_TYPE_CHILD_HI[t], young - 20)
                a = sample_age(lo, np.maximum(hi, 0), rnd.u(n))
                s = rnd.u(n) < np.where(
                    (t == T_STEM) & (k == 0), 0.75, p_boy
                )  # married son at home
                if k == 0:
                    child0_age[sel], child0_male[sel] = a, s
            elif rel == R_CHILD_IN_LAW:
                mu = np.where(child0_male[sel], -2.0, 2.0)
                a = np.clip(
                    child0_age[sel] + np.rint(mu + 2.5 * rnd.normal(n)).astype(np.int64),
                    20,
                    MAX_AGE,
                )
                s = ~child0_male[sel]
            elif rel == R_GRANDCHILD:
                skipped = htype[sel] == T_SKIPPED
                c = child0_age[sel]
                lo = np.where(skipped, h - 78, c - 42)
                hi = np.where(skipped, np.minimum(17, h - 40), c - 20)
                a = sample_age(lo, hi, rnd.u(n))
                s = rnd.u(n) < p_boy
            elif rel == R_SIBLING:
                a = sample_age(h - 12, h + 12, rnd.u(n))
                s = rnd.u(n) < 0.5
            else:  # other relative (nephew, aunt, cousin …)
                a = sample_age(h - 40, h + 30, rnd.u(n))
                s = rnd.u(n) < 0.5
            age[pos], male[pos], role[pos] = a, s, rel
    return age, male, role


def _names(
    rnd: _Draw, role: np.ndarray, male: np.ndarray, by: np.ndarray, hh_of: np.ndarray, n_hh: int
) -> pa.Array:
    """Family surname for the paternal line, own surname otherwise; era-typical given names."""
    n_p = role.shape[0]
    family = _SURNAME_LUT[rnd.bits(n_hh)]
    own = _SURNAME_LUT[rnd.bits(n_p)]
    patri = np.isin(role, (R_CHILD, R_GRANDCHILD, R_SIBLING)) | (
        male & np.isin(role, (R_HEAD, R_SPOUSE, R_PARENT, R_GRANDPARENT))
    )
    surname = np.where(patri & (rnd.u(n_p) < 0.92), family[hh_of], own)
    era = (by >= N.ERA_LIMITS[0]).astype(np.int64) + (by >= N.ERA_LIMITS[1])
    sex_i = male.astype(np.int64)
    g1 = _GIVEN_LUT[sex_i, era, rnd.bits(n_p)]
    g2 = _GIVEN_LUT[sex_i, era, rnd.bits(n_p)]
    single = rnd.u(n_p) < np.asarray(N.SINGLE_GIVEN_SHARE)[era]
    name_mat = np.empty((n_p, 9), dtype=np.uint8)
    name_mat[:, :3] = _SURNAME_BYTES[surname]
    name_mat[:, 3:6] = _GIVEN_BYTES[g1]
    name_mat[:, 6:9] = _GIVEN_BYTES[g2]
    return _strings_var(name_mat, np.where(single, 6, 9).astype(np.int32))


class _Identity(NamedTuple):
    """Per person: the birth date (days since 1970, as the allocation left it), the exact age on
    the reference date, the birth year and the ID number (18 ASCII bytes)."""

    birth_days: np.ndarray
    age: np.ndarray
    birth_year: np.ndarray
    id_mat: np.ndarray


def _identities(
    plan: _Plan,
    allocator: IdAllocator,
    allocate_in_turn: Callable[[int, Callable[[], None]], None],
    age: np.ndarray,
    male: np.ndarray,
) -> _Identity:
    """Birth dates, the address code of each ID number (the county's, or for older persons
    sometimes a predecessor's) and the ID numbers, allocated in block order."""
    m, rnd = plan.model, plan.rnd
    n_p = age.shape[0]
    birth_days = _BASE_DAYS[age] - rnd.rng.integers(0, 365, n_p)
    addr = np.full(n_p, m.code_int, dtype=np.int64)
    if m.predecessors:
        old = (birth_days < m.predecessor_until_days) & (rnd.u(n_p) < PREDECESSOR_SHARE)
        pick = rnd.rng.integers(0, len(m.predecessors), n_p)
        addr[old] = np.asarray(m.predecessors, dtype=np.int64)[pick[old]]
    seq = np.empty(n_p, dtype=np.int64)

    def allocate() -> None:
        # current code first, then predecessors; person order within
        for a_code in m.addr_ascii:
            sel = np.flatnonzero(addr == a_code) if m.predecessors else np.arange(n_p)
            if sel.size == 0:
                continue
            d = birth_days[sel]
            seq[sel] = allocator.allocate(a_code, d, male[sel])
            birth_days[sel] = d

    allocate_in_turn(plan.seq_no, allocate)
    by, bm, bd = civil_from_days(birth_days)
    mmdd = bm * 100 + bd
    age = np.clip(
        REFERENCE_DATE.year - by - (mmdd > _REF_MMDD), 0, MAX_AGE
    )  # exact (a moved date may cross a birthday)
    return _Identity(birth_days, age, by, id_numbers(addr, m.addr_ascii, by, mmdd, seq))


def _hardship(rnd: _Draw, htype: np.ndarray, urban: np.ndarray, n_hh: int) -> np.ndarray:
    """Household ground truth: whether the household is in hardship (by type and area, scaled
    to HARDSHIP_SHARE overall)."""
    p_h = _TYPE_HARDSHIP[htype] * np.where(urban, 0.8, 1.6)
    p_h = np.minimum(p_h * (HARDSHIP_SHARE / p_h.mean()), 0.6)
    return rnd.u(n_hh) < p_h


def _exclusion(
    rnd: _Draw, role: np.ndarray, age: np.ndarray, male: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(counted, the reason drawn for an exclusion): 民发〔2021〕57号 第七条."""
    n_p = age.shape[0]
    excluded = (role != R_HEAD) & (age >= 18) & (age <= 70) & (rnd.u(n_p) < 0.013)
    counted = ~excluded
    reason = _REASON_LUT[male.astype(np.int64), rnd.bits2(n_p)]
    return counted, reason


class _Health(NamedTuple):
    """Per person: disability (type and grade), serious illness, labour capacity, schooling."""

    disabled: np.ndarray
    dis_type: np.ndarray
    dis_grade: np.ndarray
    ill: np.ndarray
    labour: np.ndarray
    school: np.ndarray


def _health(rnd: _Draw, age: np.ndarray, hard_p: np.ndarray, urban_p: np.ndarray) -> _Health:
    """Health, disability, labour capacity and schooling, from age, area and hardship."""
    n_p = age.shape[0]
    disabled = rnd.u(n_p) < np.minimum(DISABILITY_BY_AGE[age] * np.where(hard_p, 3.0, 1.0), 0.85)
    dis_type = _DIS_TYPE_LUT[(age < 18).astype(np.int64), rnd.bits2(n_p)]
    dis_grade = (_DIS_GRADE_LUT[rnd.bits(n_p)] + 1).astype(np.int8)
    ill = rnd.u(n_p) < np.minimum(SERIOUS_ILLNESS_BY_AGE[age] * np.where(hard_p, 4.0, 1.0), 0.5)
    severe = disabled & (dis_grade <= 2)
    mental3 = disabled & (dis_grade == 3) & ((dis_type == 4) | (dis_type == 5)) & (rnd.u(n_p) < 0.7)
    older_ok = (age < 70) & (rnd.u(n_p) < np.where(urban_p, 0.10, 0.25))
    labour = (age >= 16) & ((age < 60) | older_ok) & ~severe & ~mental3 & ~ill
    school = SCHOOLING_LUT[age, rnd.bits2(n_p)]
    school = np.where(severe & (age >= 15), S_NONE, school)
    return _Health(disabled, dis_type, dis_grade, ill, labour, school)


def _residence(
    rnd: _Draw,
    counted: np.ndarray,
    age: np.ndarray,
    village: np.ndarray,
    hh_of: np.ndarray,
    n_hh: int,
) -> np.ndarray:
    """The village each person lives in: ≈ 8 % live in another village (one that has households
    in this block)."""
    n_p = age.shape[0]
    away = counted & (rnd.u(n_p) < np.where((age >= 16) & (age < 60), 0.13, 0.02))
    return np.where(away, village[rnd.rng.integers(0, n_hh, n_p)], village[hh_of])


class _Contacts(NamedTuple):
    """Per person: the person id, phone and bank card (with whether each is held), vital
    status and date of death."""

    pid: np.ndarray
    has_phone: np.ndarray
    phone_mat: np.ndarray
    has_bank: np.ndarray
    card_mat: np.ndarray
    deceased: np.ndarray
    death_days: np.ndarray


def _contacts(
    plan: _Plan,
    age: np.ndarray,
    hard_p: np.ndarray,
    role: np.ndarray,
    phone_rounds: np.ndarray,
    card_rounds: np.ndarray,
) -> _Contacts:
    """Phones, bank cards and vital status."""
    rnd = plan.rnd
    n_p = age.shape[0]
    pid = np.arange(plan.first_person_id, plan.first_person_id + n_p, dtype=np.int64)
    has_phone = rnd.u(n_p) < np.select(
        [age < 12, age < 18, age < 75], [0.0, 0.7, 0.97], default=0.6
    )
    phone_mat = phone_numbers(pid, phone_rounds)
    p_bank = np.where(age < 16, 0.0, np.where(hard_p, 0.85, 0.92) * np.where(age >= 75, 0.8, 1.0))
    has_bank = rnd.u(n_p) < p_bank
    # 4 random digits, then 8 digits that are unique per person
    card_mat = bank_cards(pid, card_rounds, rnd.rng.integers(0, 10_000, n_p))
    deceased = (role != R_HEAD) & (age >= 75) & (rnd.u(n_p) < 0.015)
    death_days = np.where(deceased, _REF_DAYS - rnd.rng.integers(0, 365, n_p), 0)
    return _Contacts(pid, has_phone, phone_mat, has_bank, card_mat, deceased, death_days)


def _persons_table(
    *,
    plan: _Plan,
    person_hid: np.ndarray,
    person_village: np.ndarray,
    identity: _Identity,
    name_arr: pa.Array,
    male: np.ndarray,
    role: np.ndarray,
    counted: np.ndarray,
    reason: np.ndarray,
    res_village: np.ndarray,
    health: _Health,
    incomes: Incomes,
    contacts: _Contacts,
) -> pa.Table:
    """The persons table in the wire schema (`_PERSON_WIRE`)."""
    m, h, i, c = plan.model, health, incomes, contacts
    return pa.Table.from_arrays(
        [
            pa.array(c.pid),
            pa.array(person_hid),
            _strings_fixed(identity.id_mat),
            name_arr,
            _dictarr(male, _SEX_ARR, _D8),
            pa.array(identity.birth_days.astype(np.int32)).view(pa.date32()),
            _dictarr(role, _RELATION_ARR, _D8),
            pa.array(counted),
            _dictarr(reason, _EXCL_ARR, _D8, null=counted),
            _dictarr(person_village, m.village_code, _D16),
            _dictarr(i.hukou_urban, _AREA_ARR, _D8),
            _dictarr(res_village, m.village_code, _D16),
            _strings_fixed(c.phone_mat, c.has_phone),
            _dictarr(h.dis_type, _DIS_ARR, _D8, null=~h.disabled),
            pa.array(h.dis_grade, mask=~h.disabled, type=pa.int8()),
            pa.array(h.labour),
            _dictarr(h.school, _SCHOOL_ARR, _D8),
            _dictarr(c.deceased, _VITAL_ARR, _D8),
            pa.array(h.ill),
            pa.array(i.wage_f),
            pa.array(i.employed & ~i.unstable & (i.wage_f > 0)),
            pa.array(i.bus_f),
            pa.array(i.pen_f),
            pa.array(i.oth_f),
            _strings_fixed(c.card_mat, c.has_bank),
            pa.array(c.death_days.astype(np.int32), mask=~c.deceased).view(pa.date32()),
        ],
        schema=_PERSON_WIRE,
    )


def generate_block(
    plan: _Plan,
    allocator: IdAllocator,
    allocate_in_turn: Callable[[int, Callable[[], None]], None],
    phone_rounds: np.ndarray,
    card_rounds: np.ndarray,
) -> Block:
    """The block's households and persons (wire schema). `allocate_in_turn(seq_no, fn)` runs the ID
    allocation `fn` once every earlier block has run its own; `phone_rounds` and `card_rounds` are
    the run's Feistel round tables. Each step draws from the block's random stream in turn, so the
    order of the steps is part of the output."""
    m, rnd = plan.model, plan.rnd
    village, urban, htype = plan.village, plan.urban, plan.htype
    counts, size = plan.counts, plan.size
    n_hh = size.shape[0]
    n_p = int(size.sum())
    offsets = np.zeros(n_hh, dtype=np.int64)
    np.cumsum(size[:-1], out=offsets[1:])
    hh_of = np.repeat(np.arange(n_hh), size)

    age, male, role = _members(rnd, htype, counts, offsets, n_p)
    identity = _identities(plan, allocator, allocate_in_turn, age, male)
    age = identity.age
    name_arr = _names(rnd, role, male, identity.birth_year, hh_of, n_hh)
    hardship = _hardship(rnd, htype, urban, n_hh)
    hard_p = hardship[hh_of]
    urban_p = urban[hh_of]
    counted, reason = _exclusion(rnd, role, age, male)
    health = _health(rnd, age, hard_p, urban_p)
    res_village = _residence(rnd, counted, age, village, hh_of, n_hh)
    incomes = person_incomes(
        rnd,
        age=age,
        male=male,
        labour=health.labour,
        school=health.school,
        counted=counted,
        urban=urban,
        urban_p=urban_p,
        hard_p=hard_p,
        hh_of=hh_of,
        n_hh=n_hh,
    )
    incomes, asset_rich = household_income_rules(
        rnd, incomes, hardship=hardship, counted=counted, hh_of=hh_of, offsets=offsets, n_hh=n_hh
    )
    fin, vehicles, vvalue, estate = household_assets(rnd, urban, hardship, asset_rich)
    registrations = np.minimum(
        np.bincount(hh_of, weights=incomes.getihu & counted, minlength=n_hh), 3
    )
    contacts = _contacts(plan, age, hard_p, role, phone_rounds, card_rounds)

    hid = np.arange(plan.first_household_id, plan.first_household_id + n_hh, dtype=np.int64)
    households = household_table(
        plan,
        hid,
        addresses(rnd, m, village, urban),
        hardship,
        fin,
        vehicles,
        vvalue,
        estate,
        registrations,
    )
    persons = _persons_table(
        plan=plan,
        person_hid=hid[hh_of],
        person_village=village[hh_of],
        identity=identity,
        name_arr=name_arr,
        male=male,
        role=role,
        counted=counted,
        reason=reason,
        res_village=res_village,
        health=health,
        incomes=incomes,
        contacts=contacts,
    )
    return Block(households=households, persons=persons, county_code=m.county.code)
