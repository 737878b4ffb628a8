"""Speed and time-to-quality measurements for ganlab, printed as plain-text tables.

    python -m benchmarks                     # all of them (several minutes on 2 cores)
    python -m benchmarks throughput          # ganlab's step vs the pytorch/examples loop
    python -m benchmarks quality             # seconds until ring8 / digits look right
    python -m benchmarks scaling             # batch size, image size, threads
    python -m benchmarks gpu                 # bf16, channels_last, compile (CUDA; CPU part)
    python -m benchmarks all --smoke --json out.json   # seconds, for CI

Figures are quoted with the machine and its load: every table says both.
(dashboard_overhead.py, beside these, is a separate script.)
"""
