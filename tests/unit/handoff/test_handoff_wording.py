"""The service's own words: honest about what happens next, never said twice."""

from handoff.service import wording


def test_queued_says_a_person_is_coming_and_how_long():
    text = wording.queued(2, 240, "customer")
    assert "bringing in a person" in text
    assert "number 2 in line" in text and "about 4 minutes" in text


def test_queued_after_the_bot_announced_gives_only_the_facts():
    text = wording.queued(1, 60, "customer", announced=True)
    assert "bringing in" not in text
    assert text.startswith("You're next in line") and "about a minute" in text
