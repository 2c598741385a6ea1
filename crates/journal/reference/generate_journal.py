#!/usr/bin/env python3
"""Writes a journal of N transactions (default 100,000) over 1,000 accounts in
three commodities ($, EUR and AAPL bought at a cost), with prices, inferred
amounts and digit groups, for timing bureau-journal against hledger and
ledger-cli on the same file:

    python3 crates/journal/reference/generate_journal.py 100000 > /tmp/big.journal
"""
import random, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
rng = random.Random(15)
tops = ["Assets", "Liabilities", "Equity", "Income", "Expenses"]
accounts = [f"{tops[i % 5]}:Group {i % 37}:Account {i}" for i in range(1000)]
out = sys.stdout
out.write("; generated\n")
for month in range(1, 13):
    out.write(f"P 2026-{month:02}-01 AAPL ${rng.randint(100, 200)}.00\n")
for t in range(1, n + 1):
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    out.write(f"\n2026-{month:02}-{day:02} * transaction {t}  ; batch: {t % 100}\n")
    kind = rng.randrange(4)
    legs = rng.randint(1, 3)
    for _ in range(legs):
        account = rng.choice(accounts)
        cents = rng.randint(-10_000_000, 10_000_000)
        sign = "-" if cents < 0 else ""
        whole, frac = divmod(abs(cents), 100)
        if kind == 0:
            out.write(f"    {account}  {sign}${whole:,}.{frac:02}\n")
        elif kind == 1:
            out.write(f"    {account}  {sign}{whole}.{frac:02} EUR\n")
        elif kind == 2:
            out.write(f"    {account}  {sign}{rng.randint(1, 50)} AAPL @ ${whole}.{frac:02}\n")
        else:
            out.write(f"    {account}  {sign}{whole}.{frac:02} EUR  ; memo\n")
    out.write(f"    {rng.choice(accounts)}\n")
