"""nbval set-up for the course notebooks.

stderr is left out of the output comparison: it carries library warnings and progress
bars whose wording changes between versions and machines, never a result the course
teaches. Everything a notebook teaches is printed to stdout or returned as a value.
"""

import os
import shutil
import tempfile

# notebooks/zh/ holds the Chinese twins: copies of these notebooks' code cells and outputs
# with the prose translated. tests/test_zh_twins.py proves the copies equal; running them
# under nbval too would only double the course's CI time.
collect_ignore = ["zh"]

# Notebooks train small models; one thread is faster for them on a shared 2-core CPU
# and makes their printed numbers independent of the machine's core count.
os.environ.setdefault("OMP_NUM_THREADS", "1")

# The notebooks' kernels inherit this environment. A fresh cache folder per test session
# means the digit classifier behind FD is trained here, exactly as the stored outputs were
# made, never read from a user's ~/.cache/ganlab written by another version.
if "GANLAB_CACHE" not in os.environ:
    _OWN_CACHE = os.environ["GANLAB_CACHE"] = tempfile.mkdtemp(prefix="ganlab-nbval-cache-")
else:
    _OWN_CACHE = None


def pytest_unconfigure(config):
    if _OWN_CACHE:
        shutil.rmtree(_OWN_CACHE, ignore_errors=True)


def pytest_collectstart(collector):
    if collector.__class__.__name__ == "IPyNbFile":
        collector.skip_compare = (*collector.skip_compare, "stderr")
