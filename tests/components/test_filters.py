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


def test_filter_options_come_from_the_frames():
    import polars as pl

    from components.filters import filter_options

    frames = {
        "projects": pl.DataFrame({"phase": ["execution", "framing"], "status": ["active", "on_hold"],
                                  "manager": ["Ann", None]}),
        "departments": pl.DataFrame({"code": ["FIN"], "name": ["Finance"]}),
        "objectives": pl.DataFrame({"code": ["O1"], "name": ["Grow"]}),
    }
    options = filter_options(frames)
    assert options["department"] == {"FIN": "Finance"}
    assert list(options["phase"]) == ["framing", "execution"]          # lifecycle order
    assert options["status"] == {"active": "active", "on_hold": "on hold"}
    assert options["manager"] == {"Ann": "Ann"}
    assert options["objective"] == {"O1": "Grow"}
