"""Entry point inside the sandbox: load the Flask app, run every probe, write the results as JSON.

Run as `python run_flask.py CONFIG_JSON` with the probe folder and the project on sys.path. Only the
standard library and Flask are used, since this runs in the app's own environment.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback


def main(config: dict) -> dict:
    """Probe the app named in `config`; the returned dict is what the node reads back."""
    for name in config.get("placeholders", []):
        os.environ.setdefault(name, f"devsecbots-probe-placeholder-{config['token']}")
    os.environ.setdefault("FLASK_ENV", "production")
    sys.path.insert(0, config["project"])
    os.chdir(config["project"])
    from attack import Target
    from discover import load_app, upload_forms
    from flask_probes import PROBES

    started = time.monotonic()
    try:
        app = load_app(config["module"], config.get("attribute", ""))
    except BaseException as failure:  # noqa: BLE001 - the app's own start-up error is the result
        return {"loaded": False, "error": f"{type(failure).__name__}: {failure}"[:400]}
    target = Target(app=app, token=config["token"], roots=config["roots"])
    for path in config.get("sources", []):
        with open(os.path.join(config["project"], path), "rb") as handle:
            target.source_files[path] = handle.read()
    forms = upload_forms(app.test_client(), app, "https://localhost")
    target.upload_form = forms[0] if forms else None
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
        outcome["evidence"] = str(outcome.get("evidence", "")).replace(config["roots"][0], "")
        outcome.update(id=probe.__name__, seconds=round(time.monotonic() - begun, 3))
        results.append(outcome)
    return {
        "loaded": True,
        "upload_form": (target.upload_form or {}).get("url", ""),
        "results": results,
        "seconds": round(time.monotonic() - started, 3),
    }


if __name__ == "__main__":
    settings = json.loads(sys.argv[1])
    outcome = main(settings)
    with open(settings["results"], "w", encoding="utf-8") as out:
        json.dump(outcome, out)
