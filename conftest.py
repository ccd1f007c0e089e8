"""pytest set-up shared by the unit tests (tests/) and nbval (notebooks/).

Notebooks re-executed by nbval write their figures and tables to a temporary folder, never to outputs/:
the kernels inherit $ITB_STUDY_OUTPUT_DIR from this process (see helpers/paths.py).
"""

import os
import tempfile

os.environ.setdefault("TQDM_DISABLE", "1")
_out = tempfile.mkdtemp(prefix="itb-test-outputs-")
os.environ["ITB_STUDY_OUTPUT_DIR"] = _out
