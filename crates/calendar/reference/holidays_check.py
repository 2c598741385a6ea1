#!/usr/bin/env python3
"""Independent reference for bureau-calendar's holiday rules.

Reads what the holiday_cases example prints and recomputes it:
- Easter Sunday of both churches with dateutil.easter;
- the weekdays without working time in three public-holiday calendars with the
  `holidays` package (England and Wales, the United States, Germany).

The calendars are built from rules; days off proclaimed once (jubilees, royal
weddings and funerals, moved bank holidays) are not rules, so they are listed
below with what happened, and must be the only disagreements.
"""
import sys
from datetime import date, timedelta

from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter
import holidays

# Days the `holidays` package lists that no yearly rule gives: each a proclamation.
PROCLAIMED = {
    "england": {
        date(1995, 5, 8): "VE Day 50th anniversary (early May bank holiday moved from 1 May)",
        date(1999, 12, 31): "Millennium celebrations",
        date(2002, 6, 3): "Golden Jubilee (spring bank holiday moved to 4 June)",
        date(2002, 6, 4): "Golden Jubilee",
        date(2011, 4, 29): "Royal wedding",
        date(2012, 6, 4): "Diamond Jubilee (spring bank holiday moved from 28 May)",
        date(2012, 6, 5): "Diamond Jubilee",
        date(2020, 5, 8): "VE Day 75th anniversary (early May bank holiday moved from 4 May)",
        date(2022, 6, 2): "Platinum Jubilee (spring bank holiday moved from 30 May)",
        date(2022, 6, 3): "Platinum Jubilee",
        date(2022, 9, 19): "State funeral of Queen Elizabeth II",
        date(2023, 5, 8): "Coronation of King Charles III",
    },
    "united_states": {},
    "germany": {
        date(2017, 10, 31): "Reformation Day, 500th anniversary, nationwide once",
    },
}
# Rule days that the proclamations above moved away.
MOVED_AWAY = {
    "england": {date(1995, 5, 1), date(2002, 5, 27), date(2012, 5, 28), date(2020, 5, 4),
                date(2022, 5, 30)},
    "united_states": set(),
    "germany": set(),
}
REFERENCE = {
    "england": lambda years: holidays.country_holidays("GB", subdiv="ENG", years=years),
    "united_states": lambda years: holidays.country_holidays("US", years=years),
    "germany": lambda years: holidays.country_holidays("DE", years=years),
}


def main(path):
    failures = 0
    easter_checked = 0
    ranges = {}
    closed = {}
    with open(path) as lines:
        for line in lines:
            kind, *rest = line.split()
            if kind == "easter":
                church, year, day = rest
                method = EASTER_WESTERN if church == "western" else EASTER_ORTHODOX
                expected = easter(int(year), method)
                if date.fromisoformat(day) != expected:
                    failures += 1
                    print(f"easter {church} {year}: bureau {day}, dateutil {expected}")
                easter_checked += 1
            elif kind == "range":
                name, first, last = rest
                ranges[name] = (date.fromisoformat(first), date.fromisoformat(last))
                closed[name] = set()
            elif kind == "closed":
                name, day = rest
                closed[name].add(date.fromisoformat(day))
    compared = 0
    for name, (first, last) in ranges.items():
        reference = REFERENCE[name](range(first.year, last.year + 1))
        expected = {d for d in reference if first <= d <= last and d.weekday() < 5}
        expected -= set(PROCLAIMED[name])
        expected |= {d for d in MOVED_AWAY[name] if first <= d <= last}
        ours = closed[name]
        for d in sorted(expected - ours):
            failures += 1
            print(f"{name}: {d} ({reference.get(d, 'moved away by proclamation')}) works in bureau")
        for d in sorted(ours - expected):
            failures += 1
            print(f"{name}: {d} is closed in bureau, not a holiday in the reference")
        compared += (last - first).days + 1
    print(f"holidays_check: {easter_checked} Easter dates, {compared} calendar days in "
          f"{len(ranges)} calendars, {failures} disagreements")
    if failures or easter_checked == 0 or not ranges:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1])
