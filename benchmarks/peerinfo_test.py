#!/usr/bin/python3
"""Tests of benchmarks/peerinfo.py's decisions, which need no peer installed:

    /usr/bin/python3 -m unittest benchmarks/peerinfo_test.py

The kernel chosen for OpenBLAS from the CPU flags, the float32 FLOP per cycle
taken for each CPU, and the medians and ratios the benchmark scripts print.
"""
import contextlib
import io
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerinfo  # noqa: E402

AVX2 = {"sse4_2", "avx", "avx2", "fma"}
AVX512 = AVX2 | {"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"}


def cpu(vendor, family, model):
    return {"vendor_id": vendor, "cpu family": str(family), "model": str(model)}


class CoreType(unittest.TestCase):
    def test_choice(self):
        cases = [
            (cpu("GenuineIntel", 6, 85), AVX512, "SkylakeX"),      # Xeon Skylake-SP
            (cpu("AuthenticAMD", 26, 2), AVX512, "SkylakeX"),      # EPYC Turin (Zen 5)
            (cpu("AuthenticAMD", 25, 17), AVX512, "SkylakeX"),     # EPYC Genoa (Zen 4)
            (cpu("AuthenticAMD", 23, 49), AVX2, "Zen"),            # EPYC Rome (Zen 2)
            (cpu("GenuineIntel", 6, 158), AVX2, "Haswell"),        # Coffee Lake
            (cpu("GenuineIntel", 6, 42), {"sse4_2", "avx"}, "Sandybridge"),
        ]
        for info, flags, want in cases:
            self.assertEqual(peerinfo.best_coretype(info, flags)[0], want, (info, sorted(flags)))
        # AVX-512 F without BW/DQ/VL (Knights Landing) is not SkylakeX.
        self.assertEqual(peerinfo.best_coretype(cpu("GenuineIntel", 6, 87), AVX2 | {"avx512f", "avx512cd"})[0],
                         "Haswell")
        self.assertEqual(peerinfo.best_coretype(cpu("GenuineIntel", 6, 15), {"sse4_2"}), [])


class Peak(unittest.TestCase):
    def test_flop_per_cycle(self):
        cases = [
            (cpu("GenuineIntel", 6, 85), AVX512, "auto", 64),
            (cpu("GenuineIntel", 6, 85), AVX512, "avx2", 32),
            (cpu("AuthenticAMD", 26, 2), AVX512, "avx512", 64),    # Zen 5, full-width FMA
            (cpu("AuthenticAMD", 25, 17), AVX512, "avx512", 32),   # Zen 4, two 256-bit halves
            (cpu("AuthenticAMD", 25, 17), AVX512, "auto", 32),
            (cpu("AuthenticAMD", 23, 49), AVX2, "auto", 32),       # Zen 2
            (cpu("AuthenticAMD", 23, 1), AVX2, "auto", 16),        # Zen 1: 128-bit FMA units
            (cpu("GenuineIntel", 6, 158), AVX2, "generic", 32),    # the CPU's peak
            (cpu("GenuineIntel", 6, 42), {"sse4_2", "avx"}, "auto", 16),
            ({}, {"fp", "asimd"}, "neon", 16),
        ]
        for info, flags, path, want in cases:
            got, how = peerinfo.fma_per_cycle(info, flags, path)
            self.assertEqual(got, want, (info, path, how))
            self.assertTrue(how, "every peak states its assumption")


def bench_file(d, name, lines):
    p = os.path.join(d, name)
    with open(p, "w") as f:
        f.write("goos: linux\ngoarch: amd64\npkg: x\n" + "".join(lines))
    return p


class Ratios(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        # Medians: default 400 ms, best 300 ms (even count: mean of the middle
        # two), oblique 100 ms at 90 GFLOP/s.
        self.default = bench_file(d, "PyTorch A(default)", [f"BenchmarkStep-2\t1\t{v} ns/op\n" for v in
                                                            (500e6, 400e6, 300e6)])
        self.best = bench_file(d, "PyTorch B(best)", [f"BenchmarkStep-2\t1\t{v} ns/op\n" for v in
                                                      (200e6, 280e6, 320e6, 900e6)])
        self.ours = bench_file(d, "oblique avx2", [
            f"BenchmarkStep-2\t20\t{v} ns/op\t{g} GFLOP/s\n" for v, g in ((100e6, 90), (90e6, 100), (110e6, 80))]
            + ["BenchmarkStepOther-2\t1\t1 ns/op\n"])

    def tearDown(self):
        self.tmp.cleanup()

    def run_cmd(self, f, *args):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            f(*args)
        return out.getvalue()

    def test_results(self):
        ns, metrics = peerinfo.results(self.ours, "Step")
        self.assertEqual(ns, [100e6, 90e6, 110e6])  # not BenchmarkStepOther
        self.assertEqual(metrics, {"GFLOP/s": [90.0, 100.0, 80.0]})

    def test_fastest(self):
        self.assertEqual(self.run_cmd(peerinfo.cmd_fastest, "Step", [self.default, self.best]).strip(),
                         "PyTorch B(best)")

    def test_compare(self):
        out = self.run_cmd(peerinfo.cmd_compare, "Step", "ms", "PyTorch", self.ours, [self.default, self.best],
                           200.0)
        # 300 / 100 against the fastest, 400 / 100 against the default; 90
        # GFLOP/s is 45 % of 200; PyTorch does 90e9 × 0.1 s of FLOP in 0.3 s.
        self.assertIn("PyTorch 300.0 ms (B(best), the fastest of 2 set-ups), oblique 100.0 ms (avx2)", out)
        self.assertIn("3.0× faster; against A(default), 400.0 ms: 4.0×", out)
        self.assertIn("oblique 90 GFLOP/s (45 % of the 200 GFLOP/s float32 peak), PyTorch 30.0 GFLOP/s", out)

    def test_missing(self):
        with self.assertRaises(SystemExit):
            peerinfo.results(self.default, "Other")


if __name__ == "__main__":
    unittest.main()
