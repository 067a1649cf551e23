"""Peer benchmark, scikit-learn side (bench/peers.mjs runs it with /usr/bin/python3).

    python3 sklearn_fits.py export <dir>              writes wine.csv and breast_cancer.csv (committed
                                                      in bench/peers/data: `export bench/peers/data`)
    python3 sklearn_fits.py fit <csv> <name> <kmax> [TYPE:K,...]
                                                      one JSON line per covariance type and K (all
                                                      four × K = 1…kmax, or just the listed ones):
        {"dataset", "covariance", "k", "loglik"}: GaussianMixture(n_init=10, random_state=0),
        defaults otherwise (k-means start, reg_covar 1e-6, tol 1e-3); loglik = score(X)·N.
"""
import json
import sys
import warnings

import numpy as np


def export(directory):
    from sklearn.datasets import load_breast_cancer, load_wine
    for name, loader in (("wine", load_wine), ("breast_cancer", load_breast_cancer)):
        bunch = loader()
        header = ",".join(str(f).replace(" ", "_") for f in bunch.feature_names)
        # repr: the shortest text that reads back to the same double
        lines = [header] + [",".join(repr(float(v)) for v in row) for row in bunch.data]
        with open(f"{directory}/{name}.csv", "w") as out:
            out.write("\n".join(lines) + "\n")


def fit(path, name, kmax, todo=None):
    from sklearn.mixture import GaussianMixture
    x = np.loadtxt(path, delimiter=",", skiprows=1)
    for covariance in ("spherical", "diag", "tied", "full"):
        for k in range(1, kmax + 1):
            if todo is not None and f"{covariance}:{k}" not in todo:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    gm = GaussianMixture(k, covariance_type=covariance, n_init=10, random_state=0).fit(x)
                    loglik = float(gm.score(x) * x.shape[0])
                except Exception as error:  # a failing fit is reported, not fatal
                    print(json.dumps({"dataset": name, "covariance": covariance, "k": k, "loglik": None, "reason": str(error)}), flush=True)
                    continue
            print(json.dumps({"dataset": name, "covariance": covariance, "k": k, "loglik": loglik}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export(sys.argv[2])
    else:
        fit(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5].split(",") if len(sys.argv) > 5 else None)
