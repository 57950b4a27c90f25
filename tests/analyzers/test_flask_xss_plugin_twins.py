"""Flask XSS where the view returns what a plugin's hook returns (plugin_hooks.py). The safe twin
dispatches to a hook no code of the project implements: low confidence with the reason. Its
unsafe siblings (the project implements that hook itself and echoes request data, or the
dispatch helper also returns text of its own making) still block."""

from __future__ import annotations

import pytest

from .helpers import assert_blocks, assert_low_with_why, twin_findings, twin_path

RULE = "devsecbots.flask.xss"
HEADER = """\
import pluggy
from flask import Blueprint, abort, request

web = Blueprint("web", __name__)
hookspec = pluggy.HookspecMarker("wiki")
hookimpl = pluggy.HookimplMarker("wiki")
"""

DISPATCH = """
        def {helper}(hook_name, *args, **kwargs):
            for impl in getattr(plugin_manager.hook, hook_name).get_hookimpls():
                fn = getattr(impl, "function")
                value = fn(*args, **kwargs)
                if value is not None:
                    return value
            return None
"""

# name -> (safe body, unsafe body); each twin names its own hooks and helpers (read project-wide)
TWINS: dict[str, tuple[str, str]] = {
    "hook-implemented-here-or-not": (
        """
        class Spec:
            @hookspec(firstresult=True)
            def page_request(self, name, values):
                pass

        plugin_manager = pluggy.PluginManager("wiki")
        plugin_manager.add_hookspecs(Spec)
        """
        + DISPATCH.format(helper="call_page_hook")
        + """
        @web.route("/-/plugin/<name>")
        def plugin_page(name):
            result = call_page_hook("page_request", name=name, values=request.values)
            if not result:
                abort(404)
            return result
        """,
        """
        class EchoSpec:
            @hookspec(firstresult=True)
            def echo_request(self, name, values):
                pass

        class EchoPlugin:
            @hookimpl
            def echo_request(self, name, values):
                return "<p>%s</p>" % values["q"]

        plugin_manager = pluggy.PluginManager("wiki")
        plugin_manager.add_hookspecs(EchoSpec)
        plugin_manager.register(EchoPlugin())
        """
        + DISPATCH.format(helper="call_echo_hook")
        + """
        @web.route("/-/echo/<name>")
        def echo_page(name):
            result = call_echo_hook("echo_request", name=name, values=request.values)
            if not result:
                abort(404)
            return result
        """,
    ),
    "helper-returns-only-hook-results-or-not": (
        """
        class AdminSpec:
            @hookspec(firstresult=True)
            def admin_request(self, name, values):
                pass

        plugin_manager = pluggy.PluginManager("wiki")
        plugin_manager.add_hookspecs(AdminSpec)
        """
        + DISPATCH.format(helper="call_admin_hook")
        + """
        @web.route("/-/admin/<name>")
        def admin_page(name):
            return call_admin_hook("admin_request", name=name, values=request.values)
        """,
        """
        class ToolSpec:
            @hookspec(firstresult=True)
            def tool_request(self, name, values):
                pass

        plugin_manager = pluggy.PluginManager("wiki")
        plugin_manager.add_hookspecs(ToolSpec)

        def call_tool_hook(hook_name, *args, **kwargs):
            for impl in getattr(plugin_manager.hook, hook_name).get_hookimpls():
                fn = getattr(impl, "function")
                value = fn(*args, **kwargs)
                if value is not None:
                    return value
            return "<p>no plugin answered %s</p>" % kwargs["name"]

        @web.route("/-/tool/<name>")
        def tool_page(name):
            return call_tool_hook("tool_request", name=name, values=request.values)
        """,
    ),
}


@pytest.fixture(scope="module")
def xss_findings():
    return twin_findings(TWINS, HEADER, RULE)


@pytest.mark.parametrize("name", TWINS)
def test_the_safe_twin_is_reported_at_low_confidence_with_why(xss_findings, name):
    assert_low_with_why(xss_findings[twin_path(name, "safe")])


@pytest.mark.parametrize("name", TWINS)
def test_the_unsafe_twin_blocks(xss_findings, name):
    assert_blocks(xss_findings[twin_path(name, "unsafe")])
