"""The answer saves in cases/services.py write rows with hand-kept column lists (docs/decisions/0001).
These tests fail when a field is added to an answer model and not to that SQL, or the other way round."""

import inspect
import re

import pytest

from cases import services
from cases.models import KeyQuestionAnswer, PromptAnswer

SOURCE = inspect.getsource(services)
TABLES = {"kq_answers": KeyQuestionAnswer, "prompt_answers": PromptAnswer, "answers": PromptAnswer}


def _inserts():
    for table, columns in re.findall(r"INSERT INTO \{(\w+)\} \(([^)]*)\)", SOURCE):
        yield table, [column.strip() for column in columns.split(",")]


def _model_columns(model) -> set[str]:
    return {field.column for field in model._meta.concrete_fields if not field.primary_key}


def test_every_raw_insert_is_found():
    assert sorted(table for table, _columns in _inserts()) == ["answers", "kq_answers", "prompt_answers"]


@pytest.mark.parametrize(("table", "columns"), list(_inserts()), ids=lambda value: str(value)[:20])
def test_a_raw_insert_names_every_column_of_its_model(table, columns):
    model = TABLES[table]
    assert len(columns) == len(set(columns)), "a column is named twice"
    assert set(columns) == _model_columns(model), (
        f"The INSERT into {model.__name__} in cases/services.py lists {sorted(set(columns))}; the model has "
        f"{sorted(_model_columns(model))}. Add the new field to the SQL (or remove the old one)."
    )
