"""``python -m insights [--since 30d] [--format text|json|csv] [--url URL]``: the report on the store."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import sys
from typing import Any, Dict, Iterator, Optional, Sequence, Tuple

from common.settings import load_settings
from insights import report
from insights.voice import load_rules
from store.db import make_engine, session_factory


def flatten(value: Any, prefix: str = "") -> Iterator[Tuple[str, Any]]:
    """``("csat.with_person.mean", 4.2)`` rows for every leaf (lists of objects indexed)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, inner in enumerate(value):
            yield from flatten(inner, f"{prefix}.{i}")
    elif isinstance(value, list):
        yield prefix, " ".join(str(v) for v in value)
    else:
        yield prefix, value


def as_csv(data: Dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["metric", "value"])
    for key, value in flatten({k: v for k, v in data.items() if k != "daily"}):
        writer.writerow([key, "" if value is None else value])
    return out.getvalue()


def _pct(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.0%}"


def _secs(value: Optional[float]) -> str:
    if value is None:
        return "–"
    return f"{value / 60:.1f} min" if value < 3600 else f"{value / 3600:.1f} h"


def _num(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.2f}"


def as_text(d: Dict[str, Any]) -> str:
    csat, grants = d["csat"], d["grants"]
    lines = [
        f"Insights {d['period']['since']} .. {d['period']['until']}"
        + (f"  ({d['demo_conversations']} of them generated demo history)" if d["demo_conversations"] else ""),
        f"  conversations          {d['conversations']}  (open with a person: {d['open_conversations']})",
        f"  contained by the bot   {_pct(d['contained_rate'])}     handed off {_pct(d['handoff_rate'])}",
        "  handoff reasons        " + ", ".join(f"{k} {v}" for k, v in d["handoff_reasons"].items()),
        f"  first agent reply      p50 {_secs(d['time_to_first_agent_reply_s']['p50'])}, "
        f"p90 {_secs(d['time_to_first_agent_reply_s']['p90'])}",
        f"  resolution time        p50 {_secs(d['resolution_time_s']['p50'])}, p90 {_secs(d['resolution_time_s']['p90'])}",
        f"  CSAT                   {_num(csat['mean'])} ({csat['count']} ratings); bot only "
        f"{_num(csat['bot_only']['mean'])} ({csat['bot_only']['count']}), with a person "
        f"{_num(csat['with_person']['mean'])} ({csat['with_person']['count']})",
        f"  reopened within 7 days {_pct(d['reopened_within_7d_rate'])}",
        f"  grants                 {grants['count']} worth ${grants['amount']:.2f}: "
        + ", ".join(f"{k} {v['count']} (${v['amount']:.2f})" for k, v in grants["by_actor"].items()),
        "  escalation by intent   " + ", ".join(f"{k} {_pct(v['rate'])} of {v['conversations']}"
                                              for k, v in list(d["escalation_by_intent"].items())[:6]),
        "Empathy gaps:",
    ]
    lines += [f"  - {g['finding']} (e.g. #{', #'.join(map(str, g['conversation_ids'][:3]))})"
              for g in d["empathy_gaps"]] or ["  (none found)"]
    return "\n".join(lines) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m insights", description="Support metrics and empathy gaps.")
    parser.add_argument("--since", default="30d", help="period: 30d (default), 12h, 4w")
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
    parser.add_argument("--url", help="database URL (default: DATABASE_URL or the local SQLite file)")
    args = parser.parse_args(argv)
    try:
        report.parse_period(args.since)
    except ValueError as exc:
        parser.error(str(exc))
    settings = load_settings()
    if args.url:
        settings = dataclasses.replace(settings, database_url=args.url)
    engine = make_engine(settings)
    try:
        with session_factory(engine)() as session:
            data = report.for_period(session, args.since, load_rules(settings.policy_dir))
    finally:
        engine.dispose()
    if args.format == "json":
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    elif args.format == "csv":
        sys.stdout.write(as_csv(data))
    else:
        sys.stdout.write(as_text(data))
    return 0
