# The peer column of the `pnpm bench` matrix: scikit-learn (Debian's python3-sklearn) from the
# same start, the same data and the same iterations as emkit. Prints JSON per case:
# {ms1, ms21, score} with `threads` BLAS threads. Also measures dgemm (numpy) for the floor.
# usage: python3 matrix-peer.py <dir> <cases.json> <threads> <iterations...>
import json, sys, time, warnings
import numpy as np
from threadpoolctl import threadpool_limits

warnings.simplefilter('ignore')
directory, cases_file, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
iterations = [int(a) for a in sys.argv[4:]]
cases = json.load(open(cases_file))
out = {}
with threadpool_limits(threads):
    a = np.random.default_rng(0).standard_normal((1536, 1536))
    b = np.random.default_rng(1).standard_normal((1536, 1536))
    best = min((lambda t: (a @ b, time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(5))
    out['dgemmGflops'] = 2 * 1536 ** 3 / best / 1e9
    from sklearn.mixture import GaussianMixture
    from sklearn.cluster import KMeans
    data = {}
    for case in cases:
        name = case['data']
        meta = json.load(open(f"{directory}/data-{name}.json"))
        if name not in data:
            data[name] = np.fromfile(f"{directory}/data-{name}.f64", dtype=np.float64).reshape(meta['n'], meta['d'])
        X = data[name]
        peer = case['peer']
        start = json.load(open(f"{directory}/start-{case['model']}-{case['d']}-{case['k']}-{peer.get('covariance', 'none')}.json"))
        result = {}
        # A throwaway 1-iteration fit first: the process's first fit also pays one-time costs
        # (OpenMP's thread team, lazily imported modules, the data's first touch), which would
        # otherwise land in the short fit only and shrink the marginal time per iteration.
        for n_iter in [1] + iterations:
            if peer['kind'] == 'gmm':
                cov = np.array(start['covariances'])
                kind = peer['covariance']
                precisions = np.linalg.inv(cov) if kind in ('full', 'tied') else 1.0 / cov
                model = GaussianMixture(case['k'], covariance_type=kind, weights_init=np.array(start['weights']), means_init=np.array(start['means']),
                                        precisions_init=precisions, max_iter=n_iter, tol=0, n_init=1, reg_covar=1e-6, init_params='random_from_data')
            else:
                model = KMeans(case['k'], init=np.array(start['centers']), n_init=1, max_iter=n_iter, tol=0, algorithm=peer['algorithm'])
            t = time.perf_counter()
            model.fit(X)
            result[f'ms{n_iter}'] = (time.perf_counter() - t) * 1000  # the warm-up's entry is overwritten
            result['score'] = float(model.score(X)) if peer['kind'] == 'gmm' else float(model.inertia_)
            result['iterations'] = int(model.n_iter_)
        out[case['id']] = result
print(json.dumps(out))
