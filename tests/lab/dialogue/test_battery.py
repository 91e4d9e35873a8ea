"""The reply battery (lab/dialogue): its cases load, its checks say what a turn missed, and a
few cases run through the dialogue with the keyword NLU."""

from lab.dialogue.battery import POLICY_ANSWER, Battery, check, load, scripted_factory


def test_the_battery_loads_with_every_case_named_once():
    orders, cases = load()
    assert len(cases) >= 100 and orders
    assert len({c.id for c in cases}) == len(cases)
    assert all(c.expect for c in cases)


def _turn(**overrides):
    turn = {
        "status": "bot",
        "expecting": "order_id",
        "messages": [{"text": "Which order is it about?", "citations": []}],
        "quick_replies": ["A different order"],
        "actions": [],
    }
    return {**turn, **overrides}


def test_check_names_what_the_turn_missed():
    assert check({"expecting": "order_id", "quick_replies": "A different order"}, _turn()) == []
    problems = check({"status": "waiting_for_agent", "cites": "DMG-3.1"}, _turn())
    assert len(problems) == 2
    answered = _turn(messages=[{"text": POLICY_ANSWER, "citations": ["RET-2.1"]}])
    assert check({}, answered) == ["read as a policy question"]
    assert check({"not_a_policy_question": False}, answered) == []


def test_some_cases_pass_through_the_dialogue():
    orders, cases = load()
    battery = Battery(orders, scripted_factory)
    try:
        wanted = {"yes-1", "no-photo-1", "number-1", "other-lists-old"}
        results = [battery.run(c, n) for n, c in enumerate(cases) if c.id in wanted]
    finally:
        battery.close()
    assert len(results) == 4
    assert all(r.passed for r in results), [(r.case.id, r.problems) for r in results]
