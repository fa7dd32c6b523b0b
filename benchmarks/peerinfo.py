#!/usr/bin/python3
"""The machine and the Python peers of oblique's benchmark scripts, so that
every comparison says what it ran on and runs the peer at its best
(benchmarks/README.md, "Fair peers"). Used by benchmarks/lib.sh and imported
by the peer scripts (sklearn_peer.py, torch_rnn_step.py, nwb_peer.py).

    /usr/bin/python3 benchmarks/peerinfo.py cpu
        the CPU model, vendor, family/model, the SIMD flags that matter
        (avx, avx2, fma, avx512f/bw/dq/vl), CPUs and load average;
    /usr/bin/python3 benchmarks/peerinfo.py coretypes
        the peer's BLAS configurations to time, "LABEL<TAB>OPENBLAS_CORETYPE"
        ("-": unset) a line: the kernel Debian's OpenBLAS picks by itself, the
        one an OPENBLAS_CORETYPE inherited from the environment gives, and
        the best for this CPU's flags (last), each checked with threadpoolctl
        in a fresh NumPy process and merged when they run the same kernel;
        PEER_CORETYPE overrides the choice of the best;
    /usr/bin/python3 benchmarks/peerinfo.py aten
        the ATEN_CPU_CAPABILITY that PyTorch's best kernels need on this CPU
        (avx512 or nothing);
    /usr/bin/python3 benchmarks/peerinfo.py peak CORES [PATH]
        "GFLOPS<TAB>how": the float32 FMA peak of CORES cores of this CPU,
        for oblique's kernel PATH (auto, generic, avx2 or avx512), and the
        assumptions behind it;
    /usr/bin/python3 benchmarks/peerinfo.py medians BENCH s|ms FILE...
        the median time of BenchmarkBENCH in each file (Go's format);
    /usr/bin/python3 benchmarks/peerinfo.py fastest BENCH FILE...
        the name of the file with the smallest median;
    /usr/bin/python3 benchmarks/peerinfo.py compare [--peak=G] BENCH s|ms PEER OURS FILE...
        the ratio line: oblique's median in OURS against the fastest of the
        peer's configurations FILE... (the first one its default), with
        GFLOP/s and the share of the peak G when oblique reports GFLOP/s.
        Files are named "oblique PATH" and "PEER CONFIGURATION".

In a peer, describe(label) prints to stderr one line "peer LABEL: ..." with
the BLAS threadpoolctl reports (internal_api, version, architecture,
num_threads, threading layer) and, with torch imported, PyTorch's threads and
CPU capability; it exits with an error when OPENBLAS_CORETYPE or
ATEN_CPU_CAPABILITY asked for a kernel the library is not running.
"""
import os
import statistics
import subprocess
import sys

# Names Debian's OpenBLAS 0.3.21 (DYNAMIC_ARCH) accepts in OPENBLAS_CORETYPE
# for the x86-64 kernels it ships (strings of libopenblas.so: Prescott,
# Core2, Nehalem, Sandybridge, Haswell, Zen, SkylakeX, Cooperlake, ...). An
# unknown name is not an error there: OpenBLAS says "Core not found" and
# picks something, which is why every choice is checked with threadpoolctl.
# Cooperlake differs from SkylakeX only in bfloat16 kernels, so SkylakeX is
# the float32/float64 choice for AVX-512.
AVX512 = {"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"}
SHOWN = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl",
         "avx512_bf16", "asimd"]


def cpuinfo():
    """The first processor's fields of /proc/cpuinfo, and its flag set."""
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    if info:
                        break
                    continue
                k, _, v = line.partition(":")
                info.setdefault(k.strip(), v.strip())
    except OSError:
        pass
    flags = set((info.get("flags") or info.get("Features") or "").split())
    return info, flags


def cpus():
    """CPUs this process may run on (what nproc and Go's GOMAXPROCS see)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def threads_per_core():
    """Hardware threads sharing a core's FMA units (1 without SMT)."""
    try:
        with open("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list") as f:
            n = 0
            for part in f.read().strip().split(","):
                a, _, b = part.partition("-")
                n += int(b) - int(a) + 1 if b else 1
            return max(n, 1)
    except (OSError, ValueError):
        return 1


def model_name(info):
    return info.get("model name") or info.get("Model name") or info.get("CPU part") or "unknown CPU"


def cmd_cpu():
    info, flags = cpuinfo()
    fam, mod = info.get("cpu family"), info.get("model")
    ident = info.get("vendor_id", "")
    if fam is not None and mod is not None:
        ident += f" family {fam} model {mod}"
    keys = [f for f in SHOWN if f != "asimd"] if "flags" in info else ["asimd"]
    have = " ".join(f if f in flags else f"-{f}" for f in keys)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"cpu: {model_name(info)} ({ident.strip()}); {cpus()} CPUs, {threads_per_core()} thread(s) per core")
    print(f"simd: {have}   (-name: absent)")
    print(f"load average: {load}")


