"""Hostile runbook files: each gets one positioned line and exit 78, never a traceback, a hang or a blow-up.

Limits (generator/format/load.py, README "Files and limits"): 256 KiB per file,
64 levels of nesting; no tags, anchors or aliases.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pwd
import resource
import subprocess
import sys
import traceback
from pathlib import Path

from generator.cli import runbooks_main
from generator.format.catalog import load_catalog
from generator.format.load import MAX_DEPTH, MAX_FILE_BYTES, MAX_PROBLEMS

from .conftest import require_root

RUNBOOKS = str(Path(sys.executable).parent / "runbooks")
PLAIN = "anchors and aliases are not part of the format; write the value out"
NO_TAGS = "is not supported; runbooks hold plain text, numbers, lists and mappings"
BYTES = "cannot be decoded; save the file as UTF-8"
CHARS = "YAML allows only printable characters, tab and line breaks"
MEMORY_LIMIT = 1024 ** 3  # address space for the whole validating process
WALL_LIMIT = 10.0  # the design target is well under a second; this only catches a hang


def validate(project, capsys) -> list[str]:
    """``runbooks validate`` through the real entry point: it must exit 78; its error lines."""
    assert runbooks_main(["--root", str(project.root), "validate"]) == 78
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("runbooks: ") and err[-1].endswith(" in runbooks"), err
    assert "Traceback" not in "\n".join(err)
    return err[:-1]


def write_bytes(project, name: str, data: bytes) -> Path:
    path = project.root / "runbooks" / name
    path.write_bytes(data)
    return path


def laughs(levels: int = 10) -> str:
    """The billion laughs: each level is nine aliases of the one before (9**9 strings at the last)."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        name, before = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{before}'] * 9)}]")
    return "\n".join(lines) + "\n"


