"""File I/O in one place: atomic writes, several files replaced together, safe text reading.

No write replaces a review decision file or a reviewer register unless it says it writes
decisions (``decisions=True``: the review store and the merge driver only): an output
pointed at a decision file by mistake is one error line, and the decisions stay.

:func:`replace_together` writes every new file beside its target, then records the renames
in a journal (``.kcgraph-journal.json``, itself written atomically) before doing them. A
process killed at any point leaves either the old files (no journal yet) or a journal that
:func:`recover` rolls forward on the next start, so the files always change together.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError, KcgraphError

__all__ = [
    "DECISION_TITLE",
    "JOURNAL",
    "check_output_folder",
    "is_decision_file",
    "read_edited_text",
    "read_text",
    "recover",
    "replace_folder",
    "replace_together",
    "stamp",
    "text_line",
    "write_atomic",
]

#: Name of the journal of a multi-file replacement, in the folder of the files it names.
JOURNAL = ".kcgraph-journal.json"
#: The title every decision file's header starts with (``mapping_set_title``).
DECISION_TITLE = "kcgraph reviewed mappings"


def is_decision_file(path: Path) -> bool:
    """Whether ``path`` is an existing review decision file or reviewer register."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return DECISION_TITLE in head or head.startswith(("reviewer_id\t", "\ufeffreviewer_id\t"))


