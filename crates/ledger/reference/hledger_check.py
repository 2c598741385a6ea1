#!/usr/bin/env python3
"""Independent reference for bureau-ledger: feeds the entries the ledger accepted
(the `J` lines printed by the reference_journal example) to hledger and compares
hledger's balance of every account and commodity at the end of each date with the
ledger's own (`B` lines). hledger also checks that every entry balances."""
import collections, subprocess, sys, tempfile
from datetime import date, timedelta
from decimal import Decimal

journal, ours = [], []
for line in open(sys.argv[1]):
    kind, rest = line.rstrip('\n').split('|', 1)
    (journal if kind == 'J' else ours).append(rest)
with tempfile.NamedTemporaryFile('w', suffix='.journal', delete=False) as f:
    f.write('\n'.join(journal) + '\n')
    path = f.name
expected = collections.defaultdict(dict)
for row in ours:
    day, account, commodity, amount = row.split('|')
    expected[day][(account, commodity)] = Decimal(amount)
bad = checked = 0
for day, balances in expected.items():
    end = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    out = subprocess.run(['hledger', '-f', path, 'bal', '--flat', '-N', '-E', '-e', end,
                          '--layout=bare', '-O', 'csv'], check=True, capture_output=True, text=True).stdout
    theirs = collections.defaultdict(Decimal)
    for record in out.splitlines()[1:]:
        account, commodity, amount = [c.strip('"') for c in record.split('","')]
        theirs[(account, commodity)] += Decimal(amount.replace(',', ''))
    for key, value in balances.items():
        checked += 1
        if theirs.get(key, Decimal(0)) != value:
            bad += 1
            print(f"{day} {key}: ours {value}, hledger {theirs.get(key, Decimal(0))}")
print(f"{len([l for l in journal if not l.startswith(' ')])} entries, {checked} balances, {bad} disagreements")
sys.exit(1 if bad else 0)
