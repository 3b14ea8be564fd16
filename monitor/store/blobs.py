"""Raw bytes, content-addressed under <data dir>/blobs/ab/cd/<sha256>.

A blob is complete on disk (temp file + fsync + rename) before any row refers to it, so a
crash never leaves a row pointing at half a file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path


class BlobStore:
    """Write-once files named by their SHA-256."""

    def __init__(self, root: Path):
        self.root = root
        self.tmp = root / "tmp"

    def path_for(self, sha256: str) -> Path:
        """Where the blob with this hash lives."""
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def relative(self, sha256: str) -> str:
        """The blob's path relative to the blob root, as stored in rows."""
        return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def adopt(self, temp_path: Path, sha256: str) -> Path:
        """Move a finished download (already hashed) into place; drop it if we have it."""
        target = self.path_for(sha256)
        if target.is_file():
            temp_path.unlink(missing_ok=True)
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(temp_path, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(temp_path, target)
        return target

    def put_bytes(self, data: bytes) -> str:
        """Store bytes; returns their SHA-256."""
        sha256 = hashlib.sha256(data).hexdigest()
        if self.has(sha256):
            return sha256
        self.tmp.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.tmp, prefix=".blob-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            self.adopt(Path(name), sha256)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        return sha256

    def clear_stale_temp(self, older_than: float) -> int:
        """Remove temp files (downloads cut short by a crash) older than `older_than` seconds.

        Only old ones: a daemon's other jobs may be downloading into the same folder now."""
        if not self.tmp.is_dir():
            return 0
        cutoff = time.time() - older_than
        removed = 0
        for path in self.tmp.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        return removed

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def verify(self, sha256: str) -> bool:
        """Whether the blob exists and its bytes still hash to its name."""
        path = self.path_for(sha256)
        if not path.is_file():
            return False
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest() == sha256


def sha256_text(text: str) -> str:
    """SHA-256 of text as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
