"""Files on disk: which folders `--out` may replace, crashes and failures while writing, Ctrl-C."""

from __future__ import annotations

import errno
import os
import pathlib
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEEDS, assemblers
from kg.build import build
from kg.errors import InputError
from kg.write import MARKER

RECORD = "000_ce469ea1af2cc5a4.yaml"
REFUSED = "which would be lost, since kg build replaces --out whole; choose a new or empty folder, such as dist"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder: a copy of the seeds, and nothing else."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path


@pytest.fixture
def built(project: Path, built_seed) -> Path:
    """A project folder with a dist/ that kg built (copied from the session's build)."""
    shutil.copytree(built_seed.out, project / "dist")
    return project


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(".dist-*"))


def error_line(result) -> str:
    """The one `Error: ...` line, which must be the last line on stderr."""
    lines = result.stderr.strip().splitlines()
    assert [line for line in lines if line.startswith("Error:")] == lines[-1:], result.stderr
    return lines[-1]


def dead_pid() -> int:
    """The process id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def kg_process(folder: Path, patch: str, *args: str) -> subprocess.Popen:
    """`kg ARGS` run in `folder` by a new Python, after `patch` (code that makes something happen on cue).

    Ctrl-C is at its default there, as for kg started at a terminal, even where these tests run with
    SIGINT ignored (a job that a script's shell put in the background): the new Python would
    inherit that, never raise KeyboardInterrupt, and these tests would wait for it in vain.
    """
    code = f"import os, signal, sys, time\nimport kg.write\n{patch}\nfrom kg.cli import main\nmain({list(args)!r})\n"
    return subprocess.Popen([sys.executable, "-c", code], cwd=folder, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_ctrl_c_at_its_default)


def _ctrl_c_at_its_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def break_record(project: Path) -> None:
    path = project / "seeds" / RECORD
    path.write_text(path.read_text(encoding="utf-8").replace("    name: Hun Sen\n", "    name: [Hun Sen\n", 1),
                    encoding="utf-8")


# Which folders --out may replace


def test_build_refuses_to_replace_the_folder_that_holds_the_seeds(project: Path, run_kg):
    result = run_kg("build", "--seeds", str(project / "seeds"), "--out", str(project))
    assert result.exit_code == 2, result.output
    assert error_line(result) == f"Error: {project}: --out: holds the seeds folder ({project / 'seeds'}), {REFUSED}"


def test_build_refusing_the_folder_of_the_seeds_leaves_every_file(project: Path, run_kg):
    (project / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = snapshot(project)
    run_kg("build", "--seeds", str(project / "seeds"), "--out", str(project))
    assert snapshot(project) == before


def test_build_refuses_to_replace_the_seeds_folder(project: Path, run_kg):
    seeds = project / "seeds"
    result = run_kg("build", "--seeds", str(seeds), "--out", str(seeds))
    assert result.exit_code == 2, result.output
    assert error_line(result) == f"Error: {seeds}: --out: is the seeds folder ({seeds}), {REFUSED}"


def test_build_refuses_to_replace_the_current_folder_even_one_kg_built(built: Path, monkeypatch, run_kg):
    monkeypatch.chdir(built / "dist")
    result = run_kg("build", "--seeds", str(built / "seeds"), "--out", ".")
    assert result.exit_code == 2, result.output
    assert error_line(result) == f"Error: {built / 'dist'}: --out: is the current folder ({built / 'dist'}), {REFUSED}"


def test_build_refuses_to_replace_a_folder_above_the_current_one(project: Path, monkeypatch, run_kg):
    here = project / "work" / "here"
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    result = run_kg("build", "--seeds", str(project / "seeds"), "--out", str(project / "work"))
    assert result.exit_code == 2, result.output
    assert error_line(result) == f"Error: {project / 'work'}: --out: holds the current folder ({here}), {REFUSED}"


def test_build_refuses_to_replace_the_home_folder_even_one_kg_built(built: Path, monkeypatch, run_kg):
    monkeypatch.setenv("HOME", str(built / "dist"))
    result = run_kg("build", "--seeds", str(built / "seeds"), "--out", str(built / "dist"))
    assert result.exit_code == 2, result.output
    assert error_line(result) == f"Error: {built / 'dist'}: --out: is the home folder ({built / 'dist'}), {REFUSED}"


def test_build_refuses_a_folder_kg_did_not_build(project: Path, run_kg):
    notes = project / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("mine\n", encoding="utf-8")
    result = run_kg("build", "--seeds", str(project / "seeds"), "--out", str(notes))
    assert result.exit_code == 2, result.output
    assert error_line(result) == (f"Error: {notes}: --out: is not a folder kg built (no .kg-dist marker), "
                                  "and kg build would replace it whole; choose an empty or new folder")
    assert (notes / "todo.txt").read_text(encoding="utf-8") == "mine\n"


def test_build_refuses_a_dist_from_before_the_marker_holding_another_file(built: Path, run_kg):
    dist = built / "dist"
    (dist / MARKER).unlink()
    (dist / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = run_kg("build", "--seeds", str(built / "seeds"), "--out", str(dist))
    assert result.exit_code == 2, result.output
    assert "is not a folder kg built (no .kg-dist marker)" in error_line(result)


def test_build_refuses_a_file_as_out(project: Path):
    (project / "dist").write_text("mine\n", encoding="utf-8")
    with pytest.raises(InputError, match="is a file, not a folder"):
        build(project / "seeds", project / "dist")


def test_build_writes_into_an_empty_folder(project: Path, run_kg):
    (project / "dist").mkdir()
    result = run_kg("build", "--seeds", str(project / "seeds"), "--out", str(project / "dist"))
    assert result.exit_code == 0, result.output
    assert (project / "dist" / "kg.ttl").is_file()


def test_build_replaces_a_folder_it_built_whole(built: Path, run_kg):
    (built / "dist" / "graphs" / "removed-article.ttl").write_text("# gone from the seeds\n", encoding="utf-8")
    result = run_kg("build", "--seeds", str(built / "seeds"), "--out", str(built / "dist"))
    assert result.exit_code == 0, result.output
    assert not (built / "dist" / "graphs" / "removed-article.ttl").exists()


def test_build_replaces_a_dist_built_before_the_marker(built: Path, run_kg):
    (built / "dist" / MARKER).unlink()
    result = run_kg("build", "--seeds", str(built / "seeds"), "--out", str(built / "dist"))
    assert result.exit_code == 0, result.output
    assert (built / "dist" / MARKER).read_text(encoding="utf-8").startswith("Written by kg build")


def test_the_marker_is_not_in_the_summary_of_files(built_seed):
    assert MARKER not in {p.name for p in built_seed.files}


# Crashes: dist/ is always the old or the new build, and what a crash leaves is cleaned up

KILL_WHILE_WRITING = """
write = kg.write.files.write_pieces
def _write(path, text):
    if path.name == "kg.nq":
        os.kill(os.getpid(), signal.SIGKILL)
    write(path, text)
kg.write.files.write_pieces = _write
"""

# Without renameat2 the swap is two renames; the process dies between them.
KILL_BETWEEN_RENAMES = """
kg.write.folder._exchange = lambda staging, out: False
rename = os.rename
def _rename(source, target):
    if os.path.basename(source).startswith(".dist-new-") and os.path.basename(target) == "dist":
        os.kill(os.getpid(), signal.SIGKILL)
    rename(source, target)
os.rename = _rename
"""


def test_kill_9_while_writing_leaves_dist_as_it_was(built: Path):
    before = snapshot(built / "dist")
    process = kg_process(built, KILL_WHILE_WRITING, "build")
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL
    assert snapshot(built / "dist") == before


def test_the_next_build_removes_the_staging_folder_of_a_killed_build(built: Path, run_kg):
    process = kg_process(built, KILL_WHILE_WRITING, "build")
    process.communicate(timeout=120)
    assert [name.startswith(f".dist-new-{process.pid}-") for name in leftovers(built)] == [True]
    result = run_kg("build", "--seeds", str(built / "seeds"), "--out", str(built / "dist"))
    assert result.exit_code == 0, result.output
    assert leftovers(built) == []


def test_the_next_build_removes_a_staging_folder_killed_while_copying_the_store(built: Path, run_kg):
    # The previous store is copied by a RocksDB checkpoint into store.tmp/, then renamed store/.
    staging = built / ".dist-new-999999999-killed"
    shutil.copytree(built / "dist", staging, ignore=shutil.ignore_patterns("store"))
    (staging / "store.tmp").mkdir()
    shutil.copy(next(p for p in (built / "dist" / "store").iterdir() if p.is_file()), staging / "store.tmp")
    result = run_kg("build", "--seeds", str(built / "seeds"), "--out", str(built / "dist"))
    assert result.exit_code == 0, result.output
    assert leftovers(built) == []


def test_a_build_killed_between_the_two_renames_leaves_the_old_dist_beside(built: Path):
    process = kg_process(built, KILL_BETWEEN_RENAMES, "build")
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL
    assert not (built / "dist").exists()
    assert [name[:10] for name in leftovers(built)] == [".dist-new-", ".dist-old-"]


def test_the_next_build_puts_back_the_old_dist_even_when_it_fails(built: Path, run_kg):
    before = snapshot(built / "dist")
    kg_process(built, KILL_BETWEEN_RENAMES, "build").communicate(timeout=120)
    break_record(built)
    result = run_kg("build", "--seeds", str(built / "seeds"), "--out", str(built / "dist"))
    assert result.exit_code == 2, result.output
    assert snapshot(built / "dist") == before
    assert leftovers(built) == []


def test_a_failed_second_rename_puts_the_old_dist_back(built: Path, monkeypatch, run_kg):
    before = snapshot(built / "dist")
    monkeypatch.setattr("kg.write.folder._exchange", lambda staging, out: False)
    rename = os.rename

    def failing_rename(source, target):
        if Path(source).name.startswith(".dist-new-") and Path(target).name == "dist":
            raise OSError(errno.EIO, os.strerror(errno.EIO), source, target)
        rename(source, target)

    monkeypatch.setattr(os, "rename", failing_rename)
    result = run_kg("build", "--seeds", str(built / "seeds"), "--out", str(built / "dist"))
    assert result.exit_code == 2, result.output
    assert snapshot(built / "dist") == before
    assert leftovers(built) == []


def test_two_renames_replace_dist_where_folders_cannot_trade_places(built: Path, monkeypatch, run_kg):
    (built / "dist" / "kg.ttl").write_text("# an earlier build\n", encoding="utf-8")
    monkeypatch.setattr("kg.write.folder._exchange", lambda staging, out: False)
    result = run_kg("build", "--seeds", str(built / "seeds"), "--out", str(built / "dist"))
    assert result.exit_code == 0, result.output
    assert (built / "dist" / "kg.ttl").read_text(encoding="utf-8") != "# an earlier build\n"
    assert leftovers(built) == []


def test_a_staging_folder_of_a_running_build_is_left_alone(built: Path, run_kg):
    running = built / f".dist-new-{os.getpid()}-abcd1234"
    running.mkdir()
    (running / MARKER).write_text("Written by kg build\n", encoding="utf-8")
    run_kg("build", "--seeds", str(built / "seeds"), "--out", str(built / "dist"))
    assert running.is_dir()


def test_a_leftover_named_like_staging_but_holding_other_files_is_left_alone(built: Path, run_kg):
    other = built / f".dist-new-{dead_pid()}-abcd1234"
    other.mkdir()
    (other / "todo.txt").write_text("mine\n", encoding="utf-8")
    run_kg("build", "--seeds", str(built / "seeds"), "--out", str(built / "dist"))
    assert (other / "todo.txt").is_file()


# Failures while writing: one line, exit 2, dist/ untouched


@pytest.fixture
def full_disk(monkeypatch):
    """Writing kg.nq fails as on a full disk (kg streams each file it writes through Path.open)."""
    open_file = pathlib.Path.open

    def full(path, mode="r", *args, **kwargs):
        if path.name == "kg.nq" and "w" in mode:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return open_file(path, mode, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", full)


@pytest.fixture(params=["at the end", "apart, as the articles come"])
def whole_files(request, monkeypatch) -> str:
    """How kg.nq and the other whole files are written: by this process at the end, as for a few
    articles, or by a process of their own as the articles come, as for many (kg.write.assembler)."""
    if request.param != "at the end":
        monkeypatch.setattr("kg.build._ASSEMBLED_APART_FROM", 1)
    return request.param


def test_a_full_disk_is_one_line_naming_the_file(built: Path, full_disk, whole_files, run_kg):
    result = run_kg("build", "--seeds", str(built / "seeds"), "--out", str(built / "dist"))
    assert result.exit_code == 2, result.output
    assert error_line(result) == (f"Error: {built / 'dist' / 'kg.nq'}: --out: cannot write: No space left on device; "
                                  "the output folder is left as it was")


def test_a_full_disk_leaves_dist_and_no_staging_folder(built: Path, full_disk, whole_files, run_kg):
    before = snapshot(built / "dist")
    run_kg("build", "--seeds", str(built / "seeds"), "--out", str(built / "dist"))
    assert snapshot(built / "dist") == before
    assert leftovers(built) == []
    assert assemblers() == []  # the process that wrote the whole files is gone too


def test_a_read_only_parent_folder_is_one_line_naming_the_out_folder(project: Path, monkeypatch, run_kg):
    mkdir = os.mkdir

    def read_only(path, *args, **kwargs):
        if Path(path).parent == project:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", read_only)
    result = run_kg("build", "--seeds", str(project / "seeds"), "--out", str(project / "dist"))
    assert result.exit_code == 2, result.output
    assert error_line(result) == (f"Error: {project / 'dist'}: --out: cannot write: Read-only file system; "
                                  "the output folder is left as it was")


def test_an_out_name_too_long_is_one_line(project: Path, run_kg):
    out = project / ("d" * 300)
    result = run_kg("build", "--seeds", str(project / "seeds"), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert error_line(result) == f"Error: {out}: --out: cannot write: File name too long; the output folder is left as it was"


# kg.build told to write the whole files by a process of their own, as for many articles.
APART = "import kg.build\nkg.build._ASSEMBLED_APART_FROM = 1\n"


@pytest.mark.parametrize("patch", ["", APART], ids=["at the end", "apart"])
def test_a_file_size_limit_is_one_line_and_leaves_dist_alone(built: Path, patch: str):
    before = snapshot(built / "dist")

    def limit_file_size() -> None:
        # kg.nq (560 kB) is larger; every other file of the seed's dist/ is smaller, whether a graph's
        # file is written again or linked from the previous build (as a kg installed elsewhere cannot)
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    code = f"{patch}from kg.cli import main\nmain(['build'])\n"
    done = subprocess.run([sys.executable, "-c", code], cwd=built, env=env, capture_output=True, text=True,
                          preexec_fn=limit_file_size, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (f"Error: {built / 'dist' / 'kg.nq'}: --out: cannot write: "
                                                    "File too large; the output folder is left as it was")
    assert snapshot(built / "dist") == before
    assert leftovers(built) == []


# Ctrl-C: exit 130, one line, nothing left behind

SLEEP_WHILE_WRITING = """
write = kg.write.files.write_pieces
def _write(path, text):
    if path.name == "kg.nq":
        print("writing", flush=True)
        time.sleep(120)
    write(path, text)
kg.write.files.write_pieces = _write
"""


def test_ctrl_c_during_the_write_exits_130_with_one_line(built: Path):
    process = kg_process(built, SLEEP_WHILE_WRITING, "build")
    assert process.stdout.readline() == "writing\n"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "Interrupted."


def test_ctrl_c_during_the_write_leaves_dist_and_no_staging_folder(built: Path):
    before = snapshot(built / "dist")
    process = kg_process(built, SLEEP_WHILE_WRITING, "build")
    assert process.stdout.readline() == "writing\n"
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=60)
    assert snapshot(built / "dist") == before
    assert leftovers(built) == []


SLEEP_WHILE_ASSEMBLING = APART + """
import kg.write.assembler
write = kg.write.assembler._Writer.write
def _write(self, pieces):
    if self.path.name == "kg.nq":
        print("writing", os.getpid(), flush=True)
        time.sleep(120)
    write(self, pieces)
kg.write.assembler._Writer.write = _write
"""


def test_ctrl_c_while_a_process_of_its_own_writes_the_whole_files_ends_it_too(built: Path):
    before = snapshot(built / "dist")
    process = kg_process(built, SLEEP_WHILE_ASSEMBLING, "build")
    said, pid = process.stdout.readline().split()
    assert said == "writing" and int(pid) != process.pid
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "Interrupted."
    assert snapshot(built / "dist") == before
    assert leftovers(built) == []
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


# A Ctrl-C that Python catches while the main thread is not in an interruptible wait: it lands just
# before the wait for the files' process begins, or in a thread that does not block it. Here a thread
# of the test's own takes it, once the build waits for the process (which writes for two minutes).
CTRL_C_BESIDE_THE_WAIT = SLEEP_WHILE_ASSEMBLING + """
import threading
finish = kg.write.assembler.Assembler.finish
def _finish(self):
    def ctrl_c():
        time.sleep(1)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)
    threading.Thread(target=ctrl_c, daemon=True).start()
    return finish(self)
