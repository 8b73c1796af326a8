"""Git and paths for the gate: which files changed since a revision, and which were named."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import Errors, InputError, one_line

__all__ = ["changed_since", "repo_root", "split_paths", "unstaged_note"]

log = logging.getLogger("factcheck.gate")


def _git(args: Sequence[str], *, cwd: Path) -> str:
    """git's stdout, decoded as file names are (`os.fsdecode`), line ends kept as they are.

    Not `text=True`: its universal newlines turn a CR inside a file name (`-z` output) into a
    LF, so the name no longer matches the file and a changed document would count as unchanged.
    """
    try:
        out = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            check=False,
            timeout=120,
        )
    except FileNotFoundError:
        raise InputError.make(Errors.E060, path=cwd, detail="git is not installed") from None
    except subprocess.TimeoutExpired:
        raise InputError.make(
            Errors.E060, path=cwd, detail=f"git {' '.join(args)} timed out"
        ) from None
    if out.returncode != 0:
        stderr = out.stderr.decode("utf-8", errors="replace")
        detail = (stderr.strip().splitlines() or [f"exit status {out.returncode}"])[-1]
        raise InputError.make(Errors.E060, path=cwd, detail=f"git {' '.join(args)}: {detail}")
    return os.fsdecode(out.stdout)


def repo_root(cwd: str | Path | None = None) -> Path | None:
    """Top folder of the git work tree holding `cwd`, or None outside a repository."""
    here = Path(cwd or Path.cwd())
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], cwd=here).strip()).resolve()
    except InputError:
        return None


def changed_since(rev: str, *, cwd: str | Path | None = None) -> tuple[Path, set[Path]]:
    """The repository root and the files added, modified or deleted since `rev`, plus untracked ones.

    A renamed file is listed under both names (deleted and added), so a metadata sidecar that
    was moved away from its document still marks that document as changed. The comparison
    starts from the merge base of `rev` and HEAD, so on a pull request branch
    `--since origin/main` lists what the branch changed, not what main gained meanwhile. Paths
    are absolute. A bad revision raises InputError E061 naming it; a folder outside git E060.
    """
    here = Path(cwd or Path.cwd())
    root = repo_root(here)
    if root is None:
        raise InputError.make(
            Errors.E060, path=here, detail=f"--since {rev!r} needs a git repository; none here"
        )
    verify = ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"]
    try:
        base = _git(verify, cwd=root).strip()
    except InputError:
        # One line naming the revision, not git's own output.
        raise InputError.make(Errors.E061, path=root, rev=rev) from None
    # No merge base (a shallow clone, unrelated histories, no HEAD yet): compare with the
    # revision itself, and say so, since what it gained meanwhile then counts as changed.
    try:
        base = _git(["merge-base", base, "HEAD"], cwd=root).strip() or base
    except InputError:
        log.warning(
            one_line(
                f"--since {rev!r} has no merge base with HEAD (a shallow clone? check out "
                f"with fetch-depth: 0): comparing with {rev!r} itself, so what it changed "
                "since the branch began counts as changed too"
            )
        )
    diff = _git(
        ["diff", "--name-only", "-z", "--no-renames", "--diff-filter=AMD", base, "--"], cwd=root
    )
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], cwd=root)
    names = [n for n in (diff + untracked).split("\0") if n]
    return root, {(root / n).resolve() for n in names}


def _pre_commit_patches() -> list[Path]:
    """The patch files in which the running pre-commit (our parent) set unstaged changes aside.

    `pre-commit run` keeps them in its home folder, `pre-commit try-repo` in a temporary
    folder; either way the name ends with pre-commit's process id.
    """
    home = os.environ.get("PRE_COMMIT_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "pre-commit"
    )
    name = f"patch*-{os.getppid()}"
    found: list[Path] = []
    for folder, pattern in ((Path(home), name), (Path(tempfile.gettempdir()), f"tmp*/{name}")):
        with contextlib.suppress(OSError):
            found += folder.glob(pattern)
    return sorted(found)


def unstaged_note(path: Path, *, cwd: Path | None = None) -> str | None:
    """Why the reviews file a commit hook reads may not be the one you saved, or None.

    A pre-commit hook sees the staged version of tracked files: pre-commit sets unstaged
    changes aside while hooks run, so verdicts recorded but not staged are missing and the gate
    fails on findings you reviewed. An untracked reviews file is read, but is not part of the
    commit. Best effort: None outside git or when nothing is wrong.
    """
    root = repo_root(cwd)
    full = (cwd or Path.cwd()) / path
    if root is None or not full.resolve().is_relative_to(root):
        return None
    rel = full.resolve().relative_to(root).as_posix()
    try:
        tracked = bool(_git(["ls-files", "--", rel], cwd=root).strip())
        unstaged = bool(_git(["diff", "--name-only", "--", rel], cwd=root).strip())
    except InputError:
        return None
    if not tracked:
        if full.exists():
            return (
                f"{path} is not staged: its verdicts are not part of this commit (git add {path})"
            )
        return None
    set_aside = False
    for patch in _pre_commit_patches():
        try:
            set_aside = set_aside or f"a/{rel}" in patch.read_text(
                encoding="utf-8", errors="replace"
            )
        except OSError:
            continue
    if unstaged or set_aside:
        return (
            f"{path} has unstaged changes: pre-commit sets them aside while hooks run, so the gate "
            f"read the staged version; stage it (git add {path}) to use the verdicts you recorded"
        )
    return None


# --------------------------------------------------------------------------- paths


def split_paths(paths: Sequence[str | Path]) -> tuple[list[Path], set[Path]]:
    """Corpus paths to run the pipeline over, and the paths named explicitly inside a folder argument.

    `factcheck gate seeds/ seeds/new.txt` checks the whole of seeds/ and treats new.txt as
    changed: this is how the pre-commit hook passes the staged files. A folder inside another
    folder argument (`factcheck gate seeds/ seeds/sub/`) is named the same way: every document
    under it counts as changed. A file given twice (on its own and through its folder) is read
    once; a folder named inside another stays a corpus path too, and is read once as well.
    """
    given = [Path(p) for p in paths]
    folders = [p.resolve() for p in given if p.is_dir()]
    corpus: list[Path] = []
    named: set[Path] = set()
    for p in given:
        full = p.resolve()
        inside = any(full != f and full.is_relative_to(f) for f in folders)
        if p.is_dir():
            if p not in corpus:
                corpus.append(p)
            if inside:
                named.add(full)
        elif not inside:
            if p not in corpus:
                corpus.append(p)
            if folders:
                named.add(full)
        else:
            named.add(full)
    return corpus, named
