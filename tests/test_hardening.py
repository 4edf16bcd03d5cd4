"""Concurrent and interrupted runs, output paths, exit codes, CI logs and the PR comment.

Each test reproduces a way a real team lost output or trust (issue 12) on real processes,
real git repositories and real pandoc; the GitHub API is a loopback server.
"""

from __future__ import annotations

import html
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from build_helpers import committed_repo, git, snapshot
from conftest import MODALITIES, run_cli

from cmc_dossier.console import WORD_JOINER, inert
from cmc_dossier.outputs import OutputError, write_file

PRODUCT = "Examplinib tablets"
SPONSOR = "Example Sponsor Ltd"


def _dossier_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("dossier")), *args]


@pytest.fixture
def small_repo(tmp_path: Path) -> Path:
    return committed_repo(tmp_path / "repo", MODALITIES / "small-molecule")


def _rename(repo: Path, old: str, new: str) -> None:
    facts = repo / "dossier" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace(f"name: {old}", f"name: {new}", 1), encoding="utf-8")
    git(repo, "commit", "-qam", f"rename to {new}")


def _sponsors(build: Path) -> set[str]:
    """Which sponsor name each target's combined Markdown was built with."""
    return {
        "B" if f"{SPONSOR} B" in document.read_text(encoding="utf-8") else "A"
        for document in (build / "ind" / "module-3-quality.md", build / "impd" / "impd-quality.md")
    }


