from decimal import Decimal

from reports.facts import BLOCKS, FACTS, subtotal_warnings


def test_the_published_caseload_figures_warn_that_they_do_not_add_up():
    values = {
        "caseload_total": Decimal(215),
        "caseload_court": Decimal(83),
        "caseload_out_of_court": Decimal(132),
        "caseload_community": Decimal(81),
        "caseload_custody": Decimal(2),
        "caseload_licence": Decimal(4),
        "caseload_youth_caution": Decimal(68),
        "caseload_youth_conditional_caution": Decimal(6),
        "caseload_community_resolution": Decimal(68),
    }
    warnings = subtotal_warnings(values)
    assert len(warnings) == 2
    assert warnings[0].startswith("Court disposals is 83, but its parts add up to 87")
    assert warnings[1].startswith("Out-of-court disposals is 132, but its parts add up to 142")


def test_figures_that_add_up_or_are_incomplete_do_not_warn():
    assert (
        subtotal_warnings(
            {"caseload_total": Decimal(10), "caseload_court": Decimal(4), "caseload_out_of_court": Decimal(6)}
        )
        == []
    )
    assert subtotal_warnings({"caseload_court": Decimal(83), "caseload_community": Decimal(81)}) == []


def test_every_fact_has_one_key_and_chapter_one_blocks_name_their_standard():
    keys = [f.key for b in BLOCKS for f in b.facts]
    assert len(keys) == len(set(keys)) == len(FACTS)
    assert {b.standard for b in BLOCKS if b.standard} == {"1.1", "1.2", "1.3"}
