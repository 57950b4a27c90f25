"""Run the chosen analyzers over a project's files; return normalised, de-duplicated findings."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from devsecbots.graphs.state import SEVERITY_ORDER, Finding, check_relative_path, make_finding
from devsecbots.nodes.analyzers import collector
from devsecbots.nodes.analyzers.admin_views import reassess as reassess_admin_views
from devsecbots.nodes.analyzers.bearer_routes import reassess as reassess_bearer
from devsecbots.nodes.analyzers.buffer_summaries import reassess as reassess_buffers
from devsecbots.nodes.analyzers.cache import DEFAULT_CACHE, AnalysisCache, cache_key
from devsecbots.nodes.analyzers.cache_pickle import reassess as reassess_cache_pickles
from devsecbots.nodes.analyzers.constant_cookies import reassess as reassess_constant_cookies
from devsecbots.nodes.analyzers.cookie_purpose import reassess as reassess_cookie_purpose
from devsecbots.nodes.analyzers.cookie_switch import reassess as reassess_cookie_switch
from devsecbots.nodes.analyzers.csrf_post_views import reassess as reassess_csrf_post_views
from devsecbots.nodes.analyzers.debug_hosts import reassess as reassess_debug_hosts
from devsecbots.nodes.analyzers.debug_switch import reassess as reassess_debug_switch
from devsecbots.nodes.analyzers.dedup import dedupe
from devsecbots.nodes.analyzers.dev_runners import reassess as reassess_dev_runners
from devsecbots.nodes.analyzers.django_csrf import refine_csrf_exempt
from devsecbots.nodes.analyzers.django_post_redirects import reassess as reassess_post_redirects
from devsecbots.nodes.analyzers.django_settings_facts import refine_split_settings
from devsecbots.nodes.analyzers.escaped_bodies import reassess as reassess_escaped_bodies
from devsecbots.nodes.analyzers.fastapi_path_params import reassess as reassess_fastapi_paths
from devsecbots.nodes.analyzers.flask_checklist import project_findings, refine_csrf_findings
from devsecbots.nodes.analyzers.flask_csrf import reassess as reassess_flask_csrf
from devsecbots.nodes.analyzers.flask_path_segments import reassess as reassess_flask_segments
from devsecbots.nodes.analyzers.frameworks import project_notes
from devsecbots.nodes.analyzers.git_http_views import reassess as reassess_git_http_views
from devsecbots.nodes.analyzers.helper_summaries import reassess as reassess_helpers
from devsecbots.nodes.analyzers.inert_views import reassess as reassess_inert_views
from devsecbots.nodes.analyzers.jinja_template_dirs import reassess as reassess_template_dirs
from devsecbots.nodes.analyzers.json_body_views import reassess as reassess_json_body_views
from devsecbots.nodes.analyzers.local_host_settings import reassess as reassess_local_host
from devsecbots.nodes.analyzers.local_models import reassess as reassess_local_models
from devsecbots.nodes.analyzers.markup_callers import reassess as reassess_markup_callers
from devsecbots.nodes.analyzers.markup_undone import reassess as reassess_undone_markup
from devsecbots.nodes.analyzers.member_branches import reassess as reassess_member_branches
from devsecbots.nodes.analyzers.method_returns import reassess as reassess_methods
from devsecbots.nodes.analyzers.parsed import parse_error
from devsecbots.nodes.analyzers.plugin_hooks import reassess as reassess_plugin_hooks
from devsecbots.nodes.analyzers.preference_urls import reassess as reassess_preference_urls
from devsecbots.nodes.analyzers.preflighted_views import reassess as reassess_preflighted_views
from devsecbots.nodes.analyzers.project_path_methods import reassess as reassess_path_methods
from devsecbots.nodes.analyzers.property_returns import reassess as reassess_properties
from devsecbots.nodes.analyzers.proxy_https_redirect import reassess as reassess_proxy_redirect
from devsecbots.nodes.analyzers.published_tokens import reassess as reassess_published_tokens
from devsecbots.nodes.analyzers.query_cookies import reassess as reassess_query_cookies
from devsecbots.nodes.analyzers.redirect_guards import reassess as reassess_redirects
from devsecbots.nodes.analyzers.refused_secrets import reassess as reassess_refused_secrets
from devsecbots.nodes.analyzers.registry import (
    Started,
    check_names,
    default_analyzers,
    get_analyzer,
    require_available,
)
from devsecbots.nodes.analyzers.saml_acs import reassess as reassess_saml_acs
from devsecbots.nodes.analyzers.session_guards import reassess as reassess_session_stores
from devsecbots.nodes.analyzers.template_text import reassess as reassess_template_text
from devsecbots.nodes.analyzers.templates import is_template, template_findings
from devsecbots.nodes.analyzers.typed_route_params import reassess as reassess_typed_params
from devsecbots.nodes.analyzers.upstream_bodies import reassess as reassess_upstream_bodies
from devsecbots.nodes.analyzers.url_helpers import reassess as reassess_url_helpers
from devsecbots.nodes.analyzers.verified_pickle import reassess as reassess_verified_pickles

Progress = Callable[[int, int], None]


@dataclass
class AnalysisReport:
    """What one analysis pass found, and what it could not look at."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    analyzed: list[str] = field(default_factory=list)  # files an analyzer ran on (cache misses)
    cached: list[str] = field(default_factory=list)  # Python files answered from the cache only


