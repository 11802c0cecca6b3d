#!/usr/bin/env python3
"""End-to-end tests of the built layerlab-cli: exit codes, one-line errors,
JSON lines, project files written and read back. Prints TAP for meson.

Usage: test-cli.py LAYERLAB_CLI VERSION FIXTURES_DIR   (standard library only)"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import traceback

CLI, VERSION, FIXTURES = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
TMP = tempfile.mkdtemp(prefix="layerlab-cli-test-")
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
    """Exit code, and for 1: exactly one line "layerlab-cli: …" on stderr."""
    assert proc.returncode == code, f"exit {proc.returncode}, wanted {code}: {proc.stderr!r}"
    if code == 1:
        lines = proc.stderr.splitlines()
        assert len(lines) == 1, f"wanted one line on stderr, got {lines!r}"
        assert lines[0].startswith("layerlab-cli: "), lines[0]
        return lines[0]
    return proc.stderr


def json_lines(proc):
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr!r}"
    lines = proc.stdout.splitlines()
    assert lines, "no output on stdout"
    return [json.loads(line) for line in lines]


def fixture(name):
    return os.path.join(FIXTURES, name)


@test
def help_lists_commands_datasets_and_templates():
    proc = run("--help")
    assert proc.returncode == 0, proc.stderr
    for word in ("train", "bench", "summary", "inspect", "xor", "fashion-mnist", "seed-cnn",
                 "lenet"):
        assert word in proc.stdout, f"--help does not mention {word}"


@test
def version():
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout == f"layerlab-cli {VERSION}\n", proc.stdout


@test
def no_command_is_a_usage_error():
    assert "Usage" in expect_failure(run(), 2)


@test
def unknown_command_is_a_usage_error():
    assert "Usage" in expect_failure(run("frobnicate"), 2)


@test
def bad_option_is_a_usage_error():
    for args in (["train", "--bogus"], ["bench", "--batch", "many"], ["summary"],
                 ["train", "--model", "mlp", "--data", "xor", "--optimizer", "lbfgs"],
                 ["train", "--model", "mlp", "--data", "xor", "extra"]):
        assert "Usage" in expect_failure(run(*args), 2), args


@test
def unknown_template_fails_in_one_line():
    line = expect_failure(run("train", "--model", "no-such-model", "--data", "xor"))
    assert "no-such-model" in line, line


@test
def model_that_does_not_fit_the_data_fails_with_the_graph_message():
    line = expect_failure(run("train", "--model", "seed-cnn", "--data", "xor", "--epochs", "1"))
    assert "Conv2D" in line, line


@test
def unknown_dataset_fails_in_one_line():
    expect_failure(run("train", "--model", "mlp", "--data", "csv:/nonexistent/none.csv"))


@test
def train_xor_json_lines():
    events = json_lines(run("train", "--model", "tiny-mlp", "--data", "xor", "--epochs", "6",
                            "--json"))
    epochs = [e for e in events if e["event"] == "epoch"]
    assert [e["epoch"] for e in epochs] == list(range(1, 7)), epochs
    for e in epochs:
        for key in ("loss", "accuracy", "val_loss", "val_accuracy", "samples_per_s", "seconds"):
            assert key in e, f"epoch event without {key}: {e}"
    done = events[-1]
    assert done["event"] == "done", done
    for key in ("test_loss", "test_accuracy", "seconds", "samples_per_s"):
        assert isinstance(done[key], (int, float)), f"done event without {key}: {done}"
    assert done["test_accuracy"] >= 0.8, done
    assert epochs[-1]["loss"] < epochs[0]["loss"], "the loss did not go down"


@test
def train_is_deterministic_for_a_seed():
    args = ["train", "--model", "tiny-mlp", "--data", "xor", "--epochs", "2", "--seed", "3",
            "--threads", "1", "--json"]
    a = json_lines(run(*args))
    b = json_lines(run(*args))
    assert [e["loss"] for e in a if e["event"] == "epoch"] == \
        [e["loss"] for e in b if e["event"] == "epoch"]


@test
def train_without_a_terminal_prints_one_line_per_epoch():
    proc = run("train", "--model", "tiny-mlp", "--data", "moons", "--epochs", "3")
    assert proc.returncode == 0, proc.stderr
    epoch_lines = [l for l in proc.stderr.splitlines() if l.startswith("Epoch")]
    assert len(epoch_lines) == 3, proc.stderr
    assert "\r" not in proc.stderr
    assert proc.stdout.startswith("Test: "), proc.stdout


@test
def fashion_mnist_with_limit():
    help_lines = run("--help").stdout.splitlines()
    for i, line in enumerate(help_lines):
        if line.split()[:1] == ["fashion-mnist"]:
            if i + 1 < len(help_lines) and "install" in help_lines[i + 1]:
                raise Skip("Fashion-MNIST is not installed")
    events = json_lines(run("train", "--model", "mlp", "--data", "fashion-mnist", "--limit", "300",
                            "--epochs", "1", "--json"))
    assert events[-1]["event"] == "done"
    assert events[-1]["test_accuracy"] > 0.2, events[-1]


@test
def summary_of_seed_cnn():
    proc = run("summary", "--model", "seed-cnn")
    assert proc.returncode == 0, proc.stderr
    assert "Total params: 225,034" in proc.stdout, proc.stdout
    assert "Conv2D" in proc.stdout and "32×26×26" in proc.stdout, proc.stdout


@test
def summary_adapts_to_data():
    proc = run("summary", "--model", "tiny-mlp", "--data", "spiral")
    assert proc.returncode == 0, proc.stderr


@test
def inspect_csv_json():
    proc = run("inspect", "--data", "csv:" + fixture("cli/flowers.csv"), "--label", "species",
               "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["samples"] == 30, report
    assert sorted(report["classes"]) == ["rosa", "tulipa", "viola"], report
    assert report["missing_values"] == 1, report


@test
def train_on_csv_with_a_missing_value_imputes_it():
    events = json_lines(run("train", "--model", "tiny-mlp", "--data",
                            "csv:" + fixture("cli/flowers.csv"), "--label", "species",
                            "--epochs", "2", "--json"))
    assert events[-1]["event"] == "done", events


@test
def save_then_train_from_the_saved_project():
    path = os.path.join(TMP, "xor.layerlab")
    proc = run("train", "--model", "tiny-mlp", "--data", "xor", "--epochs", "3", "--save", path)
    assert proc.returncode == 0, proc.stderr
    with open(path) as f:
        doc = json.load(f)
    assert doc["format"] == "layerlab" and doc["version"] == 1
    assert doc["dataset"]["spec"] == "xor"
    assert len(doc["history"]["loss"]) == 3
    assert doc["weights"], "no weights saved"
    # The project names its data; training goes on from its weights.
    events = json_lines(run("train", "--model", path, "--epochs", "1", "--json",
                            "--save", path))
    assert events[-1]["event"] == "done", events
    with open(path) as f:
        assert len(json.load(f)["history"]["loss"]) == 4
    assert "Total params" in run("summary", "--model", path).stdout


@test
def saved_optimizer_state_goes_on_counting():
    # The trainer does not resume the data order (a resumed run shuffles as
    # a new run's first epoch does), so 2 + 1 epochs are not bit for bit a
    # 3-epoch run; what must carry over is the optimizer: its kind, moments
    # and step count, which goes on from where it stopped.
    path = os.path.join(TMP, "adam.layerlab")
    proc = run("train", "--model", "tiny-mlp", "--data", "xor", "--epochs", "2",
               "--optimizer", "adam", "--batch", "50", "--save", path)
    assert proc.returncode == 0, proc.stderr
    with open(path) as f:
        first = json.load(f)["optimizer"]
    assert first["kind"] == "adam", first
    assert first["m"] and first["v"], first
    steps = first["steps"]
    assert steps > 0 and steps % 2 == 0, steps
    proc = run("train", "--model", path, "--epochs", "1", "--save", path)
    assert proc.returncode == 0, proc.stderr
    with open(path) as f:
        second = json.load(f)["optimizer"]
    assert second["kind"] == "adam" and second["steps"] == steps + steps // 2, (steps, second)
    assert second["m"] != first["m"] and second["v"] != first["v"]


@test
def gan_saves_both_models_and_goes_on_training():
    path = os.path.join(TMP, "gan.layerlab")
    images = fixture("data/fashion/fashion-small-images.idx.gz")
    proc = run("train", "--model", "gan", "--data", "idx:" + images, "--epochs", "1",
               "--save", path)
    assert proc.returncode == 0, proc.stderr
    with open(path) as f:
        doc = json.load(f)
    assert doc["training"]["mode"] == "gan", doc["training"]
    assert doc["discriminator"]["nodes"] and doc["discriminator"]["weights"], "no discriminator"
    grid = os.path.join(TMP, "gan.png")
    proc = run("train", "--model", path, "--epochs", "1", "--samples", grid, "--save", path)
    assert proc.returncode == 0, proc.stderr
    with open(grid, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    with open(path) as f:
        doc = json.load(f)
    assert len(doc["history"]["loss"]) == 2
    # Both optimizers went on: each made a second epoch's steps.
    steps = doc["optimizer"]["steps"]
    assert steps > 0 and steps % 2 == 0, steps
    assert doc["discriminator"]["optimizer"]["steps"] == steps, doc["discriminator"]["optimizer"]


@test
def ctrl_c_stops_reports_and_saves():
    path = os.path.join(TMP, "interrupted.layerlab")
    proc = subprocess.Popen([CLI, "train", "--model", "tiny-mlp", "--data", "spiral", "--epochs",
                             "100000", "--json", "--save", path], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=TMP)
    first = json.loads(proc.stdout.readline())
    assert first["event"] == "epoch", first
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (proc.returncode, err)
    done = json.loads(out.splitlines()[-1])
    assert done["event"] == "done" and done["reason"] == "stopped", done
    assert isinstance(done["test_accuracy"], float), done
    with open(path) as f:
        assert json.load(f)["weights"]


@test
def bad_project_files_fail_in_one_line():
    cases = {
        "project/unknown-kind.layerlab": "graph.nodes[2].kind",
        "project/weight-shape.layerlab": "weights[0]",
        "project/truncated.layerlab": "line",
        "project/newer-version.layerlab": "newer",
        "project/not-json.layerlab": "not a Layerlab project",
    }
    for name, part in cases.items():
        line = expect_failure(run("train", "--model", fixture(name), "--data", "xor",
                                  "--epochs", "1"))
        assert part in line, line
    expect_failure(run("summary", "--model", os.path.join(TMP, "missing.layerlab")))


@test
def unwritable_save_fails_in_one_line():
    line = expect_failure(run("train", "--model", "tiny-mlp", "--data", "xor", "--epochs", "1",
                              "--save", "/nonexistent-layerlab/x.layerlab"))
    assert "x.layerlab" in line, line


@test
def bench_json():
    result = json_lines(run("bench", "--model", "mlp", "--batch", "8", "--steps", "3",
                            "--windows", "3", "--threads", "1", "--json"))[-1]
    assert result["samples_per_s"] > 0, result
    assert result["min"] <= result["samples_per_s"] <= result["max"], result


@test
def diagram_png_and_svg():
    png = os.path.join(TMP, "seed-cnn.png")
    svg = os.path.join(TMP, "seed-cnn.svg")
    proc = run("diagram", "--model", "seed-cnn", "--out", png)
    assert proc.returncode == 0, proc.stderr
    with open(png, "rb") as f:
        header = f.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n", header
    width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
    assert height > width > 100, (width, height)  # a chain of 12 cards, top to bottom
    proc = run("diagram", "--model", "seed-cnn", "--out", svg, "--dark")
    assert proc.returncode == 0, proc.stderr
    with open(svg, encoding="utf-8") as f:
        text = f.read()
    assert text.startswith("<?xml") and "<svg" in text, text[:80]


@test
def diagram_refuses_other_formats_and_unwritable_files():
    expect_failure(run("diagram", "--model", "mlp", "--out", "model.jpg"), 2)
    line = expect_failure(run("diagram", "--model", "mlp", "--out", "/nonexistent/dir/m.png"))
    assert "m.png" in line, line


def main():
    print(f"1..{len(TESTS)}")
    failed = 0
    for i, fn in enumerate(TESTS, 1):
        name = fn.__name__.replace("_", "-")
        try:
            fn()
            print(f"ok {i} /cli/{name}")
        except Skip as e:
            print(f"ok {i} /cli/{name} # SKIP {e}")
        except Exception:
            failed += 1
            print(f"not ok {i} /cli/{name}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
