#!/usr/bin/python3
"""Peer timing for bench/hmm.mjs: pomegranate 0.14 Baum–Welch on data of the same shape
(S sequences × T steps, K = 8, D = 4, full-covariance Gaussian emissions), ms per iteration
with 1 and 2 jobs. usage: hmm-peer.py S T ITERATIONS"""
import json
import sys
import time

import numpy as np
from pomegranate import HiddenMarkovModel, MultivariateGaussianDistribution

S, T, ITER = (int(a) for a in sys.argv[1:4])
K, D = 8, 4
rng = np.random.default_rng(11)
means = 3 * rng.normal(size=(K, D))
cov = np.full((D, D), 0.2) + 0.8 * np.eye(D)
trans = rng.uniform(0.5, 1.5, size=(K, K)) + 10 * np.eye(K)
trans /= trans.sum(axis=1, keepdims=True)
chol = np.linalg.cholesky(cov)
seqs = []
for _ in range(S):
    z = np.empty(T, dtype=int)
    z[0] = rng.integers(K)
    u = rng.random(T)
    cum = trans.cumsum(axis=1)
    for t in range(1, T):
        z[t] = min(np.searchsorted(cum[z[t - 1]], u[t]), K - 1)
    seqs.append(means[z] + rng.normal(size=(T, D)) @ chol.T)


def model():
    dists = [MultivariateGaussianDistribution(means[j] + 0.5, np.eye(D)) for j in range(K)]
    start = np.full(K, 1 / K)
    t = np.ones((K, K)) + np.eye(K)
    return HiddenMarkovModel.from_matrix(t / t.sum(axis=1, keepdims=True), dists, start)


for jobs in (1, 2):
    m = model()
    m.bake()
    t0 = time.perf_counter()
    m.fit(seqs, algorithm='baum-welch', max_iterations=ITER, stop_threshold=-1, n_jobs=jobs, verbose=False)
    seconds = time.perf_counter() - t0
    print(json.dumps({'peer': 'pomegranate ' + __import__('pomegranate').__version__, 'jobs': jobs, 'msPerIteration': 1000 * seconds / ITER}))
