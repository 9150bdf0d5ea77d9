#!/bin/bash
# Build clact on a machine with NVIDIA's OpenCL driver, then benchmark it and
# compare its results with PoCL's, bit for bit.
#   tools/nvidia_check.sh [DEB_DIR]
# DEB_DIR (optional) holds .deb files of libclblast1, libclblast-dev,
# opencl-c-headers and ocl-icd-opencl-dev for machines without them; they are
# unpacked under /tmp/p. Where no nvidia.icd vendor file exists, one is made
# in /tmp/vendors. Results go to $OUT (default /tmp/clact-nvidia).
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/clact-nvidia}; mkdir -p "$OUT" /tmp/p /tmp/vendors
prefix=()
if [ $# -ge 1 ]; then
    for f in "$1"/*.deb; do dpkg -x "$f" /tmp/p; done
    export LD_LIBRARY_PATH=/tmp/p/usr/lib/x86_64-linux-gnu
    prefix=(-DCMAKE_PREFIX_PATH=/tmp/p/usr -DOpenCL_INCLUDE_DIR=/tmp/p/usr/include
            -DOpenCL_LIBRARY=/usr/lib/x86_64-linux-gnu/libOpenCL.so.1)
fi
if ! ls /etc/OpenCL/vendors/*nvidia* >/dev/null 2>&1; then
    nv=$(ls /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 /usr/lib/libnvidia-opencl.so.1 \
            /usr/local/nvidia/lib64/libnvidia-opencl.so.1 2>/dev/null | head -1)
    echo "$nv" > /tmp/vendors/nvidia.icd
    cp /etc/OpenCL/vendors/*.icd /tmp/vendors/ 2>/dev/null
    export OCL_ICD_VENDORS=/tmp/vendors
fi
export CLACT_CACHE_DIR=/tmp/clact-cache POCL_CACHE_DIR=/tmp/pocl-cache
cmake -S . -B /tmp/clact-build -DCMAKE_BUILD_TYPE=Release -DCLACT_BUILD_TESTS=OFF "${prefix[@]}" \
    > "$OUT/cmake.log" 2>&1 || { tail -30 "$OUT/cmake.log"; exit 1; }
cmake --build /tmp/clact-build -j"$(nproc)" > "$OUT/build.log" 2>&1 || { grep -A5 error "$OUT/build.log" | head -60; exit 1; }
C=/tmp/clact-build/tools/clact
$C devices
for dt in f32 f16 bf16 f64; do
    $C bench --json --device nvidia --dtype $dt > "$OUT/bench_$dt.json" 2> "$OUT/bench_$dt.err"
    echo "bench $dt: exit $?"
    python3 tools/compare_torch.py $C --from-json "$OUT/bench_$dt.json" --torch-device cuda \
        > "$OUT/compare_$dt.txt" 2>&1 && tail -40 "$OUT/compare_$dt.txt"
done
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
        for dev in nvidia portable; do
            $C apply $op "${extra[@]}" --dtype $dt --device $dev /tmp/x.npy /tmp/f_$dev.npy
            $C apply $op "${extra[@]}" --dtype $dt --device $dev --backward $dy /tmp/x.npy /tmp/b_$dev.npy
        done
        python3 -c "
import numpy as np
for d in ('f', 'b'):
    g, p = np.load('/tmp/%s_nvidia.npy' % d), np.load('/tmp/%s_portable.npy' % d)
    same = (g.view(np.uint32) == p.view(np.uint32)) | (np.isnan(g) & np.isnan(p))
    print('$dt %-12s %s: %d of %d differ' % ('$op', 'forward' if d == 'f' else 'backward', (~same).sum(), g.size))"
    done
done | tee "$OUT/nvidia_vs_pocl.txt"
