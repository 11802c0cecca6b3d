#!/usr/bin/env python3
"""End-to-end test of `layerlab-cli export --pytorch`: a project trained by
layerlab-cli, exported, and run with Debian's python3-torch must report the
same test accuracy as Layerlab (within 0.5 %), and train an epoch without
error. Skipped when /usr/bin/python3 cannot import torch. Prints TAP.

Usage: test-pytorch-export.py LAYERLAB_CLI FIXTURES_DIR   (standard library only)"""
import json
import os
import subprocess
import sys
import tempfile
import traceback

CLI, FIXTURES = os.path.abspath(sys.argv[1]), sys.argv[2]
PYTHON = "/usr/bin/python3"
TMP = tempfile.mkdtemp(prefix="layerlab-pytorch-test-")
FASHION = os.environ.get("LAYERLAB_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
# The words demo needs at least two languages; the fixtures have all five.
ENV = dict(os.environ, LAYERLAB_DICT_DIR=os.path.join(FIXTURES, "data", "dict"))
TESTS = []


class Skip(Exception):
    pass


def test(fn):
    TESTS.append(fn)
    return fn


def run(*args, timeout=600):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=TMP, env=ENV)


def last_json(proc, what):
    assert proc.returncode == 0, f"{what}: exit {proc.returncode}: {proc.stderr!r}"
    lines = proc.stdout.strip().splitlines()
    assert lines, f"{what}: nothing on stdout"
    return json.loads(lines[-1])


def have_torch():
    if not os.access(PYTHON, os.X_OK):
        return False
    return subprocess.run([PYTHON, "-c", "import torch"], capture_output=True).returncode == 0


def round_trip(name, model, data, *train_args):
    """Trains with layerlab-cli, exports, and checks the script against it."""
    project = os.path.join(TMP, name + ".layerlab")
    script = os.path.join(TMP, name + ".py")
    done = last_json(run(CLI, "train", "--model", model, "--data", data, "--save", project,
                         "--json", *train_args), "train")
    assert done["event"] == "done", done
    proc = run(CLI, "export", "--model", project, "--pytorch", script)
    assert proc.returncode == 0, f"export: exit {proc.returncode}: {proc.stderr!r}"
    for suffix in (".weights.json", ".data.json"):
        assert os.path.isfile(os.path.join(TMP, name + suffix)), f"no {name}{suffix}"

    result = last_json(run(PYTHON, script, "--device", "cpu"), "the script")
    assert abs(result["test_accuracy"] - done["test_accuracy"]) <= 0.005, \
        f"PyTorch {result}, Layerlab {done}"

    trained = run(PYTHON, script, "--epochs", "1", "--device", "cpu")
    result = last_json(trained, "the script with --epochs 1")
    epochs = [json.loads(line) for line in trained.stdout.strip().splitlines()[:-1]]
    assert [e["epoch"] for e in epochs] == [1], trained.stdout
    assert 0.0 <= result["test_accuracy"] <= 1.0 and result["test_loss"] >= 0.0, result


@test
def tiny_mlp_on_xor():
    round_trip("xor", "tiny-mlp", "xor")


@test
def small_cnn_on_fashion_mnist():
    if not os.path.exists(os.path.join(FASHION, "train-images-idx3-ubyte.gz")):
        raise Skip("dataset-fashion-mnist is not installed")
    round_trip("fashion", "seed-cnn", "fashion-mnist", "--limit", "500", "--epochs", "1")


@test
def char_gru_on_words():
    round_trip("words", "char-gru", "words", "--limit", "500", "--epochs", "1")


@test
def export_to_a_missing_folder_fails_in_one_line():
    project = os.path.join(TMP, "xor.layerlab")
    if not os.path.exists(project):
        last_json(run(CLI, "train", "--model", "tiny-mlp", "--data", "xor", "--save", project,
                      "--json"), "train")
    proc = run(CLI, "export", "--model", project, "--pytorch", os.path.join(TMP, "nowhere", "m.py"))
    assert proc.returncode == 1, proc
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("layerlab-cli: "), lines
    assert "nowhere" in lines[0], lines[0]


def main():
    print(f"1..{len(TESTS)}")
    torch = have_torch()
    failed = 0
    for i, fn in enumerate(TESTS, 1):
        name = fn.__name__.replace("_", "-")
        if not torch:
            print(f"ok {i} {name} # SKIP {PYTHON} cannot import torch")
            continue
        try:
            fn()
            print(f"ok {i} {name}")
        except Skip as why:
            print(f"ok {i} {name} # SKIP {why}")
        except Exception:
            failed += 1
            print(f"not ok {i} {name}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
