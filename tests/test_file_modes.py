"""What bundler moves into place gets the mode a plain write would: the umask decides, as for every other file.

Temporary files are made private (``mkstemp``: 0600) and were then set to a fixed 0644, so under
``umask 077`` the editions, the sidecar and a zipped bag were readable by every user while the
bag folder's copied files, written with plain ``open``, were 0600. The modes stored inside EPUB,
zip and tar archives stay fixed (``tests/test_reproducible.py``): only the files on disk follow.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WRITE = """
import os, sys
from pathlib import Path
os.umask(int(sys.argv[2], 8))
from bundler.files import write_atomically
folder = Path(sys.argv[1])
write_atomically(folder / "edition.epub", lambda temporary: temporary.write_bytes(b"PK"))
(folder / "plain.txt").write_text("written by open()")
print(oct(os.stat(folder / "edition.epub").st_mode & 0o777), oct(os.stat(folder / "plain.txt").st_mode & 0o777))
"""


def test_an_atomically_written_file_has_the_mode_a_plain_write_gives(tmp_path: Path):
    for umask, expected in (("022", "0o644"), ("077", "0o600"), ("002", "0o664"), ("027", "0o640")):
        folder = tmp_path / umask
        folder.mkdir()
        done = subprocess.run([sys.executable, "-c", WRITE, str(folder), umask], capture_output=True, text=True, check=True)
        assert done.stdout.split() == [expected, expected], (umask, done.stdout)
