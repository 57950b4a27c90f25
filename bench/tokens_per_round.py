"""Prompt tokens per round over 8 rounds: flat, because prompts carry files + open findings only.

The real graph (real nodes, real ChatOpenAI client, Bandit) runs against the local fake server:
DevBot returns a slightly changed app every round and SecBot keeps requesting changes, so the run
goes the full 8 rounds. Prompt tokens per round are read from the server's records (what it
bills: one token per 4 characters of message text). Baseline, from the same run: round 2, the
first revision round (round 1 writes from the request alone). Targets: round 5 <= 1.2 x round 2
and round 8 <= 1.2 x round 2. For contrast, the same run's messages are replayed as a chat
transcript (each bot re-sent all its earlier messages and answers), the usual agent-loop shape.

    .venv/bin/python bench/tokens_per_round.py [--rounds 8]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devsecbots.graphs.context import Context  # noqa: E402
from devsecbots.graphs.devsec import build_graph, recursion_limit  # noqa: E402

from devsecbots.testing import FakeOpenAI  # noqa: E402
from devsecbots.testing.wire import count_tokens, prompt_tokens  # noqa: E402
from tests.story import INSECURE_APP, ROUND1_FINDINGS, submission, verdict  # noqa: E402

TARGET = 1.2


def script(server: FakeOpenAI) -> dict[str, list[str]]:
    """DevBot: the app with one more revision line each round; SecBot: changes requested."""
    answers: dict[str, list[str]] = {"dev": [], "sec": []}
    revisions = itertools.count(1)

    def dev(_body: dict) -> dict:
        reply = submission(INSECURE_APP + f"# revision {next(revisions)}\n")
        answers["dev"].append(json.dumps(reply))
        return reply

    def sec(_body: dict) -> dict:
        reply = verdict("changes_requested", ROUND1_FINDINGS)
        answers["sec"].append(json.dumps(reply))
        return reply

    server.default("dev", dev)
    server.default("sec", sec)
    return answers


def run(rounds: int) -> tuple[list[dict], dict]:
    """Per round: prompt tokens of DevBot's and SecBot's calls and the transcript counterfactual."""
    with FakeOpenAI() as server:
        answers = script(server)
        ctx = Context(
            dev_model="dev",
            sec_model="sec",
            base_url=server.base_url,
            analyzers=("bandit",),
            max_rounds=rounds,
            stall_rounds=rounds + 1,
            run_tests=False,
            max_retries=0,
        )
        final = build_graph().invoke(
            {"request": "a Flask app for file upload"},
            {"recursion_limit": recursion_limit(rounds)},
            context=ctx,
        )
        requests, billed = server.requests, server.billed
    assert final["round"] == rounds, final.get("reason")
    by_model = {m: [r for r in requests if r.model == m] for m in ("dev", "sec")}
    assert all(len(v) == rounds for v in by_model.values())
    rows, history = [], {"dev": 0, "sec": 0}
    for i in range(rounds):
        row = {"round": i + 1}
        for model in ("dev", "sec"):
            req = by_model[model][i]
            row[model] = prompt_tokens(req.body)
            # A transcript loop sends the system prompt once plus every earlier task and answer.
            task = count_tokens("".join(m["content"] for m in req.messages if m["role"] == "user"))
            system = row[model] - task
            history[model] += task
            row[f"{model}_transcript"] = system + history[model]
            history[model] += count_tokens(answers[model][i])
        row["total"] = row["dev"] + row["sec"]
        row["transcript"] = row["dev_transcript"] + row["sec_transcript"]
        rows.append(row)
    assert sum(r["total"] for r in rows) == billed["input_tokens"]
    return rows, billed


def main(argv: list[str] | None = None) -> int:
    """Print the per-round table, the ratios against round 2 and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args(argv)
    if args.rounds < 5:
        parser.error("--rounds must be at least 5")
    rows, billed = run(args.rounds)
    base = rows[1]["total"]
    print(f"prompt tokens per round, {args.rounds} rounds (fake server billing; Bandit only)")
    print(
        f"  {'round':>5} {'DevBot':>7} {'SecBot':>7} {'total':>7} {'vs r2':>6}   "
        f"{'transcript loop':>15} {'vs r2':>6}"
    )
    for r in rows:
        print(
            f"  {r['round']:>5} {r['dev']:>7,} {r['sec']:>7,} {r['total']:>7,} "
            f"{r['total'] / base:>5.2f}x   {r['transcript']:>15,} "
            f"{r['transcript'] / rows[1]['transcript']:>5.2f}x"
        )
    r5, last = rows[4]["total"] / base, rows[-1]["total"] / base
    ok = r5 <= TARGET and last <= TARGET
    print(
        f"  baseline round 2 = {base:,} tokens; round 5 = {r5:.2f}x, round {args.rounds} = "
        f"{last:.2f}x; target <= {TARGET}x: {'met' if ok else 'NOT met'}"
    )
    print(
        f"  billed input tokens {billed['input_tokens']:,} over {billed['requests']} calls; "
        f"a transcript loop would have sent {sum(r['transcript'] for r in rows):,}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
