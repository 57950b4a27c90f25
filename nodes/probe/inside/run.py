"""Entry point inside the sandbox: load the app, run every probe, write the results as JSON.

Run as `python run.py CONFIG_JSON`; the script's folder is on sys.path (it is the script's own),
the project is added. Only the standard library and the app's framework are used, since this runs
in the app's own environment.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback


def adapter_for(config: dict):
    """The framework adapter around the loaded app (loading runs the app's import-time code)."""
    if config["framework"] == "django":
        import django_adapter

        database = os.path.join(os.environ.get("TMPDIR", "/tmp"), "probe.sqlite3")
        return django_adapter.DjangoAdapter(django_adapter.load(config["module"], database))
    if config["framework"] == "fastapi":
        import fastapi_adapter

        return fastapi_adapter.FastAPIAdapter(
            fastapi_adapter.load(config["module"], config.get("attribute", ""))
        )
    import flask_adapter

    return flask_adapter.FlaskAdapter(
        flask_adapter.load(config["module"], config.get("attribute", ""))
    )


def main(config: dict) -> dict:
    """Probe the app named in `config`; the returned dict is what the node reads back."""
    for name in config.get("placeholders", []):
        os.environ.setdefault(name, f"devsecbots-probe-placeholder-{config['token']}")
    root = os.path.join(config["project"], config.get("root", ""))
    sys.path.insert(0, root)
    os.chdir(root)
    from probes import PROBES
    from web import Target

    started = time.monotonic()
    try:
        adapter = adapter_for(config)
    except BaseException as failure:  # noqa: BLE001 - the app's own start-up error is the result
        return {"loaded": False, "error": f"{type(failure).__name__}: {failure}"[:400]}
    top = config.get("top", "")
    target = Target(adapter=adapter, token=config["token"], roots=config["roots"], top=top)
    for path in config.get("sources", []):
        with open(os.path.join(config["project"], path), "rb") as handle:
            target.source_files[path] = handle.read()
    forms = adapter.find_forms()
    target.upload = next((f for f in forms if f.field), None)
    target.form = next((f for f in forms if f.page), None)
    results = []
    for probe in PROBES:
        begun = time.monotonic()
        try:
            outcome = probe(target)
        except Exception as failure:  # noqa: BLE001 - one probe's crash must not hide the others
            last = traceback.extract_tb(failure.__traceback__)[-1]
            outcome = {
                "status": "error",
                "evidence": f"{type(failure).__name__}: {failure} (at {last.name})"[:400],
            }
        evidence = str(outcome.get("evidence", ""))
        outcome["evidence"] = evidence.replace(top, "") if top else evidence
        outcome.update(id=probe.__name__, seconds=round(time.monotonic() - begun, 3))
        results.append(outcome)
    return {
        "loaded": True,
        "framework": adapter.framework,
        "upload": target.upload.url if target.upload else "",
        "results": results,
        "seconds": round(time.monotonic() - started, 3),
    }


if __name__ == "__main__":
    settings = json.loads(sys.argv[1])
    outcome = main(settings)
    with open(settings["results"], "w", encoding="utf-8") as out:
        json.dump(outcome, out)
