#!/usr/bin/env python3
"""layerlab-cli export and eval end to end: trained models exported as ONNX
pass onnx.checker.check_model(full_check=True) of Debian's python3-onnx (run
with /usr/bin/python3; skipped when the module is missing), a numpy forward
pass of an exported MLP gives the numbers the saved weights give, and eval
repeats the test results train reported. Prints TAP for meson.

Usage: test-export.py LAYERLAB_CLI FIXTURES_DIR   (standard library only; the
checks that need onnx and numpy run in /usr/bin/python3)"""
import json
import os
import subprocess
import sys
import tempfile
import traceback

CLI, FIXTURES = os.path.abspath(sys.argv[1]), sys.argv[2]
TMP = tempfile.mkdtemp(prefix="layerlab-export-test-")
SYSTEM_PYTHON = "/usr/bin/python3"
TESTS = []
# The words demo reads its lists from here: the system's may have one language only.
ENV = dict(os.environ, LAYERLAB_DICT_DIR=os.path.join(FIXTURES, "data", "dict"))


class Skip(Exception):
    pass


def test(fn):
    TESTS.append(fn)
    return fn


def run(*args, timeout=300):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=TMP, env=ENV)


def ok(proc):
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr!r}"
    return proc


def expect_failure(proc, code=1):
    assert proc.returncode == code, f"exit {proc.returncode}, wanted {code}: {proc.stderr!r}"
    if code == 1:
        lines = proc.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("layerlab-cli: "), lines
        return lines[0]
    return proc.stderr


def system_python_has(*modules):
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import " + ", ".join(modules)],
                           capture_output=True)
    return probe.returncode == 0


def train_and_save(name, *args):
    """Trains with --json --save NAME.layerlab; returns (path, done event)."""
    path = os.path.join(TMP, name + ".layerlab")
    proc = ok(run("train", *args, "--json", "--save", path))
    done = [json.loads(line) for line in proc.stdout.splitlines()][-1]
    assert done["event"] == "done", done
    return path, done


def eval_matches(path, done, *data):
    """eval --json of the saved project repeats train's test numbers."""
    proc = ok(run("eval", "--model", path, *data, "--json"))
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["test_loss"] == done["test_loss"], (result, done)
    assert result["test_accuracy"] == done["test_accuracy"], (result, done)


CHECK = """
import sys, onnx
model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
assert [o.version for o in model.opset_import] == [13], model.opset_import
assert model.graph.input[0].name == "input" and model.graph.output[0].name == "output"
assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "N"
"""


