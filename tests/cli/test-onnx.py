#!/usr/bin/env python3
"""layerlab-cli import and onnx-test end to end: ONNX's conformance tests
(Debian's libonnx-testdata, node and pytorch-converted) run with 0 failures,
an imported model summarises, malformed files fail with one clear line, and
an imported model exported again passes onnx.checker (Debian's python3-onnx
through /usr/bin/python3). Parts whose system files are missing are skipped.
Prints TAP for meson.

Usage: test-onnx.py LAYERLAB_CLI FIXTURES_DIR   (standard library only)"""
import os
import re
import subprocess
import sys
import tempfile
import traceback

CLI, FIXTURES = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ONNX_DIR = os.path.join(FIXTURES, "onnx")
TESTDATA = "/usr/include/onnx/backend/test/data"
SYSTEM_PYTHON = "/usr/bin/python3"
TMP = tempfile.mkdtemp(prefix="layerlab-onnx-test-")
TESTS = []


class Skip(Exception):
    pass


def test(fn):
    TESTS.append(fn)
    return fn


def run(*args, timeout=600):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout, cwd=TMP)


def conformance(folder, at_least, passing):
    """No failure, at least at_least passes (libonnx-testdata 1.12's count
    today, so a mapping that stops working shows), and the named tests pass."""
    path = os.path.join(TESTDATA, folder)
    if not os.path.isdir(path):
        raise Skip(f"{path} is missing (install libonnx-testdata)")
    proc = run("onnx-test", "-v", path)
    last = proc.stdout.strip().splitlines()[-1]
    m = re.fullmatch(r"(\d+) passed, (\d+) failed, (\d+) skipped", last)
    assert m, f"last line is {last!r}"
    assert int(m.group(2)) == 0, proc.stdout
    assert proc.returncode == 0, f"exit {proc.returncode}"
    assert int(m.group(1)) >= at_least, last
    for name in passing:
        assert re.search(rf"^ok +{name}$", proc.stdout, re.M), name
    return proc.stdout


@test
def onnx_test_node():
    out = conformance("node", 123, (
        "test_resize_downsample_scales_cubic", "test_resize_upsample_sizes_nearest",
        "test_resize_downsample_sizes_linear_pytorch_half_pixel", "test_upsample_nearest",
        "test_maxpool_2d_pads", "test_averagepool_2d_same_lower", "test_unsqueeze_axis_1",
        "test_squeeze_negative_axes", "test_depthtospace_crd_mode",
        "test_depthtospace_dcr_mode"))
    # operators read only inside chains, tested alone, are counted apart
    assert re.search(r"^\d+ tests run alone operators Layerlab reads only inside chains$",
                     out, re.M), out
    assert re.search(r"^skip +test_erf — .*only inside GELU", out, re.M), out


@test
def onnx_test_pytorch_converted():
    conformance("pytorch-converted", 46, ("test_MaxPool1d_stride_padding_dilation",
                                          "test_MaxPool2d_stride_padding_dilation"))


@test
def onnx_test_pytorch_exports():
    # models exported by torch.onnx, PyTorch's outputs (tests/fixtures/onnx/make-fixtures.py)
    proc = run("onnx-test", os.path.join(ONNX_DIR, "pytorch"))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "11 passed, 0 failed, 0 skipped", proc.stdout
    for op in ("Conv", "GRU", "LSTM", "RNN"):
        assert re.search(rf"^{op} +[1-9]", proc.stdout, re.M), proc.stdout
    # GELU through Erf (opsets 13, 17), nn.Embedding (Gather by int64 ids)
    # a per-channel (x - mean) / std before the first layer, x + shift, and
    # nn.PixelShuffle (DepthToSpace, mode CRD)
    verbose = run("onnx-test", "-v", os.path.join(ONNX_DIR, "pytorch")).stdout
    for name in ("test_gelu", "test_gelu_opset17", "test_embedding", "test_normalise",
                 "test_shift", "test_subpixel"):
        assert re.search(rf"^ok +{name}$", verbose, re.M), verbose


