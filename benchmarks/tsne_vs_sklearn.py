"""t-SNE for the map of representations: this project's exact NumPy t-SNE against
scikit-learn's (Barnes-Hut, and optionally exact), on the same 2,000 test digits.

Prints, for each feature set (raw pixels; a layer of the pretrained demo model): the time,
the final KL divergence, the trustworthiness of the map (k = 10) and the leave-one-out 5-NN
accuracy of the digits' classes on the map; PCA as the baseline. scikit-learn is optional
(not a dependency): its rows are skipped when it is not installed.

    python benchmarks/tsne_vs_sklearn.py                    # pixels and 16.ReLU, 2000 points
    python benchmarks/tsne_vs_sklearn.py --points 1000 --exact --blas-threads 1
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--layers", default="pixels,16.ReLU",
                        help="'pixels' and/or layer names of the demo model")
    parser.add_argument("--exact", action="store_true", help="also scikit-learn's exact t-SNE")
    parser.add_argument("--blas-threads", type=int, default=None)
    args = parser.parse_args()
    if args.blas_threads:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.blas_threads)
    sys.path.insert(0, str(ROOT))
    import nn
    from nn.diagnose import knn_accuracy, layer_features, pca, sample_indices, trustworthiness
    from nn.diagnose import tsne as numpy_tsne

    digits = nn.datasets.load("digits")
    idx = sample_indices(digits.y_test, args.points, seed=0)
    x, y = digits.x_test[idx], digits.y_test[idx]
    model = nn.load_model(ROOT / "resources" / "models" / "digits_deep_convnet.npz")
    try:
        from sklearn.manifold import TSNE
    except ImportError:
        TSNE = None
        print("scikit-learn is not installed: its rows are skipped")
    print(f"{'features':<10} {'method':<27} {'time':>8} {'KL':>7} {'trust.':>7} {'5-NN':>7}")
    for name in args.layers.split(","):
        feats = x.reshape(len(x), -1) if name == "pixels" else layer_features(model, x, name)
        rows = []
        start = time.perf_counter()
        coords = pca(feats, 2).coords
        rows.append(("PCA (NumPy SVD)", time.perf_counter() - start, float("nan"), coords))
        start = time.perf_counter()
        result = numpy_tsne(feats, seed=0)
        rows.append(("t-SNE exact (NumPy)", time.perf_counter() - start, result.kl,
                     result.coords))
        if TSNE is not None:
            reduced = pca(feats, 50).coords if feats.shape[1] > 50 else feats
            for method in ("barnes_hut", "exact") if args.exact else ("barnes_hut",):
                start = time.perf_counter()
                est = TSNE(2, perplexity=30.0, init="pca", random_state=0, method=method)
                coords = est.fit_transform(reduced)
                rows.append((f"t-SNE {method} (sklearn)", time.perf_counter() - start,
                             float(est.kl_divergence_), coords))
        for method, seconds, kl, coords in rows:
            print(f"{name:<10} {method:<27} {seconds:>7.1f}s {kl:>7.3f} "
                  f"{trustworthiness(feats, coords, 10):>7.3f} {knn_accuracy(coords, y, 5):>7.3f}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
