#!/usr/bin/python3
"""Reference values of scikit-learn's adjusted_rand_score and normalized_mutual_info_score
(arithmetic average) for @emkit/core's labelAgreement. Writes
tools/fixtures/agreement/agreement-sklearn.json in the repository (read by
tools/test-support/agreement.ts).

Run: /usr/bin/python3 tools/agreement-fixtures/make_fixtures.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, '..', 'fixtures', 'agreement', 'agreement-sklearn.json')

rng = np.random.default_rng(20261202)
cases = []


def add(name, predicted, truth):
    predicted = [int(x) for x in predicted]
    truth = [str(x) for x in truth]
    cases.append({
        'name': name,
        'predicted': predicted,
        'truth': truth,
        'adjustedRandIndex': float(adjusted_rand_score(truth, predicted)),
        'normalizedMutualInformation': float(normalized_mutual_info_score(truth, predicted)),
    })


add('identical partitions, relabelled', [0, 0, 1, 1, 2, 2], ['b', 'b', 'a', 'a', 'c', 'c'])
add('one cluster against one class', [0, 0, 0, 0], ['x', 'x', 'x', 'x'])
add('one cluster against three classes', [0] * 9, ['a', 'b', 'c'] * 3)
add('every row its own cluster', list(range(6)), ['a', 'a', 'b', 'b', 'c', 'c'])
add('independent', [0, 1, 0, 1], ['a', 'a', 'b', 'b'])
add('worse than chance', [0, 0, 1, 1, 0, 1, 1, 0], ['a', 'b', 'a', 'b', 'b', 'a', 'b', 'a'])
for n, k, c in [(50, 3, 3), (200, 4, 3), (1000, 6, 10), (333, 2, 5)]:
    truth = rng.integers(0, c, n)
    noisy = np.where(rng.random(n) < 0.3, rng.integers(0, k, n), truth % k)
    add(f'random n={n} k={k} classes={c}', noisy, [f'class{t}' for t in truth])

os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, 'w') as f:
    json.dump({'generator': f'tools/agreement-fixtures/make_fixtures.py with scikit-learn {sklearn.__version__}', 'cases': cases}, f)
    f.write('\n')
print(f'wrote {len(cases)} cases to {os.path.normpath(out)}')
