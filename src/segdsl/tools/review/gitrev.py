"""A project as it is at a git revision, read through git itself, or in the working tree.

Git is run with :mod:`subprocess` and argument lists (never a shell): ``rev-parse`` to
find the repository and the commit, ``ls-tree`` to list the files of the revision and
``cat-file --batch`` to read them. Nothing is written to the repository.

The rules and the catalog come from the revision; the data paths of the catalog are
always relative to the project folder of the working tree, so that two versions are
evaluated on the same data.
"""

from __future__ import annotations

import dataclasses
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import CATALOG_FILE, Project, load_project, project_from_texts

__all__ = [
    "GitRepo",
    "Version",
    "in_version",
    "open_repo",
    "read_revision",
    "read_working_tree",
]

WORKING_TREE = "working tree"


@dataclass(frozen=True)
class Version:
    """One side of a diff: the resolved project and where its files came from."""

    label: str  # "HEAD (1a2b3c4)" or "working tree"
    rev: str | None  # the revision as given; None for the working tree
    commit: str | None  # the full commit id; None for the working tree
    project: Project
    files: dict[str, str]  # the path shown in messages → the path inside the project (posix)

    def relative(self, source_path: str) -> str:
        """The project-relative path of a file, from the path its messages show."""
        return self.files.get(source_path, source_path)


@dataclass(frozen=True)
class GitRepo:
    top: Path  # the repository's top folder
    prefix: str  # the project folder inside the repository, posix, "" or ending in "/"
    folder: Path  # the project folder in the working tree (where the data is)


def _git(
    args: list[str], cwd: Path, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "--literal-pathspecs", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise SegdslError(
            Diagnostic(
                "U043",
                "git is not installed (or not on PATH)",
                hint="`segdsl diff` reads revisions through git; install git",
            )
        ) from None


def _stderr(proc: subprocess.CompletedProcess[bytes]) -> str:
    text = proc.stderr.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else f"git exited with status {proc.returncode}"


def project_folder(project: Path) -> Path:
    """The project folder named by ``-p`` (a file inside it also works)."""
    if not project.exists():
        raise SegdslError(
            Diagnostic(
                "U010",
                f"no such folder: {project}",
                path=str(project),
                hint="pass the project folder with -p, e.g. -p examples/retail",
            )
        )
    return project.parent if project.is_file() else project


def open_repo(project: Path) -> GitRepo:
    """The git repository that holds the project folder."""
    folder = project_folder(project)
    proc = _git(["rev-parse", "--show-toplevel", "--show-prefix"], folder)
    if proc.returncode != 0:
        message = _stderr(proc)
        raise SegdslError(
            Diagnostic(
                "U040",
                f"{folder} is not inside a git repository"
                if "not a git repository" in message
                else f"git cannot read the repository at {folder}: {message}",
                path=str(folder),
                hint="`segdsl diff` compares revisions of a project kept in git; "
                "run it inside a clone (git init, git clone)",
            )
        )
    lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
    top = Path(lines[0])
    prefix = lines[1] if len(lines) > 1 else ""
    return GitRepo(top, prefix, folder)


def resolve_commit(repo: GitRepo, rev: str) -> str:
    """The full id of the commit that ``rev`` names."""
    proc = _git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], repo.top
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        empty = _git(["rev-parse", "--verify", "--quiet", "HEAD"], repo.top).returncode != 0
        raise SegdslError(
            Diagnostic(
                "U041",
                f"unknown revision `{rev}` in {repo.top}",
                hint="the repository has no commit yet; commit the project first"
                if empty
                else "give a branch, tag or commit, e.g. HEAD~1 or origin/main; in CI, fetch "
                "the history first (actions/checkout with fetch-depth: 0)",
            )
        )
    return proc.stdout.decode("ascii").strip()


def _ls_tree(repo: GitRepo, commit: str) -> list[tuple[str, str, str, str]]:
    """(mode, type, object id, repository path) of every file of the project folder."""
    args = ["ls-tree", "-r", "-z", "--full-tree", commit]
    if repo.prefix:
        args += ["--", repo.prefix.rstrip("/")]
    proc = _git(args, repo.top)
    if proc.returncode != 0:  # pragma: no cover - the commit was just resolved
        raise SegdslError(Diagnostic("U041", f"git cannot list {commit}: {_stderr(proc)}"))
    out = []
    for entry in proc.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, kind, oid = meta.decode("ascii").split(" ")
        out.append((mode, kind, oid, path.decode("utf-8", "surrogateescape")))
    return out


