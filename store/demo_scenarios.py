"""The demo history's scenarios: each function writes one conversation on a ``Chat``.

Built from the demo shop's scenarios (see ``store/demo_history.py``); the bot's lines are
texts it really says (``domain.yml``, the actions, the phrase bank) where one exists, so a
transcript turns into a test story.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence, Tuple

from store.models import Actor, ResolutionKind

if TYPE_CHECKING:  # pragma: no cover
    from store.demo_history import Chat

WELCOME = "Happy to help. If anything else comes up, I'm right here."


def _order_status(c: Chat) -> None:
    c.customer_says(c.rng.choice(["where is my order?", "hi, has my parcel shipped yet", "tracking for my order pls"]),
                    "order_status")
    c.bot_says("Order #1088 left our Memphis hub this morning and is on schedule for Friday. "
               "You'll get a text from the carrier on the day.")
    c.customer_says(c.rng.choice(["great thanks", "perfect, thank you", "ok thanks"]), "thank")
    c.bot_says(WELCOME)


def _faq(c: Chat) -> None:
    c.customer_says(c.rng.choice(["what's your return policy", "how long do refunds take",
                                  "do you ship to canada?"]), "faq")
    c.bot_says("You can return anything within 30 days, and the label is on us. Refunds reach your card "
               "5-7 business days after we receive it.")


def _late_credit(c: Chat) -> None:
    c.customer_says("I paid for overnight shipping and it's two days late, the party is tomorrow", "delivery_late",
                    0.45, ["paid for fast shipping"])
    c.bot_says("It's really frustrating when something you paid to have on time doesn't show up — especially "
               "when it matters.",
               "I've added a $24.99 credit to your account for the overnight shipping, and the parcel is out "
               "for delivery today.")
    c.grant(ResolutionKind.CREDIT, "24.99", "late overnight delivery, shipping credited")
    c.customer_says(c.rng.choice(["ok, thank you", "thanks, that helps"]), "thank")


def _damaged(c: Chat) -> None:
    c.customer_says(c.rng.choice(["the vase arrived smashed", "my order came broken", "it arrived damaged"]),
                    "item_damaged", 0.42, ["damaged item"])
    c.bot_says("Opening a parcel to find it broken is so disappointing — especially when it's a gift.",
               "Let's put this right at once: a replacement is already on its way, free of charge. No return needed.")
    c.grant(ResolutionKind.REPLACEMENT, "48.00", "damaged on delivery, replacement shipped")


def _wrong_item(c: Chat) -> None:
    c.customer_says("you sent me the wrong colour blanket", "wrong_item", 0.3)
    c.bot_says("No wonder you're frustrated — that's not what you ordered at all.",
               "I've set up the right one, sage green, as a new order at no cost. Keep the blue one or donate it.")
    c.grant(ResolutionKind.REPLACEMENT, "79.00", "wrong colour delivered, replacement shipped")


def _duplicate(c: Chat) -> None:
    c.customer_says("why was I charged twice this month?", "billing_issue", 0.4, ["money taken twice"])
    c.bot_says("Money leaving your account when it shouldn't is worrying — you're right to flag it.",
               "I can see two $29.00 charges four minutes apart: the second one is a duplicate, and I've refunded it.")
    c.grant(ResolutionKind.REFUND, "29.00", "duplicate subscription charge refunded")


def _refund_status(c: Chat) -> None:
    c.customer_says(c.rng.choice(["where is my refund", "still no refund after a week??", "when do I get my money"]),
                    "refund_status", 0.35)
    c.bot_says("Your refund of $38.00 for order #1080 is with the payment provider: refunds take 5-7 business "
               "days to reach your card. It was started on Monday.")
    if c.rng.random() < 0.55:
        c.customer_says("that's what you said last week. this is ridiculous", "complain", 0.78,
                        ["repeated contact", "strong negative words"])
        c.hand_off("detector", ["repeated contact", "strong negative words"], 0.78)
        c.agent_joins()
        c.agent_says("I'm sorry you've had to chase this twice. I've asked the payment team to push it through "
                     "today and added a $10 credit for the trouble.")
        c.grant(ResolutionKind.CREDIT, "10.00", "refund delayed, goodwill credit", by=Actor.AGENT)
        c.resolve("refund_chased", c.rng.choice([3, 4, 4, 5]))
    else:
        c.customer_says("ok", "affirm")


def _setup(c: Chat) -> None:
    confusing = c.rng.random() < 0.6
    text = c.rng.choice(["this is so confusing, the shopify sync is stuck at 0%",
                         "the setup is confusing and nothing syncs"]) if confusing else \
        c.rng.choice(["how do I connect Shopify?", "how do I set up the integration"])
    c.customer_says(text, "setup_help", 0.35 if confusing else 0.05)
    c.bot_says("To connect Shopify, open Settings > Integrations, paste your API key and press Sync. "
               "The first sync can take up to an hour.")
    if confusing and c.rng.random() < 0.8:
        c.customer_says("I already did that twice. still 0%. I need a person", "request_human", 0.6,
                        ["asked for a person", "repeated attempts"])
        c.hand_off("customer", ["asked for a person"], 0.6)
        c.agent_joins()
        c.agent_says("That sounds exhausting, and thank you for trying it twice. I can see the sync job is stuck "
                     "on a product with no SKU; I've restarted it for you.")
        c.resolve("setup_fixed", c.rng.choice([4, 5, 5]))
    else:
        c.customer_says(c.rng.choice(["ok will try", "thanks"]), "thank")


def _locked(c: Chat) -> None:
    c.customer_says("I can't log in, it says my account is locked", "account_access", 0.4, ["locked out"])
    c.bot_says("Being locked out of your own account is really frustrating.",
               "I've sent a reset link to the e-mail on your account; it works for the next hour.")
    if c.rng.random() < 0.3:
        c.customer_says("the link doesn't work either", "account_access", 0.55, ["still blocked"])
        c.hand_off("bot", ["reset link did not work"], 0.55)
        c.agent_joins()
        c.agent_says("I'm sorry the link let you down. I've unlocked the account from here: try signing in now.")
        c.resolve("account_unlocked", c.rng.choice([4, 5]))


def _angry_repeat(c: Chat) -> None:
    c.customer_says("this is the THIRD time I'm contacting you about my delivery", "delivery_late", 0.85,
                    ["repeated contact", "shouting"])
    c.hand_off("detector", ["repeated contact", "shouting"], 0.85)
    c.agent_joins((60, 1500))
    c.agent_says("I'm so sorry you've had to come back three times; that's on us. I've re-sent the parcel by "
                 "express and credited the shipping.")
    c.grant(ResolutionKind.CREDIT, c.rng.choice(["12.99", "24.99"]), "repeat contact about a late delivery",
            by=Actor.AGENT)
    c.resolve("delivery_fixed", c.rng.choice([2, 3, 4, 4, 5]))


def _chargeback(c: Chat) -> None:
    c.customer_says("if this isn't fixed today I'm filing a chargeback with my bank", "billing_issue", 0.9,
                    ["mentions a chargeback"])
    c.hand_off("high_stakes", ["mentions a chargeback"], 0.9)
    c.agent_joins()
    c.agent_says("I understand why you're ready to go to your bank. Let's fix it now: I've refunded the charge "
                 "in full.")
    c.grant(ResolutionKind.REFUND, "56.00", "disputed charge refunded before a chargeback", by=Actor.AGENT)
    c.resolve("refunded", c.rng.choice([3, 4, 5]))


def _fallback(c: Chat) -> None:
    c.customer_says("the thing with the thing didnt go thru", "nlu_fallback", 0.1)
    c.bot_says("That one went past me, I'm afraid. Could you rephrase it? If it's easier, I can bring in a person "
               "from our team.")
    c.customer_says("the PAYMENT. didnt go thru. why is this so hard", "nlu_fallback", 0.55,
                    ["strong negative words"])
    if c.rng.random() < 0.6:
        c.hand_off("fallback", ["misunderstood twice"], 0.55)
        c.agent_joins()
        c.agent_says("Sorry for the runaround. I can see the payment was declined by your bank; nothing was taken.")
        c.resolve("explained", c.rng.choice([3, 4, 5]))
    else:
        c.bot_says("I didn't catch what you need there. Is it about an order, a payment, or your account?")


def _person(c: Chat) -> None:
    c.customer_says(c.rng.choice(["can I talk to a person", "human please", "real agent please"]), "request_human")
    c.hand_off("customer", ["asked for a person"], 0.2)
    c.agent_joins()
    c.agent_says("Hi, I'm here. What can I do for you?", "Done: I've changed the gift message on your order.")
    c.resolve("changed_order", c.rng.choice([4, 5, 5]))


def _cancel(c: Chat) -> None:
    c.customer_says("please cancel my order", "cancel_order")
    c.bot_says("So we're clear: order #1034 (Walnut Serving Board) gets cancelled and all $54.00 goes back to "
               "you. Shall I go ahead?")
    c.customer_says("yes", "affirm")
    c.bot_says("All done: we've cancelled #1034, and the full $54.00 is being refunded to you.")


#: (scenario, weight, needs a known customer)
SCENARIOS: Sequence[Tuple[Callable[[Chat], None], int, bool]] = (
    (_order_status, 16, False), (_faq, 10, False), (_late_credit, 6, True), (_damaged, 6, True),
    (_wrong_item, 4, True), (_duplicate, 4, True), (_refund_status, 9, True), (_setup, 12, False),
    (_locked, 6, True), (_angry_repeat, 6, True), (_chargeback, 3, True), (_fallback, 7, False),
    (_person, 6, False), (_cancel, 5, True),
)
