"""nbval set-up for the course notebooks.

stderr is left out of the output comparison: it carries library warnings and progress
bars whose wording changes between versions and machines, never a result the course
teaches. Everything a notebook teaches is printed to stdout or returned as a value.
"""

import os

# Notebooks train small models; one thread is faster for them on a shared 2-core CPU
# and makes their printed numbers independent of the machine's core count.
os.environ.setdefault("OMP_NUM_THREADS", "1")


def pytest_collectstart(collector):
    if collector.__class__.__name__ == "IPyNbFile":
        collector.skip_compare = (*collector.skip_compare, "stderr")
