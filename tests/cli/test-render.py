#!/usr/bin/env python3
"""End-to-end tests of `layerlab-cli render`: every view drawn headless from a
model trained here, checked as a PNG (size, not blank), and the failures a
user can cause. Prints TAP for meson.

Usage: test-render.py LAYERLAB_CLI   (standard library only; set
LAYERLAB_KEEP_TEST_FILES=1 to keep the pictures and print where they are)"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import traceback
import zlib

CLI = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix="layerlab-render-test-")
FASHION = os.environ.get("LAYERLAB_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
TESTS = []


class Skip(Exception):
    pass


def test(fn):
    TESTS.append(fn)
    return fn


def run(*args, timeout=300):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=TMP)


def expect_failure(proc, code=1):
    assert proc.returncode == code, f"exit {proc.returncode}, wanted {code}: {proc.stderr!r}"
    if code == 1:
        lines = proc.stderr.splitlines()
        assert len(lines) == 1, f"wanted one line on stderr, got {lines!r}"
        assert lines[0].startswith("layerlab-cli: "), lines[0]
        return lines[0]
    return proc.stderr


def png(path):
    """Width, height and the number of distinct bytes of the filtered image
    data: a blank picture has a handful, a drawn one dozens or more."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    pos, idat = 8, b""
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        if data[pos + 4:pos + 8] == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    return width, height, len(set(zlib.decompress(idat)))


def pixels(path):
    """Width, height and the RGB(A) rows of an 8-bit PNG as lists of
    (r, g, b) tuples, unfiltered as the PNG specification says."""
    with open(path, "rb") as f:
        data = f.read()
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    channels = 3 if colour == 2 else 4
    pos, idat = 8, b""
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        if data[pos + 4:pos + 8] == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def count_near(rows, colour, tolerance=40):
    return sum(1 for row in rows for p in row
               if all(abs(p[i] - colour[i]) < tolerance for i in range(3)))


def render_ok(view, *args, width=800, timeout=300):
    out = os.path.join(TMP, f"{view}.png")
    proc = run("render", view, "--out", out, *args, timeout=timeout)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr!r}"
    assert out in proc.stderr, proc.stderr
    w, h, distinct = png(out)
    assert w == width, (view, w)
    assert 80 < h < 8000, (view, h)
    assert distinct > 40, (view, distinct)
    return out


XOR_PROJECT = os.path.join(TMP, "xor.layerlab")


def xor_project():
    if not os.path.exists(XOR_PROJECT):
        proc = run("train", "--model", "tiny-mlp", "--data", "xor", "--epochs", "15",
                   "--seed", "2", "--threads", "1", "--save", XOR_PROJECT)
        assert proc.returncode == 0, proc.stderr
    return XOR_PROJECT


def need_fashion_mnist():
    if not os.path.exists(os.path.join(FASHION, "train-images-idx3-ubyte.gz")):
        raise Skip("Fashion-MNIST is not installed")


@test
def help_lists_every_view():
    proc = run("render", "--help")
    assert proc.returncode == 0, proc.stderr
    for view in ("activations", "filters", "histograms", "confusion", "misclassified",
                 "saliency", "boundary", "loss", "reconstructions", "samples"):
        assert f"  {view} " in proc.stdout, view
    assert "render" in run("--help").stdout


@test
def missing_or_unknown_view_is_a_usage_error():
    assert "view" in expect_failure(run("render", "--model", "x.layerlab", "--out", "a.png"), 2)
    assert "“sideways”" in expect_failure(
        run("render", "sideways", "--model", "tiny-mlp", "--out", "a.png"), 2)


@test
def a_template_needs_epochs():
    err = expect_failure(run("render", "confusion", "--model", "tiny-mlp", "--data", "xor",
                             "--out", "a.png"), 2)
    assert "--epochs" in err, err


@test
def every_view_of_a_trained_project():
    project = xor_project()
    for view in ("activations", "histograms", "confusion", "misclassified", "saliency",
                 "boundary", "loss"):
        render_ok(view, "--model", project)


@test
def width_and_dark():
    out = render_ok("boundary", "--model", xor_project(), "--width", "640", "--dark", width=640)
    assert os.path.getsize(out) > 1000


@test
def a_template_trained_first():
    proc_out = render_ok("confusion", "--model", "tiny-mlp", "--data", "moons", "--epochs", "3",
                         "--threads", "1")
    assert os.path.exists(proc_out)


