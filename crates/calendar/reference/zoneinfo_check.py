#!/usr/bin/env python3
"""Independent reference for bureau-calendar: recomputes working_between,
add_working and is_working for the cases printed by the reference_cases example,
with Python's zoneinfo, following the rules of the crate docs (intervals belong to
the day they start; a boundary in a gap is the first instant after it; a repeated
wall time is the earlier instant for starts and the later for ends)."""
import sys
from datetime import datetime, timedelta, timezone, date
from zoneinfo import ZoneInfo
UTC = timezone.utc

def resolve(tz, dt, kind):
    u0 = dt.replace(tzinfo=tz, fold=0).astimezone(UTC)
    u1 = dt.replace(tzinfo=tz, fold=1).astimezone(UTC)
    ok0 = u0.astimezone(tz).replace(tzinfo=None) == dt
    ok1 = u1.astimezone(tz).replace(tzinfo=None) == dt
    if ok0 or ok1:
        cands = [u for u, ok in ((u0, ok0), (u1, ok1)) if ok]
        return min(cands) if kind == 'start' else max(cands)
    lo, hi = min(u0, u1), max(u0, u1)
    # first instant whose wall time is after dt
    while (hi - lo) > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        mid = mid.replace(microsecond=0)
        if mid.astimezone(tz).replace(tzinfo=None) > dt:
            hi = mid
        else:
            lo = mid
    if lo.astimezone(tz).replace(tzinfo=None) > dt:
        return lo
    return hi

def parse_hm(s):
    h, m = s.split(':'); return int(h) * 60 + int(m)

def day_intervals(tz, week, holidays, d):
    if d in holidays: return []
    spec = week[d.weekday()]
    out = []
    if not spec: return out
    for part in spec.split(','):
        a, b = part.split('-')
        s, e = parse_hm(a), parse_hm(b)
        sdt = datetime(d.year, d.month, d.day) + timedelta(minutes=s)
        if e <= s:
            edt = datetime(d.year, d.month, d.day) + timedelta(days=1, minutes=e)
        else:
            edt = datetime(d.year, d.month, d.day) + timedelta(minutes=e)
        us, ue = resolve(tz, sdt, 'start'), resolve(tz, edt, 'end')
        if ue > us: out.append((us, ue))
    return out

def merged(ints):
    ints = sorted(ints); out = []
    for s, e in ints:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out

bad = 0; n = 0
for line in open(sys.argv[1]):
    zone, weekspec, hol, start, amount, due, end, between, working = line.strip().split('|')
    tz = ZoneInfo(zone)
    week = weekspec.split(';')
    holidays = {date.fromisoformat(h) for h in hol.split(',') if h}
    a = datetime.fromtimestamp(int(start), UTC); b = datetime.fromtimestamp(int(end), UTC)
    amt = timedelta(seconds=int(amount))
    d0 = (a - timedelta(days=3)).date()
    # working_between and is_working
    ints = []
    d = d0
    while d <= b.date() + timedelta(days=2):
        ints += day_intervals(tz, week, holidays, d); d += timedelta(days=1)
    m = merged(ints)
    tot = sum(((min(e, b) - max(s, a)) for s, e in m if min(e, b) > max(s, a)), timedelta())
    isw = any(s <= b < e for s, e in m)
    # add_working: the earliest instant by which `amt` of working time has elapsed,
    # searched up to 800 days ahead (the crate searches further; no case here needs it).
    got = a if amt == timedelta() else None
    if got is None:
        ints2 = []
        day = d0
        while day <= a.date() + timedelta(days=800):
            ints2 += day_intervals(tz, week, holidays, day)
            day += timedelta(days=1)
        rem = amt
        for s, e in merged(ints2):
            s2 = max(s, a)
            if e <= s2:
                continue
            if e - s2 >= rem:
                got = s2 + rem
                break
            rem -= e - s2
    mydue = 'ERR' if got is None else str(int(got.timestamp()))
    n += 1
    problems = []
    if int(between) != int(tot.total_seconds()): problems.append(f"between ours={between} ref={int(tot.total_seconds())}")
    if due != mydue: problems.append(f"due ours={due} ref={mydue}")
    if (working == 'true') != isw: problems.append(f"is_working ours={working} ref={isw}")
    if problems:
        bad += 1
        if bad <= 15: print(line.strip(), problems)
print(f"{n} cases, {bad} disagreements")
sys.exit(1 if bad else 0)
