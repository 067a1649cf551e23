#!/usr/bin/python3
"""Reference fixtures for @emkit/hmm: a plain NumPy Baum–Welch, checked against pomegranate 0.14.

For each case it draws sequences from a known HMM, starts Baum–Welch from other parameters, and
writes tools/fixtures/hmm/<case>.json with:
  sequences      list of sequences (T×D lists of numbers; categorical: T×1 integer symbols)
  init           starting parameters (startProbabilities, transitions, means + covariances |
                 emissionProbabilities)
  initLogLikelihood  Σ log p(sequence) at init
  logLikelihoods     Σ log p(sequence) at the parameters of each E-step: [0] at init, [i] after
                     i M-steps, for `iterations` M-steps
  final          parameters after `iterations` M-steps
  viterbiInit / viterbiFinal  most probable state paths (per sequence) at init / final parameters
  pomegranate    what pomegranate (Debian python3-pomegranate 0.14) computes from the same
                 parameters: the log-likelihood at init and at final, and its Viterbi paths;
                 the script asserts NumPy and pomegranate agree before writing.

The M-step is maximum likelihood; Gaussian covariances get regCovar on the diagonal (as
emkit's gmm modules, scikit-learn's reg_covar). Run: /usr/bin/python3 tools/hmm-fixtures/generate.py
"""
import json
import os
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'hmm')


def gaussian_log_densities(x, means, covs, cov_type):
    k, d = means.shape
    out = np.empty((x.shape[0], k))
    for j in range(k):
        cov = covs[j] if cov_type == 'full' else np.diag(covs[j])
        chol = np.linalg.cholesky(cov)
        diff = np.linalg.solve(chol, (x - means[j]).T)
        out[:, j] = -0.5 * d * np.log(2 * np.pi) - np.sum(np.log(np.diag(chol))) - 0.5 * np.sum(diff * diff, axis=0)
    return out


def categorical_log_densities(x, probs):
    with np.errstate(divide='ignore'):
        return np.log(probs[:, x[:, 0].astype(int)].T)


def forward_backward(log_b, start, trans):
    """Scaled forward–backward; returns log p, gamma (T×K), xi summed (K×K)."""
    t_len, k = log_b.shape
    shift = log_b.max(axis=1, keepdims=True)
    b = np.exp(log_b - shift)
    alpha = np.empty((t_len, k))
    scale = np.empty(t_len)
    a = start * b[0]
    scale[0] = a.sum()
    alpha[0] = a / scale[0]
    for t in range(1, t_len):
        a = (alpha[t - 1] @ trans) * b[t]
        scale[t] = a.sum()
        alpha[t] = a / scale[t]
    beta = np.ones((t_len, k))
    xi = np.zeros((k, k))
    for t in range(t_len - 2, -1, -1):
        carried = b[t + 1] * beta[t + 1] / scale[t + 1]
        beta[t] = trans @ carried
        xi += np.outer(alpha[t], carried) * trans
    gamma = alpha * beta
    return float(np.sum(np.log(scale)) + np.sum(shift)), gamma, xi


