"""The output folder, replaced whole: written in a staging folder beside it, traded into its place
in one step, and what a killed build left behind cleaned up.

kg replaces only a folder it wrote: one holding the marker file `.kg-dist` (or, built before the
marker, one holding void.ttl that names kg's build and nothing but kg's files), a new folder or an
empty one; never the seeds' folder, the current folder or the home folder, nor a folder above one
of them.

Files go to a staging folder beside the output folder, `.dist-new-PID-XXXXXXXX` (PID: the
writer's process id), which replaces it only when every file is written. On Linux the two folders
trade places in one step (renameat2 with RENAME_EXCHANGE), so whenever a reader looks, or the
process dies, dist/ is the old complete folder or the new one. Where the system cannot trade, the
old folder is renamed to `.dist-old-PID-XXXXXXXX` and the new one into its place: a process killed
between those two renames leaves no dist/ but the old folder beside it, and `recover`, run before
every build, puts it back. `recover` also removes the staging and old folders of writers that no
longer run (killed with kill -9, say), recognised by that name and by holding nothing but kg's files;
a dead writer is preferred to a guess from a folder's age, which cannot tell a slow build from a
killed one. Guarding against process death, not power loss, nothing is fsync'ed.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from kg.errors import InputError
from kg.write.files import write_pieces
from kg.write.manifest import FILES
from kg.write.store import GRAPHS, STORE

__all__ = ["OUTPUT_FILES", "MARKER", "check_out", "recover", "make_staging", "swap_folder", "remove",
           "cannot_write", "write_file"]

OUTPUT_FILES = ("kg.ttl", "kg.trig", "kg.nq", "kg.jsonld", "context.jsonld", "void.ttl", "ontology.ttl")

# The file that tells kg a folder is its own output, which the next build may replace.
MARKER = ".kg-dist"
_MARKER_SIGN = "Written by kg build"
_MARKER_TEXT = f"{_MARKER_SIGN}; the next kg build replaces this whole folder.\n"



def write_file(path: Path, text: str) -> None:
    """Write one file whole or not at all: a temporary file beside it, then renamed over it."""
    if not path.parent.is_dir():
        raise InputError("the folder to write into does not exist", path=path.parent)
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        raise InputError(f"cannot write the file: {error.strerror or error}", path=path) from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def recover(out: Path) -> None:
    """Undo what kg processes killed while writing `out` left: put the old folder back, remove the rest."""
    out = out.resolve()
    try:
        leftovers = _leftovers(out)
        missing = not out.exists()
    except OSError:
        return  # nothing of ours can be beside a folder that cannot be looked at
    previous = [p for p in leftovers if p.name.startswith(f".{out.name}-old-") and _is_kg_dist(p)]
    if missing and previous:
        newest = max(previous, key=lambda p: p.stat().st_mtime)
        try:
            os.rename(newest, out)
        except OSError as error:
            raise InputError(f"cannot put back the previous build from {newest.name}: {error.strerror}",
                             path=out, field="--out") from None
        leftovers.remove(newest)
    for folder in leftovers:
        remove(folder)


def check_out(out: Path, keep: Iterable[Path]) -> None:
    """Raise unless kg may replace `out`: new, empty or its own, and above none of `keep`, here or home."""
    guarded = [(Path(folder).resolve(), "the seeds folder") for folder in keep]
    guarded.append((Path.cwd().resolve(), "the current folder"))
    try:
        guarded.append((Path.home().resolve(), "the home folder"))
    except (RuntimeError, KeyError):
        pass  # no home folder to guard
    for folder, name in guarded:
        if out == folder or out in folder.parents:
            raise InputError(f"{'is' if out == folder else 'holds'} {name} ({folder}), which would be lost, since "
                             "kg build replaces --out whole; choose a new or empty folder, such as dist",
                             path=out, field="--out")
    if not out.exists():
        return
    if not out.is_dir():
        raise InputError("is a file, not a folder; choose a new or empty folder", path=out, field="--out")
    if any(out.iterdir()) and not _is_kg_dist(out):
        raise InputError(f"is not a folder kg built (no {MARKER} marker), and kg build would replace it whole; "
                         "choose an empty or new folder", path=out, field="--out")


def _is_kg_dist(folder: Path) -> bool:
    """Whether kg wrote `folder`: its marker says so, or (built before the marker) void.ttl and nothing else does."""
    marker = folder / MARKER
    if marker.is_file():
        return marker.read_text(encoding="utf-8", errors="replace").startswith(_MARKER_SIGN)
    void = folder / "void.ttl"
    return (void.is_file() and '"kg build"' in void.read_text(encoding="utf-8", errors="replace")
            and _holds_only_outputs(folder))


# Where RocksDB makes a checkpoint (the previous store copied, to be updated) before renaming it to
# STORE: a build killed meanwhile leaves it in its staging folder.
_STORE_CHECKPOINT = f"{STORE}.tmp"


def _holds_only_outputs(folder: Path) -> bool:
    """Whether everything in `folder` has the name of one of kg's files (true of an empty folder)."""
    for entry in folder.iterdir():
        if entry.name in ("graphs", "texts") and entry.is_dir() and not entry.is_symlink():
            if not all(p.suffix == ".ttl" and p.is_file() for p in entry.iterdir()):
                return False
        elif entry.name in (STORE, _STORE_CHECKPOINT) and entry.is_dir() and not entry.is_symlink():
            if not all(p.is_file() and not p.is_symlink() for p in entry.iterdir()):
                return False
        elif entry.name == "site" and entry.is_dir() and not entry.is_symlink():
            if not (entry / ".kg-site").is_file():  # the site that kg build --site writes (kg.site.build.MARKER)
                return False
        elif entry.name not in (*OUTPUT_FILES, MARKER, GRAPHS, FILES) or not entry.is_file():
            return False
    return True