def bounded(argv: list[str], tmpdir: Path) -> subprocess.CompletedProcess[str]:
    """Run a command with 1 GiB of address space; it must finish well within WALL_LIMIT."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    env = {**os.environ, "TMPDIR": str(tmpdir)}
    return subprocess.run(argv, capture_output=True, text=True, timeout=WALL_LIMIT, preexec_fn=limit, env=env)


# --- bytes and characters ---------------------------------------------------------------------------------

def test_bytes_that_are_not_utf8_are_named_with_their_line_and_column(project, capsys):
    write_bytes(project, "latin1.yaml", "title: t\nsummary: s\nowner: Zoë\n".encode("latin-1"))
    write_bytes(project, "columns.yaml", b'title: t\nowner: "Ren\xc3\xa9e \xff"\n')
    write_bytes(project, "binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write_bytes(project, "crlf.yaml", b"title: t\r\nsummary: s\r\nowner: caf\xe9\r\n")
    write_bytes(project, "bom.yaml", b"\xef\xbb\xbftitle: caf\xe9\n")  # the byte order mark takes no column
    assert validate(project, capsys) == [
        f"runbooks/binary.yaml:1:1: not UTF-8: byte 0x89 {BYTES}",
        f"runbooks/bom.yaml:1:11: not UTF-8: byte 0xe9 {BYTES}",
        f"runbooks/columns.yaml:2:15: not UTF-8: byte 0xff {BYTES}",  # columns count characters, not bytes
        f"runbooks/crlf.yaml:3:11: not UTF-8: byte 0xe9 {BYTES}",
        f"runbooks/latin1.yaml:3:10: not UTF-8: byte 0xeb {BYTES}",
    ]


def test_nul_and_control_characters_are_refused_where_they_are(project, capsys):
    write_bytes(project, "nul.yaml", b"title: t\nsummary: s\x00\n")
    write_bytes(project, "bell.yaml", "title: t\nsummary: s\nowner: é\x07\n".encode())
    assert validate(project, capsys) == [
        f"runbooks/bell.yaml:3:9: unacceptable character U+0007: {CHARS}",
        f"runbooks/nul.yaml:2:11: unacceptable character U+0000: {CHARS}",
    ]


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted_with_true_positions(project, capsys):
    write_bytes(project, "windows.yaml", b"\xef\xbb\xbftitle: t\r\nsummary: s\r\ncolour: blue\r\n")
    assert validate(project, capsys) == [
        "runbooks/windows.yaml:3:1: unknown key 'colour'; expected one of: title, summary, owner, severity, tags, "
        "alerts, modes, vars, sections, checklist, checks, maintenance",
    ]
    write_bytes(project, "windows.yaml", b"\xef\xbb\xbftitle: t\r\nsummary: s\r\n")
    assert load_catalog(project.root).runbooks["windows"].data["title"] == "t"


# --- anchors, aliases and tags ----------------------------------------------------------------------------

def test_billion_laughs_is_refused_at_the_first_anchor_without_expanding(project, capsys):
    project.write("laughs", laughs())
    assert validate(project, capsys) == [f"runbooks/laughs.yaml:1:4: a: anchor &a: {PLAIN} (90 more in this file)"]


def test_anchors_aliases_and_merge_keys_are_refused(project, capsys):
    project.write("defaults", """\
        title: t
        summary: s
        vars:
          base: &base {timeout: 5s}
          other:
            <<: *base
          again: *base
    """)
    project.write("alias", "title: t\nsummary: *nowhere\n")
    assert validate(project, capsys) == [
        f"runbooks/alias.yaml:2:10: summary: alias *nowhere: {PLAIN}",
        f"runbooks/defaults.yaml:4:9: vars.base: anchor &base: {PLAIN} (2 more in this file)",
        "runbooks/defaults.yaml:6:5: vars.other: merge keys (<<) are not supported",
    ]


def test_tags_are_refused_at_the_tag_and_nothing_is_executed(project, capsys):
    marker = project.root / "pwned"
    project.write("tags", f"""\
        title: !!python/object/apply:os.system ["touch {marker}"]
        summary: !custom s
        owner: !!binary aGVsbG8=
        tags: !!seq [a]
        !!str alerts: []
        vars: {{a: !!str 1, b: ! x, c: !<tag:example.com,2024:x> y}}
    """)
    assert validate(project, capsys) == [
        f"runbooks/tags.yaml:1:8: title: tag !!python/object/apply:os.system {NO_TAGS}",
        f"runbooks/tags.yaml:2:10: summary: tag !custom {NO_TAGS}",
        f"runbooks/tags.yaml:3:8: owner: tag !!binary {NO_TAGS}",
        f"runbooks/tags.yaml:4:7: tags: tag !!seq {NO_TAGS}",
        f"runbooks/tags.yaml:5:1: tag !!str {NO_TAGS}",
        f"runbooks/tags.yaml:6:11: vars.a: tag !!str {NO_TAGS}",
        f"runbooks/tags.yaml:6:23: vars.b: tag ! {NO_TAGS}",
        f"runbooks/tags.yaml:6:31: vars.c: tag tag:example.com,2024:x {NO_TAGS}",
    ]
    assert not marker.exists()


def test_problems_in_one_file_stop_at_a_hundred(project, capsys):
    project.write("many", "title: t\nsummary: s\nvars:\n" + "".join(f"  v{i}: !x {i}\n" for i in range(150)))
    lines = validate(project, capsys)
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-1] == f"runbooks/many.yaml:104:9: too many problems; stopped reading after {MAX_PROBLEMS}"


# --- size and depth ---------------------------------------------------------------------------------------

def test_a_file_over_256_kib_is_refused_before_it_is_read(project, capsys):
    head = "title: t\nsummary: s\n"
    fits = head + "#" * (MAX_FILE_BYTES - len(head) - 1) + "\n"
    assert len(fits.encode()) == MAX_FILE_BYTES == 256 * 1024
    project.write("fits", fits)
    assert "fits" in load_catalog(project.root).runbooks
    project.write("big", fits + "\n")
    assert validate(project, capsys) == [
        "runbooks/big.yaml:1:1: file too large (262145 bytes; the limit is 262144 bytes, 256 KiB)",
    ]


def nested_list(depth: int) -> str:
    return "[" * depth + "x" + "]" * depth


def test_nesting_is_limited_to_64_levels(project, capsys):
    # The runbook mapping is level 1 and vars level 2: a list 62 deep in vars reaches level 64.
    project.write("deepest", f"title: t\nsummary: s\nvars:\n  deep: {nested_list(MAX_DEPTH - 2)}\n")
    catalog = load_catalog(project.root)  # validated and rendered for every mode
    expected: object = "x"
    for _ in range(MAX_DEPTH - 2):
        expected = [expected]
    assert catalog.runbooks["deepest"].data["vars"]["deep"].default == expected
    project.write("flow", f"title: t\nsummary: s\nvars:\n  deep: {nested_list(MAX_DEPTH - 1)}\n")
    project.write("block", "title: t\nsummary: s\nvars:\n  deep:\n    " + "- " * 100_000 + "x\n")
    assert validate(project, capsys) == [
        "runbooks/block.yaml:5:129: nested too deeply: more than 64 levels of mappings and lists",
        "runbooks/flow.yaml:4:71: nested too deeply: more than 64 levels of mappings and lists",
    ]


# --- empty files, file names and unreadable files ---------------------------------------------------------

def test_an_empty_runbook_or_one_of_only_comments_says_what_it_needs(project, capsys):
    project.write("empty", "")
    project.write("comments", "# to do: write this runbook\n\n# owner: nobody yet\n")
    project.write("bare", "---\n")
    assert validate(project, capsys) == [
        "runbooks/bare.yaml:1:1: empty runbook: expected a mapping with title and summary",
        "runbooks/comments.yaml:1:1: empty runbook: expected a mapping with title and summary",
        "runbooks/empty.yaml:1:1: empty runbook: expected a mapping with title and summary",
    ]


def test_an_empty_project_file_says_what_it_needs(project, capsys):
    project.write("_project", "# nothing yet\n")
    assert validate(project, capsys) == [
        "runbooks/_project.yaml:1:1: empty project file: expected a mapping with title, modes and severities",
    ]


def test_yml_files_are_runbooks_and_an_id_given_twice_names_both_files(project, capsys):
    (project.root / "runbooks" / "api.yml").write_text("title: API\nsummary: s\n")
    catalog = load_catalog(project.root)
    assert catalog.runbooks["api"].source == "runbooks/api.yml"
    (project.root / "runbooks" / "api.yaml").write_text("title: API\nsummary: s\n")
    (project.root / "runbooks" / "_project.yml").write_text("title: stray\n")
    (project.root / "runbooks" / ".#api.yaml").symlink_to("root@host.1234")  # an editor's lock file
    assert validate(project, capsys) == [
        "runbooks/_project.yml:1:1: not read: the project file is named _project.yaml",
        "runbooks/api.yml:1:1: two files for runbook id 'api': runbooks/api.yaml and runbooks/api.yml; keep one",
    ]


def test_a_second_document_and_a_key_that_is_a_list_are_errors(project, capsys):
    project.write("two", "title: t\nsummary: s\n---\ntitle: u\n")
    project.write("complex", "title: t\nsummary: s\nvars:\n  ? [a, b]\n  : c\n")
    assert validate(project, capsys) == [
        "runbooks/complex.yaml:4:5: vars: a key must be plain text, not a list",
        "runbooks/two.yaml:3:1: invalid YAML: a second document (---); a file holds one document",
    ]


def test_scalars_that_look_like_numbers_or_dates_but_are_not(project, capsys):
    project.write("scalars", f"title: t\nsummary: s\nvars:\n  eq: =\n  day: 2024-13-01\n  big: {'9' * 5000}\n")
    assert validate(project, capsys) == [
        "runbooks/scalars.yaml:5:8: vars.day: invalid date '2024-13-01' (month must be in 1..12)",
        f"runbooks/scalars.yaml:6:8: vars.big: invalid integer '{'9' * 40}…' (5000 digits, too many)",
    ]


def test_directories_links_and_fifos_are_positioned_errors(project, capsys):
    runbooks = project.root / "runbooks"
    (runbooks / "folder.yaml").mkdir()
    (runbooks / "loop.yaml").symlink_to("loop.yaml")
    (runbooks / "gone.yaml").symlink_to("moved-away.yaml")
    os.mkfifo(runbooks / "pipe.yaml")  # opening it must not wait for a writer
    assert validate(project, capsys) == [
        "runbooks/folder.yaml:1:1: not a file: it is a directory",
        "runbooks/gone.yaml:1:1: cannot read the file: No such file or directory",
        "runbooks/loop.yaml:1:1: cannot read the file: Too many levels of symbolic links",
        "runbooks/pipe.yaml:1:1: not a regular file (a device, FIFO or socket)",
    ]


def validate_as_nobody(root: Path) -> tuple[int, str]:
    """``runbooks validate`` in a forked child that became the user nobody: its exit code and stderr.

    Forked, not executed: the interpreter may live where nobody cannot run it (a pyenv under /root).
    """
    require_root()
    nobody = pwd.getpwnam("nobody")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            with contextlib.redirect_stderr(io.StringIO()) as err, contextlib.redirect_stdout(io.StringIO()):
                code = runbooks_main(["--root", str(root), "validate"])
            os.write(write_end, json.dumps([code, err.getvalue()]).encode())
        except BaseException:
            os.write(write_end, json.dumps([-1, traceback.format_exc()]).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    code, stderr = json.loads(answer)
    return code, stderr


def test_a_file_the_user_cannot_read(shared_project):
    secret = shared_project.write("secret", "title: t\nsummary: s\n")
    secret.chmod(0o600)  # root's; the validating user is nobody
    assert validate_as_nobody(shared_project.root) == (78, "\n".join([
        "runbooks/secret.yaml:1:1: cannot read the file: Permission denied",
        "runbooks: 1 error in runbooks",
    ]) + "\n")


# --- all of them at once, in a real process with bounded memory and time ----------------------------------

def test_the_installed_command_answers_every_hostile_file_within_bounds(project, tmp_path):
    write_bytes(project, "latin1.yaml", "title: t\nsummary: café\n".encode("latin-1"))
    write_bytes(project, "binary.yaml", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    project.write("laughs", laughs())
    project.write("exec", "title: !!python/object/apply:os.system [\"echo pwned >&2\"]\nsummary: s\n")
    project.write("deep", "title: t\nsummary: s\nvars:\n  deep:\n    " + "- " * 100_000 + "x\n")
    with open(project.root / "runbooks" / "huge.yaml", "wb") as huge:  # sparse: 1 GiB that costs no disk
        huge.truncate(1024 ** 3)
    dense = "title: t\nsummary: s\nvars:\n  many: [1"  # the most values a file within the limit can hold
    project.write("dense", dense + ",1" * ((MAX_FILE_BYTES - len(dense) - 2) // 2) + "]\n")
    project.write("empty", "")
    os.mkfifo(project.root / "runbooks" / "pipe.yaml")
    crash_dir = tmp_path / "tmpdir"
    crash_dir.mkdir()
    out = bounded([RUNBOOKS, "--root", str(project.root), "validate"], crash_dir)
    assert (out.returncode, out.stdout) == (78, "")
    assert out.stderr.splitlines() == [
        f"runbooks/binary.yaml:1:1: not UTF-8: byte 0x89 {BYTES}",
        "runbooks/deep.yaml:5:129: nested too deeply: more than 64 levels of mappings and lists",
        "runbooks/empty.yaml:1:1: empty runbook: expected a mapping with title and summary",
        f"runbooks/exec.yaml:1:8: title: tag !!python/object/apply:os.system {NO_TAGS}",
        "runbooks/huge.yaml:1:1: file too large (1073741824 bytes; the limit is 262144 bytes, 256 KiB)",
        f"runbooks/latin1.yaml:2:13: not UTF-8: byte 0xe9 {BYTES}",
        f"runbooks/laughs.yaml:1:4: a: anchor &a: {PLAIN} (90 more in this file)",
        "runbooks/pipe.yaml:1:1: not a regular file (a device, FIFO or socket)",
        "runbooks: 8 errors in runbooks",
    ]
    assert list(crash_dir.iterdir()) == []  # no crash log: nothing unexpected happened


def test_run_checks_and_build_report_the_same_errors(project, tmp_path):
    project.write("laughs", laughs())
    expected = f"runbooks/laughs.yaml:1:4: a: anchor &a: {PLAIN} (90 more in this file)"
    run_checks = str(Path(sys.executable).parent / "run-checks")
    for argv, prog in (([RUNBOOKS, "--root", str(project.root), "build"], "runbooks"),
                       ([run_checks, "--root", str(project.root), "--mode", "local", "--no-store"], "run-checks")):
        out = bounded(argv, tmp_path)
        assert (out.returncode, out.stderr.splitlines()) == (78, [expected, f"{prog}: 1 error in runbooks"])
    assert not (project.root / "site").exists()
