"""The next best action: the grant that fits the situation and the agent's budget, else a step (pure).

Which grants fit a situation is the designers' (``policy/assist.yml``, ``situations.*.grants``);
what the agent could grant is ``store.agents.grant_options``; whether the agent may grant it
now is the grant's own rule (``store.resolutions.check_grant``, previewed by
``store.agents.check_option`` and passed in here). This module only chooses.
"""

from __future__ import annotations

from typing import Any, Collection, Dict, List, Optional, Sequence, Tuple

from handoff.service.assist_policy import AssistPolicy
from store.resolutions import GrantCheck

JSON = Dict[str, Any]


def _same_target(option: JSON, res: JSON) -> bool:
    if option["kind"] == "refund":
        return option.get("charge_id") is not None and res.get("charge_id") == option.get("charge_id")
    return res.get("order") is not None and str(res.get("order")) == str(option.get("order_number"))


def candidates(policy: AssistPolicy, situation: str, order: Optional[str], options: Sequence[JSON],
               resolutions: Sequence[JSON], late: Collection[str] = ()) -> Tuple[List[JSON], Optional[JSON]]:
    """Grant options that fit, best first, and the resolution that already covers the best fit (or None).

    An option fits when its kind is one the situation names and, for an order-level grant, it
    is on the order the conversation is about (when one is known) and, for a ``late_only``
    situation, on one of the ``late`` orders. A kind already granted on that order (or charge)
    is not offered again.
    """
    block = policy.situation(situation)
    fitting: List[JSON] = []
    covered: Optional[JSON] = None
    for kind in block.grants:
        for option in options:
            if option.get("kind") != kind:
                continue
            if kind != "refund" and order and str(option.get("order_number")) != str(order):
                continue
            if block.late_only and str(option.get("order_number")) not in {str(n) for n in late}:
                continue
            earlier = next((r for r in resolutions if r.get("kind") == kind and r.get("status") != "pending_approval"
                            and _same_target(option, r)), None)
            if earlier is not None:
                covered = covered or earlier
                continue
            fitting.append(option)
    return fitting, covered


def grant_payload(policy: AssistPolicy, situation: str, option: JSON, amount: Any) -> JSON:
    """The ``grant`` request the console sends for ``option`` (the same event as its grant form)."""
    out: JSON = {"kind": option["kind"], "reason": policy.situation(situation).grant_reason or option.get("label")}
    if option["kind"] == "refund":
        out["charge_id"] = option["charge_id"]
    else:
        out["order_number"] = option["order_number"]
    if option["kind"] == "credit":
        out["amount"] = float(amount)
    return out


def next_best_action(policy: AssistPolicy, situation: str, fitting: Sequence[JSON],
                     checks: Sequence[GrantCheck], covered: Optional[JSON],
                     amounts: Sequence[Any]) -> JSON:
    """``{"kind": "grant", "label", "why", "grant"}`` for the first fitting option the check allows;
    else ``{"kind": "step", "label", "why"}``: ask a lead (over budget), confirm what was already
    granted, or the situation's step.

    ``checks[i]`` and ``amounts[i]`` belong to ``fitting[i]`` (checks may stop at the first allowed).
    """
    for option, check, amount in zip(fitting, checks, amounts, strict=False):
        if check.allowed:
            label = (policy.line("grant_credit", amount=f"{float(amount):.2f}", order=option["order_number"])
                     if option["kind"] == "credit" else str(option.get("label")))
            return {"kind": "grant", "label": label, "why": check.reason,
                    "grant": grant_payload(policy, situation, option, amount)}
    refused = next((c for c in checks if not c.allowed), None)
    if refused is not None:
        return {"kind": "step", "label": policy.over_budget_step.format(why=refused.reason), "why": refused.reason}
    if covered is not None:
        return {"kind": "step", "label": policy.already_granted_step.format(what=covered.get("text")),
                "why": "already granted"}
    return {"kind": "step", "label": policy.situation(situation).step, "why": situation}
