"""Finding a child and hearing their record in the line mode, as a screen-reader user types it."""

from __future__ import annotations


from tests.helpers import referred_child_with_a_visit
from tests.line.test_line_mode import answers, assert_said_once, drive


def test_find_open_and_hear_each_part_of_the_record(stack, client_factory, tmp_path):
    reply = referred_child_with_a_visit(client_factory("duty"))
    family = reply.person.family_name
    text = drive(stack, ["login", "duty", "demo", "chronology", f"find margerite {family}", "open 2", "open 1",
                         "chronology", "story", "family", "timescales", "logout", "login", "duty", "demo",
                         "chronology", "quit"], tmp_path)
    assert_said_once(text)
    blocks = answers(text)
    assert "Open a child's record first: find, then open and a number." in " ".join(blocks[2])
    assert blocks[3][:2] == ["1 child found.", f"1. {reply.person.display_name}, ZZ3 3ZZ ({reply.person.name})"]
    assert "There is only one; type open 1." in " ".join(blocks[4])
    opened = blocks[5]
    assert opened[0] == f"Opened the record of {reply.person.display_name}." and "Summary:" in opened
    assert "Not allocated to a worker." in opened
    assert any("Home visit with the school nurse (recorded by Dana Duty)" in line for line in blocks[6])
    assert blocks[7][0] == "Case story:" and len(blocks[7]) > 1
    assert blocks[8] == ["Family:", "No family or other relationships recorded."]
    assert any("Referral decision due" in line for line in blocks[9])
    # After logging out nothing of the child is left to be read by the next person.
    assert blocks[10] == ["Logged out."]
    assert "Open a child's record first" in " ".join(blocks[12])