def best_coretype(info, flags):
    """The OPENBLAS_CORETYPE candidates for these CPU flags, best first."""
    amd = info.get("vendor_id") in ("AuthenticAMD", "HygonGenuine")
    avx2 = "Zen" if amd else "Haswell"
    if AVX512 <= flags:
        return ["SkylakeX", avx2, "Sandybridge"]
    if {"avx2", "fma"} <= flags:
        return [avx2, "Haswell", "Sandybridge"]
    if "avx" in flags:
        return ["Sandybridge"]
    return []


def openblas_arch(coretype):
    """The architecture threadpoolctl reports for OpenBLAS in a fresh NumPy
    process with OPENBLAS_CORETYPE set to coretype ("": unset, None: as this
    process has it); None when no OpenBLAS is loaded."""
    env = dict(os.environ)
    if coretype is not None:
        env.pop("OPENBLAS_CORETYPE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    code = ("import numpy, threadpoolctl\n"
            "print(next((i.get('architecture') or '' for i in threadpoolctl.threadpool_info()"
            " if i.get('internal_api') == 'openblas'), ''))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"peerinfo: NumPy with threadpoolctl failed: {out.stderr.strip()}")
    return out.stdout.strip() or None


def cmd_coretypes():
    """Prints the peer's BLAS configurations to time, one "LABEL<TAB>SETTING"
    line each: OpenBLAS's own pick, the one inherited from the environment if
    OPENBLAS_CORETYPE is set, and the best for the CPU's flags, last.
    LABEL is the kernel and where it comes from (default, env, best; merged
    when they run the same kernel), SETTING the OPENBLAS_CORETYPE to set
    ("-": unset it)."""
    info, flags = cpuinfo()
    default = openblas_arch("")
    if default is None:
        print("peerinfo: no OpenBLAS loaded by NumPy (threadpoolctl sees none): the peer's BLAS "
              "kernel cannot be chosen; install libopenblas0-pthread for a fair peer", file=sys.stderr)
        print("default\t-")
        return
    configs = {default.lower(): [default, ["default"], "-"]}
    inherited = os.environ.get("OPENBLAS_CORETYPE")
    if inherited:
        arch = openblas_arch(None)
        configs.setdefault(arch.lower(), [arch, [], inherited])[1].append("env")
    wanted = os.environ.get("PEER_CORETYPE")
    best = None
    for name in [wanted] if wanted else best_coretype(info, flags):
        got = openblas_arch(name)
        if got and got.lower() == name.lower():
            best = got
            break
        print(f"peerinfo: OpenBLAS runs {got} when asked for OPENBLAS_CORETYPE={name}: "
              "not a kernel this OpenBLAS has", file=sys.stderr)
        if wanted:
            sys.exit(1)
    if best:
        cfg = configs.pop(best.lower(), [best, [], best])
        cfg[1].append("best")
        configs[best.lower()] = cfg
    for arch, how, setting in configs.values():
        print(f"{arch}({','.join(how)})\t{setting}")
    notes = ["default: OpenBLAS's own pick (OPENBLAS_CORETYPE unset)"]
    if inherited:
        notes.append(f"env: OPENBLAS_CORETYPE={inherited} as set in this environment")
    if best:
        notes.append(f"best: OPENBLAS_CORETYPE={best}, " + (
            "from PEER_CORETYPE" if wanted else "the best kernel for this CPU's flags"))
    print("peer kernels: " + "; ".join(notes), file=sys.stderr)


def cmd_aten():
    _, flags = cpuinfo()
    # PyTorch's AVX512 kernels need avx512f, bw, dq and vl; 1.13 does not use
    # them unless asked (its default stops at AVX2).
    print("avx512" if {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= flags else "")


def fma_per_cycle(info, flags, path):
    """float32 FLOP per cycle per core for oblique's kernel path on this CPU,
    and the assumption behind the number."""
    vendor = info.get("vendor_id", "")
    try:
        fam, mod = int(info.get("cpu family", "-1")), int(info.get("model", "-1"))
    except ValueError:
        fam, mod = -1, -1
    isa = path
    if path in ("auto", "generic"):
        isa = "avx512" if AVX512 <= flags else "avx2" if {"avx2", "fma"} <= flags else "avx" if "avx" in flags else "other"
    note = "" if path != "generic" else "the CPU's own peak; the generic path is pure Go and cannot reach it; "
    if isa == "avx512":
        if vendor == "AuthenticAMD" and fam == 25:
            return 32, note + "AVX-512 on Zen 4 (family 25), which executes a 512-bit FMA as two 256-bit halves: 2 FMA × 8 lanes × 2"
        if vendor == "AuthenticAMD" and fam == 26:
            return 64, note + ("AVX-512 on Zen 5 (family 26) with full-width 512-bit FMA as on EPYC 9005 and desktop "
                               "parts: 2 FMA × 16 lanes × 2 (mobile Zen 5 splits them: 32)")
        return 64, note + ("AVX-512 with two 512-bit FMA units assumed: 2 × 16 lanes × 2 (Xeon Silver/Bronze and "
                           "client Ice/Tiger Lake have one: 32)")
    if isa == "avx2":
        if vendor == "AuthenticAMD" and fam == 23 and mod < 0x30:
            return 16, note + "AVX2 on Zen/Zen+ (family 23, model < 0x30), two 128-bit FMA units: 2 × 4 lanes × 2"
        return 32, note + "AVX2 + FMA, two 256-bit FMA units: 2 × 8 lanes × 2"
    if isa == "avx":
        return 16, note + "AVX without FMA: one 256-bit add and one 256-bit multiply per cycle"
    if "asimd" in flags:
        return 16, note + "NEON, two 128-bit FMA units assumed: 2 × 4 lanes × 2 (Apple cores have four: 32)"
    return 8, note + "SSE: one 128-bit add and one 128-bit multiply per cycle"


def clock():
    """The clock in GHz and where it comes from: CLOCK_GHZ when set (rnn.sh
    passes the clock the Go benchmark measured, internal/cpuclock), else the
    kernel's maximum or nominal clock."""
    measured = os.environ.get("CLOCK_GHZ")
    if measured:
        return float(measured), "measured by a chain of dependent additions during the benchmark (internal/cpuclock)"
    try:
        with open("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq") as f:
            return int(f.read()) / 1e6, "the maximum clock (cpufreq cpuinfo_max_freq, as lscpu's max MHz)"
    except (OSError, ValueError):
        pass
    info, _ = cpuinfo()
    try:
        return float(info["cpu MHz"]) / 1e3, ("/proc/cpuinfo 'cpu MHz' (no cpufreq here: a VM reports its "
                                               "nominal clock, and the cores may boost above it)")
    except (KeyError, ValueError):
        return float("nan"), "no clock known"


def cmd_peak(cores, path):
    info, flags = cpuinfo()
    per, how = fma_per_cycle(info, flags, path)
    tpc = threads_per_core()
    phys = -(-cores // tpc)
    ghz, src = clock()
    peak = per * phys * ghz
    print(f"{peak:.0f}\t{per} float32 FLOP/cycle/core ({how}) × {phys} core(s) "
          f"({cores} threads, {tpc} per core) × {ghz:.3f} GHz from {src}")


def describe(label):
    """Print to stderr what this peer process runs on: its BLAS (and PyTorch
    when imported), as threadpoolctl and PyTorch report them; exit with an
    error when a requested kernel is not the one running."""
    import threadpoolctl

    parts = []
    blas = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
    for i in blas:
        parts.append(f"{i.get('internal_api')} {i.get('version')} kernel {i.get('architecture', '?')}, "
                     f"{i.get('num_threads')} thread(s), {i.get('threading_layer', '?')}")
    if not blas:
        parts.append("no BLAS threadpoolctl knows (reference BLAS?)")
    want = os.environ.get("OPENBLAS_CORETYPE")
    arch = next((i.get("architecture") or "" for i in blas if i.get("internal_api") == "openblas"), "")
    if want and arch.lower() != want.lower():
        sys.exit(f"peer {label}: OPENBLAS_CORETYPE={want} but OpenBLAS runs {arch or 'nothing'}")
    torch = sys.modules.get("torch")
    if torch is not None:
        cap = "?"
        if hasattr(getattr(torch.backends, "cpu", None), "get_cpu_capability"):
            cap = torch.backends.cpu.get_cpu_capability()
        else:  # PyTorch < 2.0: the line "CPU capability usage: AVX2" of its build config
            for line in torch.__config__.show().splitlines():
                if "CPU capability usage:" in line:
                    cap = line.split(":", 1)[1].strip()
        par = torch.__config__.parallel_info()
        backend = next((l.split(":", 1)[1].strip() for l in par.splitlines() if "parallel backend" in l), "?")
        parts.append(f"torch {torch.__version__}, {torch.get_num_threads()} intra-op thread(s) ({backend}), "
                     f"CPU capability {cap}, oneDNN {'on' if torch.backends.mkldnn.is_available() else 'off'}, "
                     f"MKL {'on' if torch.backends.mkl.is_available() else 'off'}")
        want = os.environ.get("ATEN_CPU_CAPABILITY")
        if want and cap.lower() != want.lower():
            sys.exit(f"peer {label}: ATEN_CPU_CAPABILITY={want} but PyTorch runs {cap}")
    print(f"peer {label}: " + "; ".join(parts), file=sys.stderr, flush=True)


def header(pkg):
    """Prints the header of Go's benchmark output for package pkg of
    oblique, so that benchstat puts a peer's lines beside Go's."""
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)
    print(f"goos: {sys.platform}\ngoarch: {arch}\npkg: github.com/oblique-neuro/oblique/{pkg}")


def results(path, bench):
    """The ns/op and the other metrics (unit -> values) of the lines of
    benchmark bench (its name without the GOMAXPROCS suffix) in a file in
    Go's benchmark format."""
    ns, metrics = [], {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) < 4 or fields[0].rsplit("-", 1)[0] != "Benchmark" + bench:
                continue
            for v, unit in zip(fields[2::2], fields[3::2]):
                if unit == "ns/op":
                    ns.append(float(v))
                else:
                    metrics.setdefault(unit, []).append(float(v))
    if not ns:
        sys.exit(f"peerinfo: no Benchmark{bench} results in {path}")
    return ns, metrics


def fmt(ns, unit):
    return f"{ns / 1e9:.3f} s" if unit == "s" else f"{ns / 1e6:.1f} ms"


def label(path, prefix):
    name = os.path.basename(path)
    return name[len(prefix) + 1:] if name.startswith(prefix + " ") else name


def cmd_medians(bench, unit, paths):
    """Prints the median of bench in each file, one line a file."""
    for p in paths:
        ns, _ = results(p, bench)
        print(f"  {bench:<9} {os.path.basename(p):<44} {fmt(statistics.median(ns), unit):>10} (median of {len(ns)})")


def cmd_fastest(bench, paths):
    """Prints the name of the file with the smallest median of bench."""
    print(os.path.basename(min(paths, key=lambda p: statistics.median(results(p, bench)[0]))))


def cmd_compare(bench, unit, peer, ours, paths, peak):
    """Prints one line: oblique's median of bench in the file ours against
    the fastest of the peer's configurations in paths (the first being the
    peer's default), and, when oblique reports GFLOP/s, both sides' GFLOP/s
    and oblique's share of the peak."""
    meds = {p: statistics.median(results(p, bench)[0]) for p in paths}
    fastest = min(paths, key=meds.get)
    ns, metrics = results(ours, bench)
    go = statistics.median(ns)
    line = (f"{bench:<8} {peer} {fmt(meds[fastest], unit)} ({label(fastest, peer)}"
            + (f", the fastest of {len(paths)} set-ups" if len(paths) > 1 else "")
            + f"), oblique {fmt(go, unit)} ({label(ours, 'oblique')}) (medians): {meds[fastest] / go:.1f}× faster")
    if fastest != paths[0]:
        line += f"; against {label(paths[0], peer)}, {fmt(meds[paths[0]], unit)}: {meds[paths[0]] / go:.1f}×"
    if "GFLOP/s" in metrics:
        gf = statistics.median(metrics["GFLOP/s"])
        flop = gf * go  # GFLOP/s × ns = FLOP per operation
        line += f"\n{'':<8} oblique {gf:.0f} GFLOP/s"
        if peak:
            line += f" ({100 * gf / peak:.0f} % of the {peak:.0f} GFLOP/s float32 peak)"
        line += f", {peer} {flop / meds[fastest]:.1f} GFLOP/s (the same FLOP count)"
    print(line)


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "cpu":
        cmd_cpu()
    elif cmd == "coretypes":
        cmd_coretypes()
    elif cmd == "aten":
        cmd_aten()
    elif cmd == "peak" and len(sys.argv) in (3, 4):
        cmd_peak(int(sys.argv[2]), sys.argv[3] if len(sys.argv) == 4 else "auto")
    elif cmd == "medians" and len(sys.argv) > 4:
        cmd_medians(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif cmd == "fastest" and len(sys.argv) > 3:
        cmd_fastest(sys.argv[2], sys.argv[3:])
    elif cmd == "compare" and len(sys.argv) > 6:
        args = sys.argv[2:]
        peak = 0.0
        if args[0].startswith("--peak="):
            peak = float(args.pop(0).split("=", 1)[1] or 0)
        cmd_compare(args[0], args[1], args[2], args[3], args[4:], peak)
    else:
        sys.exit("usage: peerinfo.py cpu | coretypes | aten | peak CORES [auto|generic|avx2|avx512]\n"
                 "       | medians BENCH s|ms FILE... | fastest BENCH FILE... | compare [--peak=GFLOPS] BENCH s|ms PEER OBLIQUE_FILE PEER_FILE...")


if __name__ == "__main__":
    main()