def syntax_findings(files: dict[str, str]) -> list[Finding]:
    """A blocking finding for every Python file that does not parse."""
    found = []
    for path, source in files.items():
        if not path.endswith(".py"):
            continue
        error = _syntax_error(source, path)
        if error is not None and not _parses_as_newer_python(source):
            found.append(
                make_finding(
                    severity="high",
                    file=path,
                    line=getattr(error, "lineno", 0) or 0,
                    source="parser",
                    rule_id="syntax-error",
                    title=f"File does not parse: {getattr(error, 'msg', error)}",
                    recommendation=(
                        "Fix the syntax error; nothing else can be checked until it parses."
                    ),
                )
            )
    return found


def _syntax_error(source: str, path: str) -> SyntaxError | ValueError | None:
    """This interpreter's parse error for `source`, or None when it parses."""
    error = parse_error(source)
    if isinstance(error, SyntaxError) and error.filename != path:
        error = copy.copy(error)  # the cached error is shared: name this file in a copy
        error.filename = path
    return error


def _parses_as_newer_python(source: str) -> bool:
    """Whether libcst (whose grammar reaches newer Pythons than this one) accepts `source`."""
    import libcst  # only for files this interpreter cannot parse: not at start-up

    try:
        libcst.parse_module(source)
    except Exception:  # noqa: BLE001 - any libcst failure means "does not parse"
        return False
    return True


def analyze(
    files: dict[str, str],
    analyzers: Sequence[str] | None = None,
    *,
    cache: AnalysisCache | None = DEFAULT_CACHE,
    progress: Progress | None = None,
) -> AnalysisReport:
    """Run the named analyzers (default: the registry's defaults) over the Python files.

    Files whose (path, content, analyzer, analyzer version) were analyzed before come from
    `cache`. `progress(done, total)` counts (file, analyzer) pairs analyzed in this call.
    Raises AnalyzerUnavailable when a requested analyzer is unknown, missing or fails.
    """
    with collector.paused():  # in-process analyzers: collector.over_new_objects (_run_inside)
        return _analyze(files, analyzers, cache, progress)


def _analyze(
    files: dict[str, str],
    analyzers: Sequence[str] | None,
    cache: AnalysisCache | None,
    progress: Progress | None,
) -> AnalysisReport:
    chosen = check_names(default_analyzers() if analyzers is None else analyzers)
    report = AnalysisReport()
    python = {}
    for path in sorted(files):
        reason = _skip_reason(path)
        if not reason:
            python[path] = files[path]
        elif not ("semgrep" in chosen and is_template(path)):  # templates: template_findings
            report.skipped.append((path, reason))
    broken = syntax_findings(python)
    unparsable = {p for p, c in python.items() if _syntax_error(c, p) is not None}
    skipping = [name for name in chosen if not get_analyzer(name).reads_newer_syntax]
    for path in sorted(unparsable - {f["file"] for f in broken}) if skipping else ():
        report.skipped.append(
            (path, f"newer Python syntax than this interpreter: {', '.join(skipping)} skipped it")
        )
    report.skipped.extend(project_notes(python))
    parsable = {p: c for p, c in python.items() if p not in unparsable}
    targets = {
        name: python if get_analyzer(name).reads_newer_syntax else parsable for name in chosen
    }
    versions = {name: get_analyzer(name).version() for name in chosen}
    found: list[Finding] = []
    missed: dict[str, dict[str, str]] = {}
    for name in chosen:
        missed[name] = {}
        for path, content in targets[name].items():
            hit = (
                cache.get(cache_key(path, content, name, versions[name]))
                if cache is not None
                else None
            )
            if hit is None:
                missed[name][path] = content
            else:
                found.extend(hit)
    require_available([name for name in chosen if missed[name]])  # all cached: none need run
    counter = _Counter(progress, sum(len(m) for m in missed.values()))
    ran, unfinished = _run_all({n: m for n, m in missed.items() if m}, counter)
    for name, results in ran.items():
        for path, content in missed[name].items():
            if cache is not None and path not in unfinished[name]:  # a partial answer: ask again
                cache.put(cache_key(path, content, name, versions[name]), results.get(path, []))
            found.extend(results.get(path, []))
        broken_files = {f["file"] for f in broken}  # already a finding of their own
        report.skipped.extend(
            sorted(i for i in unfinished[name].items() if i[0] not in broken_files)
        )
    analyzed = set().union(*missed.values()) if missed else set()
    report.analyzed = sorted(analyzed)
    report.cached = sorted(set(python) - analyzed - unparsable)
    if "semgrep" in chosen:  # our own rules: the per-file ones run in Semgrep, these see it all
        others = {p: c for p, c in files.items() if not p.endswith(".py")}  # config files
        found.extend(project_findings(python | others))
        found.extend(template_findings(files))
        for refine in (refine_csrf_exempt, refine_split_settings, refine_csrf_findings):
            found = refine(found, python)
    # Across files: a sink fed by a project helper that returns only safe values, a redirect
    # guarded by a project's safe-URL check or whose host is fixed (see the modules).
    found = dedupe(found)
    for reassess in (
        reassess_helpers,
        reassess_escaped_bodies,
        reassess_member_branches,
        reassess_properties,
        reassess_undone_markup,
        reassess_typed_params,
        reassess_json_body_views,
        reassess_upstream_bodies,
        reassess_csrf_post_views,
        reassess_methods,
        reassess_buffers,
        reassess_bearer,
        reassess_flask_csrf,
        reassess_git_http_views,
        reassess_saml_acs,
        reassess_preflighted_views,
        reassess_inert_views,
        reassess_redirects,
        reassess_post_redirects,
        reassess_session_stores,
        reassess_fastapi_paths,
        reassess_flask_segments,
        reassess_path_methods,
        reassess_admin_views,
        reassess_cookie_switch,
        reassess_constant_cookies,
        reassess_query_cookies,
        reassess_cookie_purpose,
        reassess_verified_pickles,
        reassess_cache_pickles,
        reassess_template_text,
        reassess_refused_secrets,
        reassess_debug_switch,
        reassess_local_host,
        reassess_url_helpers,
        reassess_preference_urls,
        reassess_local_models,
        reassess_published_tokens,
        reassess_plugin_hooks,
    ):
        found = reassess(found, python)
    found = reassess_markup_callers(found, files)  # templates count as callers too
    found = reassess_dev_runners(found, files)  # deployment files say what is served
    found = reassess_debug_hosts(found, files)  # deployment files may set the debug host
    found = reassess_template_dirs(found, files)  # which templates a loader can find
    found = reassess_proxy_redirect(found, files)  # the shipped proxy's own http redirect
    report.findings = sorted(broken + found, key=_order)
    return report