@test
def views_that_do_not_apply_fail_in_one_line():
    project = xor_project()
    out = os.path.join(TMP, "nothing.png")
    assert "filters" in expect_failure(run("render", "filters", "--model", project, "--out", out))
    assert "not an autoencoder" in expect_failure(
        run("render", "reconstructions", "--model", project, "--out", out))
    assert "not a GAN" in expect_failure(run("render", "samples", "--model", project, "--out", out))
    assert not os.path.exists(out)


@test
def a_sample_out_of_range_fails_in_one_line():
    err = expect_failure(run("render", "activations", "--model", xor_project(), "--sample",
                             "100000", "--out", "a.png"))
    assert "100000" in err, err


@test
def an_unwritable_picture_fails_in_one_line():
    out = os.path.join(TMP, "no", "such", "dir.png")
    err = expect_failure(run("render", "confusion", "--model", xor_project(), "--out", out))
    assert "dir.png" in err, err


@test
def images_filters_activations_saliency():
    need_fashion_mnist()
    project = os.path.join(TMP, "lenet.layerlab")
    proc = run("train", "--model", "lenet", "--data", "fashion-mnist", "--limit", "200",
               "--epochs", "1", "--threads", "1", "--save", project)
    assert proc.returncode == 0, proc.stderr
    for view in ("filters", "activations", "saliency", "misclassified", "confusion"):
        render_ok(view, "--model", project)
    err = expect_failure(run("render", "boundary", "--model", project, "--out", "b.png"))
    assert "2 input features" in err, err


@test
def autoencoder_reconstructions():
    need_fashion_mnist()
    out = os.path.join(TMP, "rebuilt.png")
    proc = run("render", "reconstructions", "--model", "autoencoder", "--data", "fashion-mnist",
               "--limit", "200", "--epochs", "1", "--threads", "1", "--out", out)
    assert proc.returncode == 0, proc.stderr
    w, h, distinct = png(out)
    assert w == 800 and h > 4 * 28 and distinct > 20, (w, h, distinct)


@test
def gan_samples_grid():
    need_fashion_mnist()
    out = render_ok("samples", "--model", "gan", "--data", "fashion-mnist", "--limit", "200",
                    "--epochs", "1", "--threads", "1")
    w, h, rows = pixels(out)
    # 8 × 8 pictures of 28 pixels with 2-pixel black gaps around them, each
    # image pixel drawn as scale × scale: a black square frame of side
    # (8 · 28 + 9 · 2) · scale with 9 black columns of gaps
    black = (0, 0, 0)
    ys = [y for y in range(h) if rows[y].count(black) > 100]
    top, bottom = ys[0], ys[-1]
    xs = [x for x in range(w) if rows[top][x] == black]
    left, right = xs[0], xs[-1]
    side = right - left + 1
    assert side % 242 == 0 and bottom - top + 1 == side, (side, top, bottom)
    scale = side // 242
    gaps = [x for x in range(left, right + 1)
            if all(rows[y][x] == black for y in range(top, bottom + 1, 3))]
    assert len(gaps) == 9 * 2 * scale, (len(gaps), scale)


@test
def recurrent_states_over_time():
    out = render_ok("activations", "--model", "char-lstm", "--data", "words", "--epochs", "1",
                    "--threads", "2", timeout=600)
    w, h, rows = pixels(out)
    # the LSTM's states and the embedding as diverging heat maps: blue and
    # orange cells, far more than the scale bars alone have
    blue, orange = count_near(rows, (0x08, 0x77, 0xbd)), count_near(rows, (0xf5, 0x93, 0x22))
    assert blue > 500 and orange > 500, (blue, orange)


def main():
    print(f"1..{len(TESTS)}")
    if os.environ.get("LAYERLAB_KEEP_TEST_FILES"):
        print(f"# pictures in {TMP}")
    failed = 0
    for i, fn in enumerate(TESTS, 1):
        name = fn.__name__.replace("_", "-")
        try:
            fn()
            print(f"ok {i} /cli/render/{name}")
        except Skip as e:
            print(f"ok {i} /cli/render/{name} # SKIP {e}")
        except Exception:
            failed += 1
            print(f"not ok {i} /cli/render/{name}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
        sys.stdout.flush()
    if not os.environ.get("LAYERLAB_KEEP_TEST_FILES"):
        shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