def test_two_parallel_builds_into_one_folder_leave_one_whole_output(small_repo: Path) -> None:
    runs = [
        subprocess.Popen(
            _dossier_command("build", "dossier", "-o", "build"),
            cwd=small_repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    assert [code for code, _, _ in results] == [0, 0], results
    parallel = snapshot(small_repo / "build")
    alone = small_repo.parent / "alone"
    assert run_cli("build", "dossier", "-o", str(alone), cwd=small_repo).returncode == 0
    assert parallel == snapshot(alone)
    store = small_repo / "build" / ".documents"
    assert sorted(p.name for p in store.iterdir())[:1] == ["current"]
    assert len(list(store.iterdir())) == 2  # the link and the one generation it names


def test_kill_at_any_moment_leaves_both_targets_from_one_build(small_repo: Path) -> None:
    assert run_cli("build", "dossier", cwd=small_repo).returncode == 0
    names = [SPONSOR, f"{SPONSOR} B"]
    for attempt, delay in enumerate((0.4, 0.8, 1.2, 1.6, 2.2, 3.0)):
        _rename(small_repo, names[attempt % 2], names[(attempt + 1) % 2])
        run = subprocess.Popen(_dossier_command("build", "dossier"), cwd=small_repo)
        time.sleep(delay)
        run.send_signal(signal.SIGKILL)
        run.wait()
        assert len(_sponsors(small_repo / "build")) == 1, f"mixed output after {delay} s"
    assert run_cli("build", "dossier", cwd=small_repo).returncode == 0
    assert _sponsors(small_repo / "build") == {"A"}  # six renames: back to the first name
    assert len(list((small_repo / "build" / ".documents").iterdir())) == 2  # leftovers gone


def test_an_old_generation_that_cannot_be_deleted_does_not_fail_the_build(
    small_repo: Path,
) -> None:
    """chattr +i: even root cannot delete it (ext4, as this machine's /tmp)."""
    assert run_cli("build", "dossier", "--format", "md", cwd=small_repo).returncode == 0
    old = (small_repo / "build" / "ind").resolve().parent  # the published generation
    subprocess.run(["chattr", "+i", str(old / "ind")], check=True)
    try:
        _rename(small_repo, "Examplinib", "Examplinib B")
        done = run_cli("build", "dossier", "--format", "md", cwd=small_repo)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "old output generation could not be deleted" in done.stderr
        assert f"({old}; module-3-quality.md: Operation not permitted)" in done.stderr
        assert "Examplinib B" in (small_repo / "build/ind/module-3-quality.md").read_text("utf-8")
        again = run_cli("build", "dossier", "--format", "md", cwd=small_repo)
        assert again.returncode == 0 and "could not be deleted" in again.stderr  # retried
    finally:
        subprocess.run(["chattr", "-i", str(old / "ind")], check=True)
    assert run_cli("build", "dossier", "--format", "md", cwd=small_repo).returncode == 0
    assert not old.exists()  # deleted once it can be


def test_ctrl_c_says_what_was_kept(small_repo: Path) -> None:
    assert run_cli("build", "dossier", cwd=small_repo).returncode == 0
    before = snapshot(small_repo / "build")
    _rename(small_repo, SPONSOR, f"{SPONSOR} B")
    store = small_repo / "build" / ".documents"
    published = set(store.iterdir())
    run = subprocess.Popen(
        _dossier_command("build", "dossier"), cwd=small_repo, stderr=subprocess.PIPE, text=True
    )
    # interrupt once the build is writing its new generation (a fixed delay could land
    # before Python installs its handler on a loaded machine: killed, exit -2)
    deadline = time.monotonic() + 60
    while set(store.iterdir()) == published and run.poll() is None:
        assert time.monotonic() < deadline, "the build never started a generation"
        time.sleep(0.02)
    run.send_signal(signal.SIGINT)
    _, error = run.communicate(timeout=120)
    if run.returncode == 0:
        pytest.skip("the build finished before the interrupt")
    assert run.returncode == 130
    assert "interrupted" in error and "previous content" in error
    assert "Traceback" not in error
    assert snapshot(small_repo / "build") == before


def test_build_into_a_path_that_is_a_file_is_an_input_problem(small_repo: Path) -> None:
    (small_repo / "occupied").write_text("keep me", encoding="utf-8")
    done = run_cli("build", "dossier", "-o", "occupied", cwd=small_repo)
    assert done.returncode == 1
    assert "occupied is a file" in done.stderr and "hint:" in done.stderr
    assert (small_repo / "occupied").read_text(encoding="utf-8") == "keep me"


def test_build_below_a_file_is_an_input_problem_not_a_bug(small_repo: Path) -> None:
    (small_repo / "occupied").write_text("x", encoding="utf-8")
    done = run_cli("build", "dossier", "-o", "occupied/build", cwd=small_repo)
    assert done.returncode == 1
    assert "Not a directory" in done.stderr and "internal error" not in done.stderr


def test_missing_rules_and_templates_are_usage_errors(small_repo: Path) -> None:
    rules = run_cli("diff", "HEAD", "--rules", "nosuch.yaml", cwd=small_repo)
    assert rules.returncode == 2 and "nosuch.yaml" in rules.stderr
    templates = run_cli("build", "dossier", "--templates", "nosuchdir", cwd=small_repo)
    assert templates.returncode == 2 and "nosuchdir" in templates.stderr


def test_diff_of_a_missing_dossier_folder_names_it(small_repo: Path) -> None:
    done = run_cli("diff", "HEAD", "--path", "nosuch", cwd=small_repo)
    assert done.returncode == 1 and "no dossier folder at nosuch" in done.stderr


def test_diff_without_change_names_no_category(small_repo: Path) -> None:
    done = run_cli("diff", "HEAD", "HEAD", cwd=small_repo)
    assert done.returncode == 0
    assert "no change" in done.stdout and "amendment" not in done.stdout.lower()


def test_text_diff_says_when_the_head_does_not_validate(small_repo: Path) -> None:
    facts = small_repo / "dossier" / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("country: GB", "country: Britain", 1),
        encoding="utf-8",
    )
    done = run_cli("diff", "HEAD", "--worktree", "--full", cwd=small_repo)
    assert "validation problem(s) at head" in done.stdout


def test_missing_report_file_is_an_input_problem(tmp_path: Path) -> None:
    environment = {**os.environ, "GITHUB_REPOSITORY": "o/r", "GITHUB_TOKEN": "t"}
    done = subprocess.run(
        _dossier_command("comment", "nosuch.md", "--pr", "1"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert done.returncode == 1 and "nosuch.md" in done.stderr
    assert "internal error" not in done.stderr


@pytest.mark.parametrize("target", ["link-to-device", "fifo"])
def test_output_to_a_special_file_writes_through_it(tmp_path: Path, target: str) -> None:
    path = tmp_path / "out"
    if target == "link-to-device":
        path.symlink_to("/dev/null")
        write_file(path, "report")
        assert path.is_symlink() and path.readlink() == Path("/dev/null")
        return
    os.mkfifo(path)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(path.read_bytes()))
    reader.start()
    write_file(path, "report")
    reader.join(timeout=10)
    assert received == [b"report\n"]
    assert not path.is_file()  # still the FIFO, not replaced by a regular file


def test_output_file_is_replaced_whole_and_a_link_to_it_is_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "report.md"
    link.symlink_to(real)
    write_file(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real.md", "report.md"]
    with pytest.raises(OutputError):
        write_file(tmp_path, "x")


def test_output_dash_is_standard_output(small_repo: Path) -> None:
    done = run_cli("diff", "HEAD", "HEAD", "-f", "json", "-o", "-", cwd=small_repo)
    assert done.returncode == 0 and json.loads(done.stdout)["changes"] == []
    assert not (small_repo / "-").exists()


def test_full_device_is_an_environment_problem(small_repo: Path) -> None:
    done = run_cli("diff", "HEAD", "HEAD", "-o", "/dev/full", cwd=small_repo)
    assert done.returncode == 1 and "No space left" in done.stderr


def test_redline_into_a_folder_keeps_no_stale_file(small_repo: Path) -> None:
    assert run_cli("redline", "HEAD", "HEAD", cwd=small_repo).returncode == 0
    stale = small_repo / "build" / "redline" / "ind" / "old-document.docx"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"from an earlier run")  # inside the published generation
    done = run_cli("redline", "HEAD", "HEAD", cwd=small_repo)
    assert done.returncode == 0, done.stderr
    assert not stale.exists() and (small_repo / "build" / "redline").is_dir()


def test_site_of_a_missing_folder_keeps_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("good", encoding="utf-8")
    config = Path(__file__).resolve().parent.parent / "mkdocs.yml"
    done = run_cli("site", "nosuch", "--config", str(config), "-o", str(site), cwd=tmp_path)
    assert done.returncode == 1 and "no dossier folder at nosuch" in done.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "good"


def test_non_ascii_title_survives_a_c_locale(small_repo: Path) -> None:
    _rename(small_repo, PRODUCT, "Zellthérapie ≥ µ")
    done = subprocess.run(
        _dossier_command("build", "dossier", "-t", "impd", "-f", "docx"),
        cwd=small_repo,
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(small_repo / "build" / "impd" / "impd-quality.docx") as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    assert "Zellthérapie ≥ µ" in document


@pytest.mark.parametrize(
    "hostile",
    ["::warning::injected", "  ::error file=x::injected", "ok\n::add-mask::x", "##[error]x"],
)
def test_text_output_cannot_form_a_workflow_command(hostile: str) -> None:
    for line in inert(hostile).splitlines():
        assert not line.lstrip().startswith("::") and "##[" not in line
    assert inert(hostile).replace(WORD_JOINER, "") == hostile


def test_terminal_control_sequences_are_shown_not_obeyed() -> None:
    """An old revision's fact may hold an escape sequence (OSC retitles the terminal, CSI
    moves the cursor); printed, it is shown as text. Tabs and line breaks stay."""
    hostile = "a\x1b]0;pwned\x07b\x1b[2Jc\x9bd\x00e\rf\tg\nh"
    assert inert(hostile) == "a\\x1b]0;pwned\\x07b\\x1b[2Jc\\x9bd\\x00e\\x0df\tg\nh"


def test_a_file_named_like_a_workflow_command_stays_inert_in_validate(dossier_from) -> None:
    root = dossier_from(files={"::warning title=x::pwned.yaml": "kind: Nonsense\nid: X\n"})
    done = run_cli("validate", ".", cwd=root)
    assert done.returncode == 1 and "pwned.yaml" in done.stdout
    assert not [line for line in done.stdout.splitlines() if line.lstrip().startswith("::")]


class _GitHub:
    """Loopback stand-ins for GitHub's API and for another host it might redirect to."""

    def __init__(self, answer: tuple[int, dict] | None = None) -> None:
        self.seen: list[tuple[str, str, str | None]] = []
        self.other = self._serve(lambda handler: handler.reply(200, []), "other")
        other_url = self.other[1]

        def api(handler: _Handler) -> None:
            if answer is not None:
                handler.reply(*answer)
            elif "/comments" in handler.path and handler.command == "GET":
                handler.redirect(f"{other_url}{handler.path}")
            else:
                handler.reply(201, {"id": 5})

        self.api = self._serve(api, "api")

    def _serve(self, respond, name: str) -> tuple[http.server.HTTPServer, str]:
        github = self

        class Handler(_Handler):
            def handle_any(self) -> None:
                github.seen.append((name, self.command, self.headers.get("Authorization")))
                respond(self)

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}"

    def close(self) -> None:
        for server, _ in (self.api, self.other):
            server.shutdown()


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return None

    def reply(self, status: int, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, location: str) -> None:
        self.send_response(307)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def handle_any(self) -> None:
        raise NotImplementedError

    def do_GET(self) -> None:
        self.handle_any()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.handle_any()


def _comment(api: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    report = tmp_path / "report.md"
    report.write_text("report", encoding="utf-8")
    environment = {**os.environ, "GITHUB_API_URL": api, "GITHUB_REPOSITORY": "o/r",
                   "GITHUB_TOKEN": "s3cret"}  # fmt: skip
    return subprocess.run(
        _dossier_command("comment", str(report), "--pr", "3"),
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def test_the_token_is_not_sent_to_another_host_on_a_redirect(tmp_path: Path) -> None:
    github = _GitHub()
    try:
        done = _comment(github.api[1].replace("127.0.0.1", "localhost"), tmp_path)
    finally:
        github.close()
    assert done.returncode == 0, done.stderr
    assert ("other", "GET", None) in github.seen
    assert ("api", "GET", "Bearer s3cret") in github.seen


@pytest.mark.parametrize("status", [401, 500])
def test_github_errors_are_shown_with_github_message(tmp_path: Path, status: int) -> None:
    github = _GitHub((status, {"message": "Bad credentials"}))
    try:
        done = _comment(github.api[1], tmp_path)
    finally:
        github.close()
    assert done.returncode == 1
    assert f"GitHub answered {status}" in done.stderr and "Bad credentials" in done.stderr
    assert "internal error" not in done.stderr


def test_comment_neutralises_mentions_and_keeps_urls_readable() -> None:
    from cmc_dossier.changes.report import _t

    text = _t("ask @qa-team, see https://example.org/a_b*c.")
    assert text.startswith("ask @&#8203;qa") and "@qa" not in text
    assert "see <https://example.org/a_b*c>" in text


def test_sarif_locates_each_diagnostic_for_code_scanning(dossier_from) -> None:
    root = dossier_from(files={"bad.yaml": "kind: CQA\nid: CQA-X\ntitle: a\x00b\n"})
    done = run_cli("validate", "dossier", "--format", "sarif", cwd=root.parent)
    assert done.returncode == 1
    log = json.loads(done.stdout)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["DOS019"]
    (result,) = run["results"]
    assert result["ruleId"] == "DOS019" and result["level"] == "error"
    place = result["locations"][0]["physicalLocation"]
    assert place["artifactLocation"]["uri"] == "dossier/bad.yaml"
    assert place["region"] == {"startLine": 3, "startColumn": 9}


def test_shell_completion_completes_commands_and_options() -> None:
    environment = {**os.environ, "_DOSSIER_COMPLETE": "complete_bash",
                   "COMP_WORDS": "dossier val", "COMP_CWORD": "1"}  # fmt: skip
    done = subprocess.run(
        _dossier_command(), capture_output=True, text=True, env=environment, check=False
    )
    assert done.stdout.split() == ["validate"]
    script = run_cli("--show-completion", "bash")
    assert script.returncode == 0 and "_DOSSIER_COMPLETE" in script.stdout


def test_one_diff_writes_markdown_and_json(small_repo: Path) -> None:
    done = run_cli("diff", "HEAD", "HEAD", "-f", "markdown", "-o", "r.md", "--json", "r.json",
                   cwd=small_repo)  # fmt: skip
    assert done.returncode == 0, done.stderr
    alone = run_cli("diff", "HEAD", "HEAD", "-f", "json", cwd=small_repo).stdout
    assert (small_repo / "r.json").read_text(encoding="utf-8") == alone
    assert (small_repo / "r.md").read_text(encoding="utf-8").startswith("<!--")


def test_compiled_templates_of_a_sandboxed_environment_are_never_run_by_ours(
    tmp_path: Path,
) -> None:
    """The template cache in $XDG_CACHE_HOME is shared by every checkout and environment.

    A sandboxed environment (another version of the tool renders repository templates in
    Jinja's sandbox) compiles code that calls `environment.call`; our plain environment must
    never load it ("'Environment' object has no attribute 'call'").
    """
    from jinja2.sandbox import SandboxedEnvironment

    from cmc_dossier.render.documents import Renderer
    from cmc_dossier.validation import validate_folder

    dossier = validate_folder(MODALITIES / "small-molecule").dossier
    assert dossier is not None
    cache = tmp_path / "cache"
    ours = Renderer(dossier, "impd", cache=cache).environment
    same = ("loader", "undefined", "autoescape", "trim_blocks", "lstrip_blocks",
            "keep_trailing_newline", "bytecode_cache")  # fmt: skip
    sandboxed = SandboxedEnvironment(
        extensions=list(ours.extensions), **{name: getattr(ours, name) for name in same}
    )  # the same settings and the same cache folder
    sandboxed.filters.update(ours.filters)
    sandboxed.globals.update(ours.globals)
    sandboxed.tests.update(ours.tests)
    assert ours.loader is not None
    for name in ours.loader.list_templates():
        if name.endswith(".j2"):
            sandboxed.get_template(name)
    assert any(cache.rglob("*.cache"))

    documents = Renderer(dossier, "impd", cache=cache).documents()
    assert documents and all(document.markdown for document in documents)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "command",
    [
        ("site", "dossier", "-o", "dossier"),  # the facts themselves
        ("site", "dossier", "-o", "docs"),  # hand-written pages
        ("site", "dossier", "-o", "."),  # the repository (mkdocs refuses it first)
        ("export", "dossier", "-f", "json", "-o", "docs"),  # docs/json holds a user file
        ("build", "dossier", "-t", "ind", "-f", "md", "-o", "."),  # ./ind is a user folder
    ],
)
def test_an_output_over_a_folder_dossier_did_not_write_is_refused(
    small_repo: Path, command: tuple[str, ...]
) -> None:
    (small_repo / "docs" / "json").mkdir(parents=True)
    (small_repo / "docs" / "json" / "mine.txt").write_text("mine\n", encoding="utf-8")
    (small_repo / "ind").mkdir()
    (small_repo / "ind" / "notes.md").write_text("notes\n", encoding="utf-8")
    before = _tree(small_repo)
    done = run_cli(*command, cwd=small_repo)
    assert done.returncode == 1, done.stdout + done.stderr
    refused = ("did not write; nothing was changed", "should not be within the 'site_dir'")
    assert any(r in done.stderr for r in refused) and "Traceback" not in done.stderr
    after = _tree(small_repo)
    assert {name: after.get(name) for name in before} == before  # every file kept, unchanged


def test_an_output_folder_dossier_wrote_is_replaced_whole(small_repo: Path) -> None:
    for _ in range(2):
        done = run_cli("export", "dossier", "-f", "json", "-o", "out", cwd=small_repo)
        assert done.returncode == 0, done.stderr
    published = small_repo / "out" / "json"
    assert published.is_symlink() and (published / "dossier.json").is_file()
    assert oct(published.resolve().stat().st_mode & 0o777) == "0o755"


@pytest.mark.parametrize(
    "expression",
    [
        "text.upper() ~ text.__class__",  # an allowed attribute of the type asked first
        "cite.__globals__",
        "cite.__code__",
        "d.__class__.mro()",
        "text.upper.__self__",
    ],
)
def test_a_template_cannot_reach_python_internals(expression: str) -> None:
    """Repository templates are user text: the sandbox refuses internal attributes, also
    for a type whose safe attributes it has already checked (its answers are remembered)."""
    from jinja2.exceptions import SecurityError

    from cmc_dossier.render.documents import Renderer
    from cmc_dossier.validation import validate_folder

    dossier = validate_folder(MODALITIES / "small-molecule").dossier
    assert dossier is not None
    environment = Renderer(dossier, "impd").environment
    template = environment.from_string("{{ text.lower() }}{{ " + expression + " }}")
    with pytest.raises(SecurityError):
        template.render(text="Assay")


@pytest.mark.parametrize("name", ["TRUE", "False", "*Bold* name_x", "1. A"])
def test_a_product_name_reaches_the_docx_as_typed(small_repo: Path, name: str) -> None:
    """pandoc reads `--metadata subtitle=TRUE` as a boolean and dropped the subtitle; the
    title block carries it as text, as typed (no emphasis, no list)."""
    facts = small_repo / "dossier" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("name: Examplinib tablets", f"name: {json.dumps(name)}", 1))
    git(small_repo, "commit", "-qam", "rename the product")
    done = run_cli("build", "dossier", "-t", "impd", "-f", "docx", "-o", "build", cwd=small_repo)
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(small_repo / "build" / "impd" / "impd-quality.docx") as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    subtitle = re.search(r'<w:pStyle w:val="Subtitle"/>.*?</w:p>', body, re.DOTALL)
    assert subtitle is not None, body[:2000]
    shown = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", subtitle.group(0)))
    assert shown == html.escape(name, quote=False)
    assert "<w:i/>" not in subtitle.group(0) and "<w:numPr>" not in subtitle.group(0)


@pytest.mark.parametrize(
    "command",
    [
        ("diff", "HEAD", "-o", "dossier/facts.yaml"),  # would replace the facts with a report
        # would be read as a fact file; the report for -o is not written either
        ("diff", "HEAD", "-o", "report.md", "--json", "dossier/report.yaml"),
        ("readiness", "dossier", "-o", "dossier/readiness.md"),
        ("roadmap", "dossier", "-f", "docx", "-o", "dossier/roadmap.docx"),
        ("codeowners", "dossier", "-o", "dossier/CODEOWNERS"),
    ],
)
def test_an_output_file_inside_the_dossier_is_refused(
    small_repo: Path, command: tuple[str, ...]
) -> None:
    before = _tree(small_repo / "dossier")
    done = run_cli(*command, cwd=small_repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "inside the dossier folder" in done.stderr and "Traceback" not in done.stderr
    assert _tree(small_repo / "dossier") == before
    assert not (small_repo / "report.md").exists()