def _skip_reason(path: str) -> str:
    """Why a file is not analyzed ('' when it is)."""
    try:
        check_relative_path(path)
    except ValueError as err:
        return f"unsafe path: {err}"
    return "" if path.endswith(".py") else "not a Python file"


def _run_all(
    work: dict[str, dict[str, str]], counter: _Counter
) -> tuple[dict[str, dict[str, list[Finding]]], dict[str, dict[str, str]]]:
    """Run the analysers side by side; results in the order of `work`, so the findings do not
    depend on which finished first, and per analyser the files it did not finish (with why).
    Those that work in a process of their own (Semgrep) are started first, so that preparing
    their input does not wait for the in-process ones (Bandit) to let go of the interpreter;
    these then run while the processes scan."""
    started: dict[str, Started] = {}
    unfinished: dict[str, dict[str, str]] = {name: {} for name in work}
    try:
        for name, files in work.items():
            start = getattr(get_analyzer(name), "start", None)
            if start is not None:
                started[name] = start(files, counter.step)
        done = _run_inside({n: f for n, f in work.items() if n not in started}, counter)
        for name, running in started.items():
            done[name] = _grouped(running.result())
            unfinished[name] = dict(running.incomplete)
    finally:
        for running in started.values():
            running.stop()  # a no-op once it has finished; ends it when another one failed
    return {name: done[name] for name in work}, unfinished


def _run_inside(
    work: dict[str, dict[str, str]], counter: _Counter
) -> dict[str, dict[str, list[Finding]]]:
    """Run the in-process analysers, in threads of their own when there are several."""
    with collector.over_new_objects():
        if len(work) < 2:
            return {name: _run(name, files, counter) for name, files in work.items()}
        with ThreadPoolExecutor(max_workers=len(work), thread_name_prefix="analyzer") as pool:
            futures = {n: pool.submit(_run, n, files, counter) for n, files in work.items()}
            return {name: future.result() for name, future in futures.items()}


def _run(name: str, files: dict[str, str], counter: _Counter) -> dict[str, list[Finding]]:
    """Run one analyzer over files; findings grouped by file."""
    return _grouped(get_analyzer(name).run(files, counter.step))


def _grouped(found: list[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by file, in their order."""
    grouped: dict[str, list[Finding]] = {}
    for finding in found:
        grouped.setdefault(finding["file"], []).append(finding)
    return grouped


class _Counter:
    """Forwards progress as (done, total) to the caller's callback."""

    def __init__(self, callback: Progress | None, total: int) -> None:
        self.callback, self.total, self.done = callback, total, 0
        self._lock = threading.Lock()  # analysers run in threads of their own

    def step(self, count: int) -> None:
        with self._lock:
            self.done += count
            if self.callback:
                self.callback(self.done, self.total)


def _order(finding: Finding) -> tuple[str, int, int, str]:
    """Sort by file, line, most severe first, then rule."""
    return (
        finding["file"],
        finding["line"],
        -SEVERITY_ORDER[finding["severity"]],
        finding["rule_id"],
    )
