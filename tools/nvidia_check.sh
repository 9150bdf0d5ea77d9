#!/bin/bash
# Build clact on a machine with NVIDIA's OpenCL driver, benchmark it, run the
# test suites on the GPU and compare its results with PoCL's, bit for bit.
#   tools/nvidia_check.sh [DEB_DIR]
# DEB_DIR (optional) holds .deb files for machines without the build
# dependencies, unpacked under /tmp/p: libclblast1, libclblast-dev,
# opencl-c-headers and ocl-icd-opencl-dev for the library and the CLI; with
# check, libsubunit0, libsubunit-dev, pkgconf, pkgconf-bin, libpkgconf3 and
# pkg-config the test suites build too. Where no nvidia.icd vendor file
# exists, one is made in /tmp/vendors.
# Results go to $OUT (default /tmp/clact-nvidia). The steps run in the order
# they are wanted, each with a time limit, so that a run cut short still
# leaves the first ones: the benchmark (float32, float16, bfloat16) beside
# PyTorch; the suites on the GPU against the reference; the worst float32
# errors over the whole range; the float64 benchmark; the comparison with
# PoCL.
# DEV (default nvidia) is the device to test and BENCH_OPTS extra options
# for `clact bench` (e.g. "--ops relu,gelu --size 1048576" for a dry run on
# another device).
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/clact-nvidia}; mkdir -p "$OUT" /tmp/p /tmp/vendors
DEV=${DEV:-nvidia}
read -r -a bench_opts <<< "${BENCH_OPTS:-}"
prefix=()
if [ $# -ge 1 ]; then
    for f in "$1"/*.deb; do dpkg -x "$f" /tmp/p; done
    export LD_LIBRARY_PATH=/tmp/p/usr/lib/x86_64-linux-gnu
    prefix=(-DCMAKE_PREFIX_PATH=/tmp/p/usr -DOpenCL_INCLUDE_DIR=/tmp/p/usr/include
            -DOpenCL_LIBRARY=/usr/lib/x86_64-linux-gnu/libOpenCL.so.1)
    if [ -x /tmp/p/usr/bin/pkgconf ]; then
        # check.pc and libsubunit.pc say prefix=/usr: the sysroot moves them
        export PATH=/tmp/p/usr/bin:$PATH PKG_CONFIG_SYSROOT_DIR=/tmp/p
        export PKG_CONFIG_LIBDIR=/tmp/p/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig
    fi
fi
tests=OFF
pkg-config --exists check 2>/dev/null && tests=ON
if [ "$DEV" = nvidia ] && ! ls /etc/OpenCL/vendors/*nvidia* >/dev/null 2>&1; then
    nv=$(ls /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 /usr/lib/libnvidia-opencl.so.1 \
            /usr/local/nvidia/lib64/libnvidia-opencl.so.1 2>/dev/null | head -1)
    echo "$nv" > /tmp/vendors/nvidia.icd
    cp /etc/OpenCL/vendors/*.icd /tmp/vendors/ 2>/dev/null
    export OCL_ICD_VENDORS=/tmp/vendors
fi
export CLACT_CACHE_DIR=/tmp/clact-cache POCL_CACHE_DIR=/tmp/pocl-cache
B=/tmp/clact-build
cmake -S . -B $B -DCMAKE_BUILD_TYPE=Release -DCLACT_BUILD_TESTS=$tests "${prefix[@]}" \
    > "$OUT/cmake.log" 2>&1 || { tail -30 "$OUT/cmake.log"; exit 1; }
cmake --build $B -j"$(nproc)" > "$OUT/build.log" 2>&1 || { grep -A5 error "$OUT/build.log" | head -60; exit 1; }
echo "built (test suites: $tests)"
C=$B/tools/clact
$C devices

# 1. the benchmark, and PyTorch on the same ops and sizes
for dt in f32 f16 bf16; do
    timeout 150 $C bench --json --device "$DEV" --dtype $dt "${bench_opts[@]}" \
        > "$OUT/bench_$dt.json" 2> "$OUT/bench_$dt.err"
    echo "bench $dt: exit $?"
    timeout 60 python3 tools/compare_torch.py $C --from-json "$OUT/bench_$dt.json" --torch-device cuda \
        > "$OUT/compare_$dt.txt" 2>&1 && tail -40 "$OUT/compare_$dt.txt"
done

# 2. the suites on this device (the variants that force CPU forms left out)
if [ $tests = ON ]; then
    (cd $B && CLACT_TEST_DEVICE="$DEV" timeout 240 ctest -j"$(nproc)" --output-on-failure \
        -LE 'gpupath|vec16|vec32|vec64|stream|rcp14|bf16int|avx2|sse41') > "$OUT/ctest.log" 2>&1
    echo "ctest: exit $?"; grep -E "tests passed|tests failed|\*\*\*|Failed|Timeout" "$OUT/ctest.log" | head -40
    # 3. the worst float32 error of every op over a sample of the whole range
    CLACT_TEST_DEVICE="$DEV" timeout 90 $B/tests/clact_ulp_sweep --direction both > "$OUT/ulp_sweep.txt" 2>&1
    echo "ulp sweep: exit $?"; tail -40 "$OUT/ulp_sweep.txt"
fi

# 4. float64
timeout 100 $C bench --json --device "$DEV" --dtype f64 "${bench_opts[@]}" > "$OUT/bench_f64.json" 2> "$OUT/bench_f64.err"
echo "bench f64: exit $?"

# 5. bit for bit against PoCL: the kernels take other forms on the CPU, so
# results may differ in their last bits; NaN, infinities and signs must not
# (counted apart as "class")
python3 - <<'PY'
import numpy as np
rng = np.random.default_rng(1)
special = [0, -0.0, np.inf, -np.inf, np.nan, -3, 3, 6, 1e-30, -1e-30, -10, -20, 20, 88, -88, 1e30, -1e30]
x = np.concatenate([rng.standard_normal(50000) * 4, rng.standard_normal(20000) * 30, special]).astype(np.float32)
np.save('/tmp/x.npy', x.reshape(1, 1, -1))
np.save('/tmp/dy.npy', rng.standard_normal(x.size).astype(np.float32).reshape(1, 1, -1))
np.save('/tmp/dy2.npy', rng.standard_normal(2 * x.size).astype(np.float32).reshape(1, 2, -1))
np.save('/tmp/w.npy', np.array([0.25], np.float32))
PY
for dt in f16 bf16 f32 f64; do
    for op in relu leaky_relu prelu elu selu celu gelu gelu_tanh relu6 hardtanh crelu silu mish softplus \
              hardswish hardsigmoid sigmoid tanh; do
        extra=(); dy=/tmp/dy.npy
        [ $op = prelu ] && extra=(--weight /tmp/w.npy)
        [ $op = crelu ] && dy=/tmp/dy2.npy
        for dev in "$DEV" portable; do
            d=${dev//[^a-z]/}
            $C apply $op "${extra[@]}" --dtype $dt --device "$dev" /tmp/x.npy /tmp/f_$d.npy
            $C apply $op "${extra[@]}" --dtype $dt --device "$dev" --backward $dy /tmp/x.npy /tmp/b_$d.npy
        done
        python3 -c "
import numpy as np
for d in ('f', 'b'):
    g, p = np.load('/tmp/%s_${DEV//[^a-z]/}.npy' % d), np.load('/tmp/%s_portable.npy' % d)
    gi, pi = g.view(np.int32).astype(np.int64), p.view(np.int32).astype(np.int64)
    nan = np.isnan(g) & np.isnan(p)
    diff = (gi != pi) & ~nan
    cls = (np.isnan(g) != np.isnan(p)) | ((np.isinf(g) | np.isinf(p)) & diff) | ((gi < 0) != (pi < 0)) & ~nan
    ulp = np.abs(gi - pi)[diff & ~cls]
    print('$dt %-12s %-8s: %6d of %d differ, at most %d ulp apart; class %d' % ('$op', 'forward' if d == 'f' else 'backward',
          diff.sum(), g.size, ulp.max() if ulp.size else 0, cls.sum()))"
    done
done | tee "$OUT/nvidia_vs_pocl.txt"
