#!/usr/bin/python3
"""Writes examples/wine.csv: scikit-learn's copy of the UCI wine data (178 wines, 13 chemical
measurements) with an `id` column first and the cultivar as a `cultivar` label column last.

Run: /usr/bin/python3 tools/examples/make_wine.py
"""
import csv
import os

from sklearn.datasets import load_wine

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, '..', '..', 'examples', 'wine.csv')
wine = load_wine()
with open(out, 'w', newline='') as f:
    writer = csv.writer(f, lineterminator='\n')
    writer.writerow(['id', *[name.replace('/', '_') for name in wine.feature_names], 'cultivar'])
    for i, (row, target) in enumerate(zip(wine.data, wine.target)):
        writer.writerow([i + 1, *[repr(float(x)) for x in row], wine.target_names[target]])
print(f'wrote {len(wine.data)} rows to {os.path.normpath(out)}')