def viterbi(log_b, start, trans):
    t_len, k = log_b.shape
    with np.errstate(divide='ignore'):
        log_start, log_trans = np.log(start), np.log(trans)
    delta = log_start + log_b[0]
    back = np.zeros((t_len, k), dtype=int)
    for t in range(1, t_len):
        cand = delta[:, None] + log_trans
        back[t] = np.argmax(cand, axis=0)
        delta = cand[back[t], np.arange(k)] + log_b[t]
    path = [int(np.argmax(delta))]
    for t in range(t_len - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


def log_densities(seq, params, case):
    if case['emission'] == 'categorical':
        return categorical_log_densities(seq, params['emissionProbabilities'])
    return gaussian_log_densities(seq, params['means'], params['covariances'], case['covariance'])


def e_step(seqs, params, case):
    k = len(params['startProbabilities'])
    total, start_counts, trans_counts, gammas = 0.0, np.zeros(k), np.zeros((k, k)), []
    for seq in seqs:
        ll, gamma, xi = forward_backward(log_densities(seq, params, case), params['startProbabilities'], params['transitions'])
        total += ll
        start_counts += gamma[0]
        trans_counts += xi
        gammas.append(gamma)
    return total, start_counts, trans_counts, gammas


def m_step(seqs, params, case, start_counts, trans_counts, gammas):
    new = {'startProbabilities': start_counts / start_counts.sum(), 'transitions': trans_counts / trans_counts.sum(axis=1, keepdims=True)}
    x = np.concatenate(seqs)
    g = np.concatenate(gammas)
    nk = g.sum(axis=0)
    if case['emission'] == 'categorical':
        m = case['symbols']
        counts = np.stack([g[x[:, 0] == s].sum(axis=0) for s in range(m)], axis=1)
        new['emissionProbabilities'] = counts / counts.sum(axis=1, keepdims=True)
        return new
    means = (g.T @ x) / nk[:, None]
    covs = []
    for j in range(len(nk)):
        diff = x - means[j]
        cov = (g[:, j, None] * diff).T @ diff / nk[j]
        if case['covariance'] == 'full':
            covs.append(cov + case['regCovar'] * np.eye(x.shape[1]))
        else:
            covs.append(np.diag(cov) + case['regCovar'])
    new['means'], new['covariances'] = means, np.array(covs)
    return new


def pomegranate_model(params, case):
    from pomegranate import DiscreteDistribution, HiddenMarkovModel, MultivariateGaussianDistribution
    k = len(params['startProbabilities'])
    if case['emission'] == 'categorical':
        dists = [DiscreteDistribution({s: float(p) for s, p in enumerate(params['emissionProbabilities'][j])}) for j in range(k)]
    else:
        covs = params['covariances'] if case['covariance'] == 'full' else [np.diag(c) for c in params['covariances']]
        dists = [MultivariateGaussianDistribution(params['means'][j], covs[j]) for j in range(k)]
    names = [f's{j}' for j in range(k)]
    model = HiddenMarkovModel.from_matrix(params['transitions'], dists, params['startProbabilities'], state_names=names)
    model.bake()
    return model


def pomegranate_check(seqs, params, case):
    model = pomegranate_model(params, case)
    index = {state.name: int(state.name[1:]) for state in model.states if state.name.startswith('s') and state.name[1:].isdigit()}
    prepared = [seq[:, 0].astype(int).tolist() if case['emission'] == 'categorical' else seq for seq in seqs]
    ll = float(sum(model.log_probability(seq) for seq in prepared))
    paths = []
    for seq in prepared:
        _, path = model.viterbi(seq)
        paths.append([index[state.name] for _, state in path if state.name in index])
    return ll, paths


def as_json(params):
    return {key: np.asarray(value).tolist() for key, value in params.items()}


def draw(rng, truth, case, lengths):
    k = len(truth['startProbabilities'])
    seqs = []
    for t_len in lengths:
        z = rng.choice(k, p=truth['startProbabilities'])
        rows = []
        for t in range(t_len):
            if t > 0:
                z = rng.choice(k, p=truth['transitions'][z])
            if case['emission'] == 'categorical':
                rows.append([float(rng.choice(case['symbols'], p=truth['emissionProbabilities'][z]))])
            else:
                cov = truth['covariances'][z] if case['covariance'] == 'full' else np.diag(truth['covariances'][z])
                rows.append(rng.multivariate_normal(truth['means'][z], cov).tolist())
        seqs.append(np.array(rows))
    return seqs


def random_stochastic(rng, rows, cols, diagonal=0.0):
    m = rng.uniform(0.2, 1.0, size=(rows, cols)) + diagonal * np.eye(rows, cols)
    return m / m.sum(axis=1, keepdims=True)


def build(name, case, seed, iterations):
    rng = np.random.default_rng(seed)
    k = case['k']
    truth = {'startProbabilities': random_stochastic(rng, 1, k)[0], 'transitions': random_stochastic(rng, k, k, diagonal=3.0)}
    if case['emission'] == 'categorical':
        truth['emissionProbabilities'] = random_stochastic(rng, k, case['symbols'], diagonal=2.0)
    else:
        d = case['d']
        truth['means'] = rng.normal(0, 3, size=(k, d))
        if case['covariance'] == 'full':
            covs = []
            for _ in range(k):
                a = rng.normal(0, 0.6, size=(d, d))
                covs.append(a @ a.T + 0.3 * np.eye(d))
            truth['covariances'] = np.array(covs)
        else:
            truth['covariances'] = rng.uniform(0.3, 1.5, size=(k, d))
    lengths = [int(n) for n in rng.integers(case['minLength'], case['maxLength'] + 1, size=case['sequences'])]
    seqs = draw(rng, truth, case, lengths)

    init = {'startProbabilities': random_stochastic(rng, 1, k)[0], 'transitions': random_stochastic(rng, k, k, diagonal=1.0)}
    if case['emission'] == 'categorical':
        init['emissionProbabilities'] = random_stochastic(rng, k, case['symbols'])
    else:
        x = np.concatenate(seqs)
        init['means'] = x[rng.choice(len(x), size=k, replace=False)]
        if case['covariance'] == 'full':
            init['covariances'] = np.array([np.cov(x.T) for _ in range(k)])
        else:
            init['covariances'] = np.array([x.var(axis=0) for _ in range(k)])

    params = init
    history = []
    for _ in range(iterations):
        ll, start_counts, trans_counts, gammas = e_step(seqs, params, case)
        history.append(ll)
        params = m_step(seqs, params, case, start_counts, trans_counts, gammas)
    history.append(e_step(seqs, params, case)[0])
    diffs = np.diff(history)
    assert np.all(diffs > -1e-8 * np.abs(np.array(history[1:]))), f'{name}: log-likelihood decreased'

    viterbi_init = [viterbi(log_densities(s, init, case), init['startProbabilities'], init['transitions']) for s in seqs]
    viterbi_final = [viterbi(log_densities(s, params, case), params['startProbabilities'], params['transitions']) for s in seqs]
    pg_init_ll, pg_init_paths = pomegranate_check(seqs, init, case)
    pg_final_ll, pg_final_paths = pomegranate_check(seqs, params, case)
    for what, ours, theirs in [('init', history[0], pg_init_ll), ('final', history[-1], pg_final_ll)]:
        rel = abs(ours - theirs) / abs(theirs)
        assert rel < 1e-9, f'{name}: NumPy and pomegranate log-likelihoods at {what} differ by {rel:.2e} relative'
        print(f'{name}: log-likelihood at {what}: NumPy {ours:.12f}, pomegranate {theirs:.12f} (relative difference {rel:.1e})')
    assert pg_init_paths == viterbi_init, f'{name}: Viterbi paths at init differ from pomegranate'
    assert pg_final_paths == viterbi_final, f'{name}: Viterbi paths at final differ from pomegranate'
    print(f'{name}: Viterbi paths agree with pomegranate ({sum(lengths)} rows)')

    fixture = {
        'case': name,
        'generator': 'tools/hmm-fixtures/generate.py (NumPy Baum–Welch, checked against pomegranate 0.14)',
        **{key: case[key] for key in ('emission', 'k', 'covariance', 'regCovar', 'symbols') if key in case},
        'seed': seed,
        'truth': as_json(truth),
        'sequences': [s.tolist() for s in seqs],
        'init': as_json(init),
        'initLogLikelihood': history[0],
        'iterations': iterations,
        'logLikelihoods': history,
        'final': as_json(params),
        'viterbiInit': viterbi_init,
        'viterbiFinal': viterbi_final,
        'pomegranate': {'version': __import__('pomegranate').__version__, 'initLogLikelihood': pg_init_ll, 'finalLogLikelihood': pg_final_ll, 'viterbiFinal': pg_final_paths},
    }
    with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')


CASES = [
    ('gaussian-full', {'emission': 'gaussian', 'k': 3, 'd': 2, 'covariance': 'full', 'regCovar': 1e-6, 'sequences': 12, 'minLength': 40, 'maxLength': 120}, 1, 40),
    ('gaussian-diag', {'emission': 'gaussian', 'k': 4, 'd': 3, 'covariance': 'diag', 'regCovar': 1e-6, 'sequences': 10, 'minLength': 50, 'maxLength': 150}, 2, 40),
    ('categorical', {'emission': 'categorical', 'k': 3, 'symbols': 5, 'sequences': 20, 'minLength': 30, 'maxLength': 100}, 3, 40),
]

if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    for name, case, seed, iterations in CASES:
        build(name, case, seed, iterations)
    sys.exit(0)