def _not_decisions(path: Path) -> None:
    if path.is_file() and is_decision_file(path):
        raise InputError(
            "is a review decision file: choose another output (decisions are written by "
            "the review commands only)",
            path=path,
        )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_temp(path: Path, data: bytes) -> Path:
    """``data`` in a new temporary file beside ``path`` (fsynced); errors name ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise KcgraphError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise KcgraphError(f"{path}: cannot write ({exc.strerror or exc})") from None
        raise
    return Path(tmp)


def _encode(content: str | bytes) -> bytes:
    return content if isinstance(content, bytes) else content.encode("utf-8")


def write_atomic(path: str | Path, content: str | bytes, *, decisions: bool = False) -> None:
    """Write ``content`` to a temporary file beside ``path``, then rename it into place;
    never over a decision file unless ``decisions``."""
    path = Path(path)
    if not decisions:
        _not_decisions(path)
    tmp = _write_temp(path, _encode(content))
    try:
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise KcgraphError(f"{path}: cannot replace ({exc.strerror or exc})") from None
    _fsync_dir(path.parent)


def replace_together(
    directory: str | Path, contents: Mapping[str, str | bytes], *, decisions: bool = False
) -> list[Path]:
    """Replace the files ``directory/name`` with ``contents`` all at once, or not at all
    (never a decision file unless ``decisions``).

    Every new file is written first; a failure there (a full disk) removes them all and
    leaves the old files. Then the journal commits the change and the renames follow.
    """
    directory = Path(directory)
    if not decisions:
        for name in contents:
            _not_decisions(directory / name)
    recover(directory)
    written: dict[str, Path] = {}
    try:
        for name, content in contents.items():
            written[name] = _write_temp(directory / name, _encode(content))
        journal = json.dumps({name: tmp.name for name, tmp in written.items()}, sort_keys=True)
        write_atomic(directory / JOURNAL, journal)
    except BaseException:
        for tmp in written.values():
            tmp.unlink(missing_ok=True)
        raise
    recover(directory)
    return [directory / name for name in contents]


def recover(directory: str | Path) -> None:
    """Finish a replacement a killed process committed; drop temporaries it had not."""
    directory = Path(directory)
    journal = directory / JOURNAL
    try:
        pending = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pending = None
    except (OSError, ValueError) as exc:
        raise KcgraphError(f"{journal}: unreadable journal ({exc})") from None
    if pending:
        for name, tmp in sorted(pending.items()):
            source = directory / tmp
            if source.exists():
                try:
                    os.replace(source, directory / name)
                except OSError as exc:
                    raise KcgraphError(
                        f"{directory / name}: cannot replace ({exc.strerror or exc})"
                    ) from None
        _fsync_dir(directory)
        journal.unlink(missing_ok=True)
    if directory.is_dir():
        for stray in directory.glob(".*.tmp"):
            stray.unlink(missing_ok=True)


def text_line(raw: bytes, offset: int) -> int:
    """The 1-based line of byte ``offset`` in ``raw``."""
    return raw[:offset].count(b"\n") + 1


def read_text(path: str | Path, *, what: str = "file") -> str:
    """A UTF-8 text file's content; missing, unreadable, binary or non-UTF-8 files are
    :class:`InputError` naming the file (and the line of the bad byte)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} not found", path=path) from None
    except IsADirectoryError:
        raise InputError(f"{what} is a folder, not a file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read {what} ({exc.strerror or exc})", path=path) from None
    if b"\x00" in raw:
        raise InputError(
            "binary data (NUL byte), not text", path=path, line=text_line(raw, raw.index(b"\x00"))
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text", path=path, line=text_line(raw, exc.start)) from None


#: A line git writes where a merge left both sides of a conflict.
_CONFLICT_MARKER = re.compile(r"^(<{7}|\|{7}|={7}|>{7})(?: |$)", re.M)


def read_edited_text(path: str | Path, *, what: str) -> str:
    """:func:`read_text` for files people edit and merge (decision files, the reviewer
    register): a byte-order mark (as spreadsheets save UTF-8) and git's conflict markers are
    one-line errors that say what they are, naming the file and line.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "positive.sssom.tsv"
    >>> _ = path.write_text("subject_id\\n<<<<<<< HEAD\\na\\n=======\\nb\\n>>>>>>> other\\n")
    >>> try:
    ...     read_edited_text(path, what="SSSOM file")
    ... except InputError as exc:
    ...     print(exc.line, exc.message[:30])
    2 git conflict marker '<<<<<<<':
    """
    text = read_text(path, what=what)
    if text.startswith("\ufeff"):
        raise InputError(
            "starts with a UTF-8 byte-order mark (BOM), as spreadsheets often save; "
            "save it as UTF-8 without BOM (or delete the file's first 3 bytes)",
            path=path,
            line=1,
        )
    if marker := _CONFLICT_MARKER.search(text):
        raise InputError(
            f"git conflict marker {marker.group(1)!r}: a merge left two branches' versions "
            "here; keep the rows of both sides and delete the marker lines (or merge with "
            "kcgraph's merge driver, see the README); `kcgraph review status` then lists "
            "the pairs decided differently",
            path=path,
            line=text.count("\n", 0, marker.start()) + 1,
        )
    return text


def stamp(path: Path) -> tuple[int, int] | None:
    """What tells that a file changed: its size and modification time (None: no file)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_size, status.st_mtime_ns


def check_output_folder(target: Path, marker: str) -> None:
    """Refuse (one line) a ``target`` that :func:`replace_folder` would not replace: the
    folder one is in or one above it, a file, a folder with files of someone else."""
    resolved = target.resolve()
    here = Path.cwd().resolve()
    if resolved == here or resolved in here.parents:
        raise InputError(
            "is the folder you are in (or holds it): write the output to a folder of its own",
            path=target,
        )
    if target.exists() and not target.is_dir():
        raise InputError("exists and is not a folder", path=target)
    if target.is_dir() and not (target / marker).is_file():
        found = sorted(p.name for p in target.iterdir())
        if found:
            shown = ", ".join(found[:3]) + (", …" if len(found) > 3 else "")
            raise InputError(
                f"holds files kcgraph did not write ({shown}): choose a new or empty folder",
                path=target,
            )


@contextmanager
def replace_folder(target: Path, marker: str) -> Iterator[Path]:
    """A new folder beside ``target`` that replaces it whole when the block completes (a
    failure leaves the old one). ``target`` must be new, empty, or a folder this same
    command made before (it holds the file ``marker``, which the new folder gets too): a
    folder with anything else in it is refused, and so is the folder one works in or one
    above it, before anything is written."""
    check_output_folder(target, marker)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        (building / marker).write_text("written by kcgraph; replaced whole on the next run\n")
        yield building
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{building.name[-8:]}")
        target.rename(old)
    building.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