def _leftovers(out: Path) -> list[Path]:
    """The staging and old folders beside `out` whose writer no longer runs and that hold only kg's files."""
    named = re.compile(rf"\.{re.escape(out.name)}-(?:new|old)-(\d+)-\w+")
    found = []
    for entry in out.parent.iterdir():
        match = named.fullmatch(entry.name)
        if (match and entry.is_dir() and not entry.is_symlink() and not _runs(int(match[1]))
                and _holds_only_outputs(entry)):
            found.append(entry)
    return found


def _runs(pid: int) -> bool:
    if os.name == "nt":
        return True  # there os.kill(pid, 0) would stop the process, not ask after it; leave its folders be
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it runs, as someone else
    return True


def make_staging(out: Path) -> Path:
    """An empty folder of ours beside `out`, named for this process so that a later build knows when it was left."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-{os.getpid()}-", dir=out.parent))
    write_pieces(staging / MARKER, _MARKER_TEXT)
    return staging


def cannot_write(error: OSError, out: Path, staging: Path | None) -> InputError:
    """An OSError while writing, as one line naming the output file it was for and the reason."""
    path = Path(error.filename) if error.filename else out
    if staging is not None and staging in path.parents:
        path = out / path.relative_to(staging)
    elif path.parent == out.parent and path.name.startswith(f".{out.name}-"):
        path = out  # the staging or old folder, which are ours, not the user's
    return InputError(f"cannot write: {error.strerror or error}; the output folder is left as it was",
                      path=path, field="--out")


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def swap_folder(staging: Path, out: Path) -> None:
    """Put `staging` where `out` is; after it, `staging` holds the previous folder, if any, to be removed.

    `staging` is named `.NAME-new-PID-XXXXXXXX` beside `out` (kg site writes its folder so too)."""
    staging.chmod(0o755)
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        return
    old = out.with_name(f".{out.name}-old-{staging.name.rsplit('-new-', 1)[1]}")
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old, out)
        raise
    os.rename(old, staging)  # so that only a complete old folder is ever named -old-


_AT_FDCWD = -100  # <fcntl.h> on Linux: paths relative to the current folder
_RENAME_EXCHANGE = 2  # <linux/fs.h>


@functools.cache
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None  # a C library older than glibc 2.28
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


def _exchange(staging: Path, out: Path) -> bool:
    """Trade the places of two folders in one step; False where the system or the file system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(staging), _AT_FDCWD, os.fsencode(out), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(code, os.strerror(code), str(staging))
