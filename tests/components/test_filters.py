import pytest

from components.filters import describe_filters

OPTIONS = {"FIN": "Finance", "IT": "Information Technology", "HR": "Human Resources"}


@pytest.mark.parametrize(("selected", "scoped", "expected"), [
    ([], False, "Showing all departments."),
    ([], True, "Showing all departments you may see."),
    (["FIN"], False, "Showing Finance."),
    (["FIN", "IT"], False, "Showing Finance and Information Technology."),
    (["FIN", "IT", "HR"], False, "Showing Finance, Information Technology and Human Resources."),
    (["ZZ"], False, "Showing ZZ."),
])
def test_caption_states_the_filters_in_words(selected, scoped, expected):
    assert describe_filters(selected, OPTIONS, scoped=scoped).replace("\\", "") == expected


def test_caption_escapes_department_names():
    caption = describe_filters(["X"], {"X": "[evil](javascript:alert(1))"}, scoped=False)
    assert "](" not in caption.replace("\\]\\(", "")
    assert caption.startswith("Showing \\[evil\\]")
