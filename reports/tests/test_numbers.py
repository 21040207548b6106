from decimal import Decimal

import pytest

from reports.numbers import figure, number_words, per_cent, spelled_out, table_percent


@pytest.mark.parametrize(
    ("number", "words"),
    [(0, "zero"), (3, "three"), (9, "nine"), (10, "10"), (31, "31"), (1234, "1,234")],
)
def test_words_up_to_nine_numerals_from_ten(number, words):
    assert number_words(number) == words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (3, "Three"),
        (20, "Twenty"),
        (74, "Seventy-four"),
        (100, "One hundred"),
        (105, "One hundred and five"),
        (2021, "Two thousand and twenty-one"),
        (1100, "One thousand one hundred"),
    ],
)
def test_a_sentence_never_starts_with_a_numeral(number, words):
    assert number_words(number, sentence_start=True) == words


def test_spelled_out_refuses_what_it_cannot_spell():
    with pytest.raises(ValueError):
        spelled_out(10000)
    with pytest.raises(ValueError):
        number_words(-1)
    with pytest.raises(ValueError):
        number_words(True)


def test_percentages_in_prose_and_in_tables():
    assert per_cent(74) == "74 per cent"
    assert per_cent(5) == "five per cent"
    assert per_cent(20, sentence_start=True) == "Twenty per cent"
    assert per_cent(None) == table_percent(None) == "–"
    assert table_percent(54) == "54%"


@pytest.mark.parametrize(
    ("value", "unit", "printed"),
    [
        ("1066647", "count", "1,066,647"),
        ("40.5", "percent", "40.5%"),
        ("2801086", "currency", "£2,801,086"),
        ("4.20", "number", "4.20"),
        ("77.25", "fte", "77.25"),
    ],
)
def test_contextual_figures_keep_the_decimals_entered(value, unit, printed):
    assert figure(Decimal(value), unit) == printed