@test
def onnx_test_pytorch_embedding():
    # pytorch-converted's nn.Embedding models: an int64 input picking rows
    path = os.path.join(TESTDATA, "pytorch-converted")
    if not os.path.isdir(path):
        raise Skip(f"{path} is missing (install libonnx-testdata)")
    proc = run("onnx-test", "-v", path)
    for name in ("test_Embedding", "test_Embedding_sparse"):
        assert re.search(rf"^ok +{name}$", proc.stdout, re.M), proc.stdout


@test
def onnx_test_failure_exit_code():
    # a folder of one test whose expected output is wrong must fail with exit 1
    root = os.path.join(TMP, "broken")
    case = os.path.join(root, "test_good", "test_data_set_0")
    os.makedirs(case)
    with open(os.path.join(ONNX_DIR, "good.onnx"), "rb") as f:
        open(os.path.join(root, "test_good", "model.onnx"), "wb").write(f.read())
    with open(os.path.join(ONNX_DIR, "good-input.pb"), "rb") as f:
        open(os.path.join(case, "input_0.pb"), "wb").write(f.read())
    # the input stands in for the output: another shape, so the test fails
    with open(os.path.join(ONNX_DIR, "good-input.pb"), "rb") as f:
        open(os.path.join(case, "output_0.pb"), "wb").write(f.read())
    proc = run("onnx-test", root)
    assert proc.returncode == 1, f"exit {proc.returncode}: {proc.stdout}"
    assert proc.stdout.strip().splitlines()[-1] == "0 passed, 1 failed, 0 skipped", proc.stdout


@test
def import_and_summary():
    out = os.path.join(TMP, "good.layerlab")
    proc = run("import", os.path.join(ONNX_DIR, "good.onnx"), "--out", out)
    assert proc.returncode == 0, proc.stderr
    proc = run("summary", "--model", out)
    assert proc.returncode == 0, proc.stderr
    for name in ("conv1 (Conv2D)", "pool1 (MaxPool2D)", "fc (Dense)", "Total params: 47"):
        assert name in proc.stdout, proc.stdout


@test
def import_malformed():
    for name, words in (("truncated.onnx", "truncated"), ("cyclic.onnx", "cycle"),
                        ("unsupported-op.onnx", "node 1 'conv3' (Celu)"),
                        ("gelu-tanh.onnx", "GELU's tanh approximation"),
                        ("erf-alone.onnx", "only inside GELU")):
        proc = run("import", os.path.join(ONNX_DIR, name), "--out", os.path.join(TMP, "x.layerlab"))
        lines = proc.stderr.splitlines()
        assert proc.returncode == 1 and len(lines) == 1, (proc.returncode, proc.stderr)
        assert lines[0].startswith("layerlab-cli: ") and words in lines[0], lines[0]


@test
def import_usage():
    proc = run("import", os.path.join(ONNX_DIR, "good.onnx"))
    assert proc.returncode == 2, proc.returncode
    assert "--out" in proc.stderr


@test
def import_then_export_passes_checker():
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import onnx"], capture_output=True) \
        if os.access(SYSTEM_PYTHON, os.X_OK) else None
    if probe is None or probe.returncode != 0:
        raise Skip("python3-onnx is missing")
    project = os.path.join(TMP, "rt.layerlab")
    exported = os.path.join(TMP, "rt.onnx")
    proc = run("import", os.path.join(ONNX_DIR, "good.onnx"), "--out", project)
    assert proc.returncode == 0, proc.stderr
    proc = run("export", "--model", project, "--onnx", exported)
    if proc.returncode == 2:
        raise Skip(f"export does not take these options: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stderr
    check = subprocess.run([SYSTEM_PYTHON, "-c",
                            "import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), "
                            "full_check=True)", exported], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def main():
    print(f"1..{len(TESTS)}")
    failed = 0
    for i, fn in enumerate(TESTS, 1):
        try:
            fn()
            print(f"ok {i} {fn.__name__}")
        except Skip as e:
            print(f"ok {i} {fn.__name__} # SKIP {e}")
        except Exception:
            failed += 1
            print(f"not ok {i} {fn.__name__}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