kg.write.assembler.Assembler.finish = _finish
"""


def test_ctrl_c_caught_beside_the_wait_for_the_files_process_is_acted_on(built: Path):
    """The build waits for the process writing the whole files a slice at a time, so a Ctrl-C that did
    not interrupt the wait itself still ends the build, not two minutes later."""
    before = snapshot(built / "dist")
    process = kg_process(built, CTRL_C_BESIDE_THE_WAIT, "build")
    said, pid = process.stdout.readline().split()
    assert said == "writing" and int(pid) != process.pid
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "Interrupted."
    assert snapshot(built / "dist") == before
    assert leftovers(built) == []


# Python acts on a signal in the main thread alone. Were it delivered to a thread of kg's that does
# not block it, while the main thread waits for the files, Ctrl-C would do nothing until the write
# ended. The thread writing kg.nq says whether it blocks SIGINT, then sends it once the main thread
# waits.
SIGNAL_FROM_THE_WRITING_THREAD = """
import threading
waiting = threading.Event()
wait = kg.write.files.Files.wait
def _wait(self):
    waiting.set()
    return wait(self)
kg.write.files.Files.wait = _wait
write = kg.write.files.write_pieces
def _write(path, text):
    if path.name == "kg.nq":
        print("blocks SIGINT:", signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []), flush=True)
        waiting.wait(60)
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(120)
    return write(path, text)
kg.write.files.write_pieces = _write
"""


def test_the_threads_that_write_leave_ctrl_c_to_the_main_thread(built: Path):
    before = snapshot(built / "dist")
    process = kg_process(built, SIGNAL_FROM_THE_WRITING_THREAD, "build")
    stdout, stderr = process.communicate(timeout=60)
    assert stdout.splitlines()[0] == "blocks SIGINT: True"
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "Interrupted."
    assert snapshot(built / "dist") == before
    assert leftovers(built) == []


def test_an_interrupt_is_exit_code_130_not_1(project: Path, monkeypatch, run_kg):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("kg.build.describe", interrupted)
    result = run_kg("build", "--seeds", str(project / "seeds"), "--out", str(project / "dist"))
    assert result.exit_code == 130, result.output
    assert result.stderr.strip().splitlines()[-1] == "Interrupted."
