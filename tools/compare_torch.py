#!/usr/bin/env python3
"""Side-by-side throughput of clact and PyTorch on the same ops, dtypes and sizes.

Runs `clact bench --json` (the options below are passed through), then times
the torch.nn.functional equivalent of every result on the same sizes: on CUDA
when torch sees a GPU (timed with torch.cuda.Event), else on the CPU (timed
with time.perf_counter). Both sides count the same bytes (read + written), so
the ratio column is clact GB/s / torch GB/s.

    python3 tools/compare_torch.py [path/to/clact] [--ops relu,gelu] [--dtype f32,f16]
                                   [--size 16M] [--direction both] [--time 0.3]
                                   [--torch-device cpu|cuda] [--from-json bench.json]

Without PyTorch installed the clact columns are printed alone.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
CHANNELS = 64  # `clact bench` views prelu/crelu inputs as (1, 64, n/64)


def find_clact(explicit):
    if explicit:
        return explicit
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    for cand in ("build/tools/clact", "build/clact", "_build/tools/clact",
                 "build-release/tools/clact"):
        p = os.path.join(root, cand)
        if os.access(p, os.X_OK):
            return p
    p = shutil.which("clact")
    if p:
        return p
    sys.exit("compare_torch: cannot find the clact binary; pass its path "
             "(e.g. build/tools/clact)")


def run_bench(clact, args):
    cmd = [clact, "bench", "--json"]
    for opt in ("ops", "dtype", "size", "direction", "time", "device"):
        val = getattr(args, opt)
        if val:
            cmd += ["--" + opt, str(val)]
    print("running:", " ".join(cmd), file=sys.stderr)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if not proc.stdout.strip():
        sys.exit("compare_torch: clact bench printed nothing (exit %d)" % proc.returncode)
    return json.loads(proc.stdout)


def bytes_of(r):
    if "bytes" in r:
        return float(r["bytes"])
    es = {"f32": 4, "f16": 2, "bf16": 2, "f64": 8}[r["dtype"]]
    n = r["n"]
    y = 2 * n if r["op"] == "crelu" else n
    w = (CHANNELS if n % CHANNELS == 0 else 1) if r["op"] == "prelu" else 0
    if r["direction"] == "forward":
        return float((n + y + w) * es)
    return float((n + y + n + 2 * w) * es)


class TorchSide:
    def __init__(self, device_pref, target):
        import torch  # noqa: F401  (ImportError handled by the caller)
        import torch.nn.functional as F
        self.torch = torch
        self.F = F
        if device_pref == "cuda" or (device_pref is None and torch.cuda.is_available()):
            self.device = "cuda"
        else:
            self.device = "cpu"
        self.target = target
        self.dtypes = {"f32": torch.float32, "f16": torch.float16,
                       "bf16": torch.bfloat16, "f64": torch.float64}

    def describe(self):
        t = self.torch
        if self.device == "cuda":
            return "torch %s on %s" % (t.__version__, t.cuda.get_device_name(0))
        return "torch %s on CPU (%d threads)" % (t.__version__, t.get_num_threads())

    def sync(self):
        if self.device == "cuda":
            self.torch.cuda.synchronize()

    def time_call(self, fn):
        """median seconds of fn(); calibrated to about self.target seconds"""
        t = self.torch
        for _ in range(3):
            fn()
        self.sync()
        t0 = time.perf_counter()
        fn()
        self.sync()
        one = max(time.perf_counter() - t0, 1e-7)
        reps = int(min(max(self.target / one, 5), 2000))
        samples = []
        if self.device == "cuda":
            evs = [(t.cuda.Event(enable_timing=True), t.cuda.Event(enable_timing=True))
                   for _ in range(reps)]
            for a, b in evs:
                a.record()
                fn()
                b.record()
            t.cuda.synchronize()
            samples = [a.elapsed_time(b) * 1e-3 for a, b in evs]
        else:
            for _ in range(reps):
                s = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - s)
        return statistics.median(samples)

    def make_call(self, op, dtype, direction, n):
        t, F = self.torch, self.F
        dt = self.dtypes[dtype]
        dev = self.device
        gen = t.Generator(device="cpu").manual_seed(1234)
        chan = op in ("prelu", "crelu")
        shape = (1, CHANNELS, n // CHANNELS) if chan and n % CHANNELS == 0 else \
            ((1, 1, n) if chan else (n,))
        x = (t.randn(shape, generator=gen) * 2.0).to(dev, dt)
        yshape = (shape[0], 2 * shape[1], shape[2]) if op == "crelu" else shape
        dy = t.randn(yshape, generator=gen).to(dev, dt)
        wn = shape[1] if op == "prelu" else 1
        w = (t.rand(wn, generator=gen) * 0.1).to(dev, dt)
        aten = t.ops.aten

        fwd = {
            "relu": lambda: t.relu(x),
            "leaky_relu": lambda: F.leaky_relu(x, 0.01),
            "prelu": lambda: F.prelu(x, w),
            "elu": lambda: F.elu(x),
            "selu": lambda: F.selu(x),
            "celu": lambda: F.celu(x),
            "gelu": lambda: F.gelu(x),
            "gelu_tanh": lambda: F.gelu(x, approximate="tanh"),
            "relu6": lambda: F.relu6(x),
            "hardtanh": lambda: F.hardtanh(x),
            "crelu": lambda: t.cat((F.relu(x), F.relu(-x)), dim=1),
            "silu": lambda: F.silu(x),
            "mish": lambda: F.mish(x),
            "softplus": lambda: F.softplus(x),
            "hardswish": lambda: F.hardswish(x),
            "hardsigmoid": lambda: F.hardsigmoid(x),
            "sigmoid": lambda: t.sigmoid(x),
            "tanh": lambda: t.tanh(x),
        }
        if direction == "forward":
            return fwd[op]

        y = None
        if op in ("sigmoid", "tanh"):
            y = fwd[op]()

        def prelu_bwd():
            wv = w.view(1, -1, 1) if x.dim() == 3 else w
            dx, dwe = aten._prelu_kernel_backward(dy, x, wv)
            return dx, dwe.sum(dim=(0, 2))

        def crelu_bwd():
            dp, dn = dy.chunk(2, dim=1)
            return t.where(x > 0, dp, 0) - t.where(x < 0, dn, 0)

        bwd = {
            "relu": lambda: aten.threshold_backward(dy, x, 0),
            "leaky_relu": lambda: aten.leaky_relu_backward(dy, x, 0.01, False),
            "prelu": prelu_bwd,
            "elu": lambda: aten.elu_backward(dy, 1.0, 1, 1, False, x),
            "selu": lambda: aten.elu_backward(dy, SELU_ALPHA, SELU_SCALE, 1, False, x),
            "celu": lambda: aten.elu_backward(dy, 1.0, 1, 1.0, False, x),
            "gelu": lambda: aten.gelu_backward(dy, x),
            "gelu_tanh": lambda: aten.gelu_backward(dy, x, approximate="tanh"),
            "relu6": lambda: aten.hardtanh_backward(dy, x, 0.0, 6.0),
            "hardtanh": lambda: aten.hardtanh_backward(dy, x, -1.0, 1.0),
            "crelu": crelu_bwd,
            "silu": lambda: aten.silu_backward(dy, x),
            "mish": lambda: aten.mish_backward(dy, x),
            "softplus": lambda: aten.softplus_backward(dy, x, 1.0, 20.0),
            "hardswish": lambda: aten.hardswish_backward(dy, x),
            "hardsigmoid": lambda: aten.hardsigmoid_backward(dy, x),
            "sigmoid": lambda: aten.sigmoid_backward(dy, y),
            "tanh": lambda: aten.tanh_backward(dy, y),
        }
        return bwd[op]

    def gbps(self, r):
        fn = self.make_call(r["op"], r["dtype"], r["direction"], r["n"])
        s = self.time_call(fn)
        return bytes_of(r) / s * 1e-9


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("clact", nargs="?", help="path of the clact binary (default: build/tools/clact)")
    ap.add_argument("--ops")
    ap.add_argument("--dtype")
    ap.add_argument("--size")
    ap.add_argument("--direction")
    ap.add_argument("--time", type=float, default=None,
                    help="target seconds per measurement (both sides)")
    ap.add_argument("--device", help="clact device spec (as CLACT_DEVICE)")
    ap.add_argument("--torch-device", choices=("cpu", "cuda"), default=None)
    ap.add_argument("--from-json", help="read clact results from a saved `clact bench --json`")
    ap.add_argument("--json", action="store_true", help="print the merged results as JSON")
    args = ap.parse_args()

    if args.from_json:
        with open(args.from_json) as f:
            bench = json.load(f)
    else:
        bench = run_bench(find_clact(args.clact), args)

    side = None
    try:
        side = TorchSide(args.torch_device, args.time or 0.3)
    except ImportError:
        print("compare_torch: PyTorch is not installed; printing clact alone", file=sys.stderr)

    rows = []
    for r in bench.get("results", []):
        row = dict(r)
        row["torch_gbps"] = None
        if side is not None and r.get("gbps"):
            try:
                row["torch_gbps"] = side.gbps(r)
            except Exception as e:  # an op or dtype this torch build lacks
                row["torch_error"] = "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:80])
        rows.append(row)
        if side is not None:
            print("  %s %s %s n=%d" % (r["op"], r["dtype"], r["direction"], r["n"]),
                  file=sys.stderr)

    if args.json:
        json.dump({"clact_device": bench.get("device"),
                   "torch": side.describe() if side else None,
                   "copy_gbps": bench.get("copy_gbps"), "results": rows}, sys.stdout, indent=1)
        print()
        return

    print("clact: %s (copy %.2f GB/s)" % (bench.get("device"), bench.get("copy_gbps") or 0))
    print("torch: %s" % (side.describe() if side else "not installed"))
    print("%-12s %-5s %-9s %11s %10s %10s %7s %7s" % (
        "op", "dtype", "direction", "n", "clact GB/s", "torch GB/s", "ratio", "x copy"))
    ratios = []
    for r in rows:
        cg = r.get("gbps")
        tg = r.get("torch_gbps")
        ratio = cg / tg if cg and tg else None
        if ratio:
            ratios.append(ratio)
        print("%-12s %-5s %-9s %11d %10s %10s %7s %7s%s" % (
            r["op"], r["dtype"], r["direction"], r["n"],
            "%.2f" % cg if cg else "-",
            "%.2f" % tg if tg else "-",
            "%.2f" % ratio if ratio else "-",
            "%.3f" % r["fraction_of_copy"] if r.get("fraction_of_copy") else "-",
            "  (%s)" % r["torch_error"] if r.get("torch_error") else ""))
    if ratios:
        g = 1.0
        for v in ratios:
            g *= v
        print("geometric mean clact/torch: %.2f over %d rows; min %.2f" % (
            g ** (1.0 / len(ratios)), len(ratios), min(ratios)))


if __name__ == "__main__":
    main()
