"""The command line of the generated ``predict.py``, as source text.

It prints what ``main.py predict`` prints (the same text lines and the same ``--json``
structure), so the two can be compared line by line. It uses the script's own globals
(``CLASS_NAMES``, ``TAKES_IMAGES``, ``predict_proba``, ``load_for_model``), hence a template
rather than importable code; the tests run it in every generated script.
"""

from __future__ import annotations

MAIN_SOURCE = '''
def read_inputs(paths):
    """(name, input) pairs: every row of a .npy file, else each image file prepared like MNIST."""
    names, inputs = [], []
    for path in paths:
        if path.lower().endswith(".npy"):
            x = as_input(np.load(path, allow_pickle=False))
            names += [f"{path}[{i}]" for i in range(x.shape[0])]
            inputs.append(x)
        elif TAKES_IMAGES:
            names.append(path)
            inputs.append(as_input(load_for_model(path).reshape(1, -1)))
        else:
            raise ValueError(f"{path}: this network takes arrays of shape {INPUT_SHAPE}, not "
                             "images; pass a .npy file")
    return names, np.concatenate(inputs) if inputs else np.zeros((0, *INPUT_SHAPE), DTYPE)


def results(names, probabilities, top=None):
    """One dict per input, as `main.py predict --json` writes them."""
    out = []
    for name, p in zip(names, probabilities, strict=True):
        order = np.argsort(-p, kind="stable")
        shown = order[:top] if top else np.arange(len(p))
        best = int(order[0])
        out.append({
            "file": name, "index": best, "class": CLASS_NAMES[best],
            "confidence": float(p[best]),
            "probabilities": [{"index": int(i), "class": CLASS_NAMES[i],
                               "probability": float(p[i])} for i in shown],
        })
    return out


def print_results(rows):
    width = max(len(n) for n in CLASS_NAMES)
    for i, row in enumerate(rows):
        if i:
            print()
        print(f"{row['file']}: {row['class']} ({100 * row['confidence']:.2f} %)")
        for item in row["probabilities"]:
            bar = "#" * int(round(item["probability"] * 20))
            mark = " <" if item["index"] == row["index"] else ""
            line = f"  {item['class']:>{width}}  {100 * item['probability']:6.2f} %  {bar}{mark}"
            print(line.rstrip())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="image files" + (" or " if TAKES_IMAGES else ": ") + ".npy arrays")
    parser.add_argument("--top", type=int, metavar="K", help="show only the K likeliest classes")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    try:
        names, x = read_inputs(args.files)
        rows = results(names, predict_proba(x), args.top)
    except (OSError, ValueError) as exc:  # a missing, unreadable or mis-shaped input
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        print_results(rows)
    return 0
'''

__all__ = ["MAIN_SOURCE"]
