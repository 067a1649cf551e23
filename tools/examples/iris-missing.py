#!/usr/bin/python3
"""Writes examples/iris-missing.csv: examples/iris.csv with cells blanked completely at random
(each with probability 0.2, one random cell of every row always kept), for the README's
missing-values example. Run from the repository root: /usr/bin/python3 tools/examples/iris-missing.py"""
import random

random.seed(20)
lines = open('examples/iris.csv').read().strip().split('\n')
out = [lines[0]]
for line in lines[1:]:
    cells = line.split(',')
    keep = random.randrange(len(cells))
    out.append(','.join('' if (j != keep and random.random() < 0.2) else c for j, c in enumerate(cells)))
open('examples/iris-missing.csv', 'w').write('\n'.join(out) + '\n')
