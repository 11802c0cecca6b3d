#!/usr/bin/python3
"""Layerlab against PyTorch, side by side in one run on this machine.

For each model/batch pair it times `layerlab-cli bench --json` and
bench/torch_bench.py twice: PyTorch's defaults, and PyTorch tuned
(torch.set_num_threads(2) with OPENBLAS_NUM_THREADS=1, see BENCHMARKS.md).
Prints samples/s (median, min-max of the timed windows), Layerlab's ratio
to each, and the peak RSS of every process when /usr/bin/time is there.
Records OPENBLAS_CORETYPE, because it changes which GEMM kernels run.

Usage: bench/compare.py --cli BUILD/app/cli/layerlab-cli [--markdown]
Needs only the standard library; PyTorch runs under /usr/bin/python3."""
import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = [("mlp", 32), ("seed-cnn", 32), ("lenet", 32), ("seed-cnn", 128), ("char-lstm", 64),
         ("depthwise", 64)]
# Models that are no template: Layerlab reads them from bench/models/.
MODEL_FILES = {"depthwise": HERE / "models" / "depthwise.layerlab"}
TIME = "/usr/bin/time"
TORCH_PYTHON = "/usr/bin/python3"


def run_json(cmd, env):
    """Runs cmd, returns (its last JSON line, peak RSS in MB or None)."""
    wrapped = cmd
    if os.access(TIME, os.X_OK):
        wrapped = [TIME, "-v"] + cmd
    proc = subprocess.run(wrapped, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()
        raise RuntimeError(f"{' '.join(cmd)} failed: {tail[-1] if tail else proc.returncode}")
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    result = json.loads(lines[-1])
    rss = None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    if m:
        rss = int(m.group(1)) / 1024
    return result, rss


def have_torch():
    if not os.access(TORCH_PYTHON, os.X_OK):
        return False
    return subprocess.run([TORCH_PYTHON, "-c", "import torch"],
                          capture_output=True).returncode == 0


def fmt_rate(r):
    if r is None:
        return "-"
    return f"{r['samples_per_s']:,.0f} ({r['min']:,.0f}-{r['max']:,.0f})"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cli", default=os.environ.get("LAYERLAB_CLI", "build/app/cli/layerlab-cli"),
                   help="path to the built layerlab-cli")
    p.add_argument("--steps", type=int, default=100, help="steps per timed window")
    p.add_argument("--windows", type=int, default=5, help="timed windows (median reported)")
    p.add_argument("--threads", type=int, default=2, help="Layerlab's threads")
    p.add_argument("--only", help="one model id, e.g. seed-cnn")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    a = p.parse_args()

    if not os.access(a.cli, os.X_OK):
        sys.exit(f"compare.py: no layerlab-cli at {a.cli} (build it, or pass --cli)")
    torch_ok = have_torch()
    base_env = dict(os.environ)
    default_env = {k: v for k, v in base_env.items() if k != "OPENBLAS_NUM_THREADS"}
    tuned_env = dict(default_env, OPENBLAS_NUM_THREADS="1")

    coretype = base_env.get("OPENBLAS_CORETYPE", "(unset)")
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}  OPENBLAS_CORETYPE={coretype}  "
          f"cpus={os.cpu_count()}  steps={a.steps}  windows={a.windows}"
          + ("" if torch_ok else "  (PyTorch not installed: Layerlab only)"), flush=True)

    rows = []
    for model, batch in CASES:
        if a.only and model != a.only:
            continue
        common = ["--batch", str(batch), "--steps", str(a.steps), "--windows", str(a.windows)]
        row = {"model": model, "batch": batch}
        try:
            cli_model = ["--model", str(MODEL_FILES.get(model, model))]
            row["layerlab"], row["layerlab_rss"] = run_json(
                [a.cli, "bench"] + cli_model + common + ["--threads", str(a.threads), "--json"],
                default_env)
        except RuntimeError as e:
            row["layerlab"], row["layerlab_rss"] = None, None
            row["error"] = str(e)
        if torch_ok:
            torch_cmd = [TORCH_PYTHON, str(HERE / "torch_bench.py"), "--model", model] + common
            row["torch"], row["torch_rss"] = run_json(torch_cmd, default_env)
            row["tuned"], row["tuned_rss"] = run_json(torch_cmd + ["--threads", "2"], tuned_env)
        rows.append(row)
        print(json.dumps(row), flush=True)

    def ratio(row, peer):
        if row.get("layerlab") is None or row.get(peer) is None:
            return "-"
        return f"{row['layerlab']['samples_per_s'] / row[peer]['samples_per_s']:.2f}x"

    def rss(v):
        return "-" if v is None else f"{v:.0f} MB"

    header = ["model", "batch", "Layerlab samples/s", "PyTorch default", "PyTorch tuned",
              "vs default", "vs tuned", "RSS Layerlab", "RSS PyTorch tuned"]
    table = [[r["model"], str(r["batch"]), fmt_rate(r.get("layerlab")), fmt_rate(r.get("torch")),
              fmt_rate(r.get("tuned")), ratio(r, "torch"), ratio(r, "tuned"),
              rss(r.get("layerlab_rss")), rss(r.get("tuned_rss"))] for r in rows]
    print()
    if a.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for t in table:
            print("| " + " | ".join(t) + " |")
    else:
        widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(header)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
        for t in table:
            print("  ".join(c.ljust(w) for c, w in zip(t, widths)))
    for r in rows:
        if "error" in r:
            print(f"{r['model']} batch {r['batch']}: {r['error']}", file=sys.stderr)
    return 1 if any("error" in r for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