def export_and_check(path):
    out = path.replace(".layerlab", ".onnx")
    proc = ok(run("export", "--model", path, "--onnx", out))
    assert os.path.getsize(out) > 0 and out in proc.stderr, proc.stderr
    if not system_python_has("onnx"):
        raise Skip("python3-onnx is not installed: the ONNX checker was not run")
    check = subprocess.run([SYSTEM_PYTHON, "-c", CHECK, out], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    return out


# An MLP by hand, twice: from the ONNX file's nodes and initializers, and
# from the .layerlab file's weights and normalisation as the engine
# defines them (Dense y = x·Wᵀ + b, features standardised first). Prints the
# largest difference.
FORWARD = r"""
import base64, json, sys
import numpy as np
import onnx
from onnx import numpy_helper

onnx_path, project_path = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(0)

model = onnx.load(onnx_path)
inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
width = model.graph.input[0].type.tensor_type.shape.dim[1].dim_value
x = rng.normal(size=(7, width)).astype(np.float32) * 2

def attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default

def softmax(v):
    e = np.exp(v - v.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)

env = {"input": x, **inits}
for node in model.graph.node:
    a = [env[i] for i in node.input if i]
    if node.op_type == "Gemm":
        w = a[1].T if attr(node, "transB", 0) else a[1]
        y = a[0] @ w + (a[2] if len(a) > 2 else 0)
    elif node.op_type == "Sub":
        y = a[0] - a[1]
    elif node.op_type == "Mul":
        y = a[0] * a[1]
    elif node.op_type == "Relu":
        y = np.maximum(a[0], 0)
    elif node.op_type == "Tanh":
        y = np.tanh(a[0])
    elif node.op_type == "Sigmoid":
        y = 1 / (1 + np.exp(-a[0]))
    elif node.op_type == "Softmax":
        y = softmax(a[0])
    elif node.op_type in ("Identity", "Flatten"):
        y = a[0].reshape(a[0].shape[0], -1)
    else:
        raise SystemExit("the numpy forward does not know " + node.op_type)
    env[node.output[0]] = y
from_onnx = env["output"]

def floats(b64, shape=None):
    v = np.frombuffer(base64.b64decode(b64), dtype="<f4")
    return v.reshape(shape) if shape else v

p = json.load(open(project_path))
weights = {(w["node"], w["name"]): floats(w["data"], w["shape"]) for w in p["weights"]}
h = x.copy()
if p.get("normalisation"):
    h = (h - floats(p["normalisation"]["mean"])) * floats(p["normalisation"]["inv_std"])
for node in p["graph"]["nodes"][1:]:
    kind, nid = node["kind"], node["id"]
    if kind == "dense":
        h = h @ weights[(nid, "weight")].T + weights.get((nid, "bias"), 0)
    elif kind == "relu":
        h = np.maximum(h, 0)
    elif kind == "tanh":
        h = np.tanh(h)
    elif kind == "sigmoid":
        h = 1 / (1 + np.exp(-h))
    elif kind == "softmax":
        h = softmax(h)
    elif kind != "dropout":
        raise SystemExit("the reference does not know " + kind)
print(float(np.abs(from_onnx - h).max()))
"""


@test
def mlp_exports_checks_and_computes_the_same():
    path, done = train_and_save("xor", "--model", "tiny-mlp", "--data", "xor", "--epochs", "2")
    eval_matches(path, done, "--data", "xor")
    out = export_and_check(path)
    if not system_python_has("onnx", "numpy"):
        raise Skip("numpy or python3-onnx is missing: the numeric check was not run")
    forward = subprocess.run([SYSTEM_PYTHON, "-c", FORWARD, out, path], capture_output=True,
                             text=True)
    assert forward.returncode == 0, forward.stderr
    assert float(forward.stdout) < 1e-5, forward.stdout


@test
def cnn_exports_evaluates_and_imports_back():
    help_lines = run("--help").stdout.splitlines()
    for i, line in enumerate(help_lines):
        if line.split()[:1] == ["fashion-mnist"] and i + 1 < len(help_lines) \
                and "install" in help_lines[i + 1]:
            raise Skip("Fashion-MNIST is not installed")
    path, done = train_and_save("cnn", "--model", "seed-cnn", "--data", "fashion-mnist",
                                "--limit", "300", "--epochs", "1")
    eval_matches(path, done, "--data", "fashion-mnist")
    out = export_and_check(path)
    # Back through the importer (separate code): the same test numbers.
    back = os.path.join(TMP, "cnn-back.layerlab")
    ok(run("import", out, "--out", back))
    with open(path) as f:
        batch = str(json.load(f)["training"]["batch"])
    proc = ok(run("eval", "--model", back, "--data", "fashion-mnist", "--limit", "300", "--batch",
                  batch, "--json"))
    result = json.loads(proc.stdout.splitlines()[-1])
    assert abs(result["test_loss"] - done["test_loss"]) < 1e-5 * done["test_loss"], (result, done)
    assert result["test_accuracy"] == done["test_accuracy"], (result, done)


@test
def char_gru_exports_and_evaluates():
    path, done = train_and_save("gru", "--model", "char-gru", "--data", "words", "--limit",
                                "300", "--epochs", "1")
    # the project's own data: no --data
    eval_matches(path, done)
    export_and_check(path)


@test
def template_exports_its_initial_weights():
    out = os.path.join(TMP, "lenet.onnx")
    ok(run("export", "--model", "lenet", "--onnx", out))
    assert os.path.getsize(out) > 0


@test
def export_usage_and_write_errors():
    expect_failure(run("export", "--model", "tiny-mlp"), 2)
    expect_failure(run("export", "--model", "tiny-mlp", "--onnx", "a.onnx", "--pytorch", "a.py"),
                   2)
    expect_failure(run("export", "--onnx", "a.onnx"), 2)
    line = expect_failure(run("export", "--model", "tiny-mlp", "--onnx",
                              "/nonexistent/dir/m.onnx"))
    assert "m.onnx" in line, line
    line = expect_failure(run("export", "--model", "missing.layerlab", "--onnx", "m.onnx"))
    assert "missing.layerlab" in line, line


@test
def eval_needs_data_and_refuses_a_gan():
    expect_failure(run("eval", "--model", "tiny-mlp"), 2)
    expect_failure(run("eval"), 2)
    line = expect_failure(run("eval", "--model", "gan", "--data", "xor"))
    assert "GAN" in line, line


def main():
    print(f"1..{len(TESTS)}")
    failed = 0
    for i, fn in enumerate(TESTS, 1):
        name = fn.__name__.replace("_", "-")
        try:
            fn()
            print(f"ok {i} /cli/export/{name}")
        except Skip as e:
            print(f"ok {i} /cli/export/{name} # SKIP {e}")
        except Exception:
            failed += 1
            print(f"not ok {i} /cli/export/{name}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