def _read_blobs(repo: GitRepo, oids: list[str]) -> dict[str, bytes]:
    """The contents of blobs, in one ``git cat-file --batch``."""
    if not oids:
        return {}
    proc = _git(["cat-file", "--batch"], repo.top, stdin="".join(f"{o}\n" for o in oids).encode())
    if proc.returncode != 0:  # pragma: no cover - the objects were just listed
        raise SegdslError(Diagnostic("U041", f"git cannot read objects: {_stderr(proc)}"))
    data = proc.stdout
    out: dict[str, bytes] = {}
    pos = 0
    for oid in oids:
        header_end = data.index(b"\n", pos)
        _, _, size = data[pos:header_end].decode("ascii").split(" ")
        start = header_end + 1
        out[oid] = data[start : start + int(size)]
        pos = start + int(size) + 1  # the content is followed by a newline
    return out


def _decode(raw: bytes, display: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SegdslError(
            Diagnostic(
                "U011",
                f"{display} is not UTF-8 text (bad byte at line {line})",
                path=display,
                hint="save the file as UTF-8",
            )
        ) from None


def in_version(error: SegdslError, where: str) -> SegdslError:
    """The same diagnostics, each with a note naming the version they come from."""
    return SegdslError(
        [dataclasses.replace(d, notes=(*d.notes, f"in {where}")) for d in error.diagnostics]
    )


def read_revision(repo: GitRepo, rev: str) -> Version:
    """The project as it is at ``rev``: its catalog and ``.seg`` files read from git, its
    data paths relative to the working tree's project folder."""
    commit = resolve_commit(repo, rev)
    # A commit id names itself; any other revision is shown with the commit it names.
    label = (
        commit[:7] if len(rev) >= 7 and commit.startswith(rev.lower()) else f"{rev} ({commit[:7]})"
    )
    where = f"revision {label}"
    catalog_path = repo.prefix + CATALOG_FILE
    catalog_oid: str | None = None
    seg_files: dict[str, str] = {}  # repository path → object id
    for mode, kind, oid, path in _ls_tree(repo, commit):
        if kind != "blob" or mode == "120000":  # symbolic links and submodules are skipped
            continue
        inner = path[len(repo.prefix) :]
        if path == catalog_path:
            catalog_oid = oid
        elif inner.endswith(".seg") and not any(
            part.startswith(".") for part in PurePosixPath(inner).parts
        ):
            seg_files[path] = oid
    if catalog_oid is None:
        shown = repo.prefix.rstrip("/") or "the repository's top folder"
        raise SegdslError(
            Diagnostic(
                "U042",
                f"there is no project at {shown} in revision {label}: no {CATALOG_FILE}",
                path=f"{rev}:{catalog_path}",
                hint="pick a revision where the project exists (`git log -- "
                f"{catalog_path}` lists them), or give -p the right folder",
            )
        )
    blobs = _read_blobs(repo, [catalog_oid, *seg_files.values()])
    catalog_display = f"{rev}:{catalog_path}"
    files: dict[str, str] = {}
    texts: dict[str, str] = {}
    try:
        catalog_text = _decode(blobs[catalog_oid], catalog_display)
        for path, oid in seg_files.items():
            display = f"{rev}:{path}"
            texts[display] = _decode(blobs[oid], display)
            files[display] = path[len(repo.prefix) :]
        project = project_from_texts(repo.folder, catalog_text, texts, catalog_display)
    except SegdslError as exc:
        raise in_version(exc, where) from None
    return Version(label, rev, commit, project, files)


def read_working_tree(folder: Path) -> Version:
    """The project as it is on disk (what ``segdsl check`` sees)."""
    try:
        project = load_project(folder)
    except SegdslError as exc:
        raise in_version(exc, "the working tree") from None
    files = {}
    for module in project.modules:
        path = Path(module.source_path)
        try:
            files[module.source_path] = path.relative_to(project.root).as_posix()
        except ValueError:  # pragma: no cover - load_project names files below the root
            files[module.source_path] = path.as_posix()
    return Version(WORKING_TREE, None, None, project, files)
