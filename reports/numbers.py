"""How the report writes numbers, in one place (docs/report.md, Conventions).

House style: words up to nine, numerals from 10 ("three custodial sentences", "31 community sentences");
a sentence never starts with a numeral, so there the number is spelled out ("Twenty per cent of ...");
percentages are "per cent" in prose and "%" in tables; large numbers take thousands separators.
"""

from __future__ import annotations

from decimal import Decimal

_UNITS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def spelled_out(number: int) -> str:
    """A whole number from 0 to 9999 in words, British style: 'one hundred and five'."""
    if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number <= 9999:
        raise ValueError(f"Only whole numbers from 0 to 9999 are spelled out, not {number!r}.")
    if number < 20:
        return _UNITS[number]
    if number < 100:
        tens, units = divmod(number, 10)
        return _TENS[tens] + (f"-{_UNITS[units]}" if units else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{_UNITS[hundreds]} hundred" + (f" and {spelled_out(rest)}" if rest else "")
    thousands, rest = divmod(number, 1000)
    if not rest:
        return f"{_UNITS[thousands]} thousand"
    joiner = " and " if rest < 100 else " "
    return f"{_UNITS[thousands]} thousand{joiner}{spelled_out(rest)}"


def number_words(number: int, *, sentence_start: bool = False) -> str:
    """A count as the report writes it: words up to nine, numerals from 10.

    At the start of a sentence every number is spelled out and capitalised ('Twenty', 'Three').
    """
    if sentence_start:
        words = spelled_out(number)
        return words[0].upper() + words[1:]
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise ValueError(f"A count is a whole number of 0 or more, not {number!r}.")
    return _UNITS[number] if number <= 9 else f"{number:,}"


def per_cent(percentage: int | None, *, sentence_start: bool = False) -> str:
    """A whole-number percentage in prose: '74 per cent', 'five per cent'; a missing one is a dash."""
    if percentage is None:
        return "–"
    return f"{number_words(percentage, sentence_start=sentence_start)} per cent"


def table_percent(percentage: int | None) -> str:
    """A whole-number percentage in a table: '74%'; a key question with no applicable case is '–'."""
    return "–" if percentage is None else f"{percentage}%"


def figure(value: Decimal | int, unit: str) -> str:
    """A contextual fact's value with its unit, as a table prints it: '40.5%', '£2,801,086', '1,066,647'."""
    value = Decimal(value)
    text = _grouped(value)
    if unit == "percent":
        return f"{text}%"
    if unit == "currency":
        return f"£{text}"
    return text


def _grouped(value: Decimal) -> str:
    """Thousands separators, keeping exactly the decimals that were entered (4.20 stays 4.20)."""
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    grouped = f"{int(whole):,}"
    return f"{sign}{grouped}.{fraction}" if fraction else f"{sign}{grouped}"
