"""Every page gets a "Share this view" link; a meeting-mode link hides the sidebar's tools and
the editing controls (AppTest through app.py and the real login form)."""

from __future__ import annotations

from support.apptest import rerun, sign_in


def codes(at) -> list[str]:
    return [c.value for c in at.code]


def test_the_share_popover_offers_the_page_link_with_its_parameters(app_env):
    at = sign_in("pmo", query={"department": "Finance"})
    assert not at.exception, at.exception
    links = codes(at)
    assert len(links) == 2
    assert links[0].endswith("/?department=Finance")          # the default page is the root
    assert links[1].endswith("/?department=Finance&meeting=1")


def test_meeting_mode_hides_editing_controls_and_can_be_left(app_env):
    at = sign_in("pmo", query={"meeting": "1"})
    assert not at.exception, at.exception
    assert not codes(at)                                   # no share popover in meeting mode
    leave = [b for b in at.button if b.key == "pmo_leave_meeting"]
    assert leave
    leave[0].click()
    rerun(at)
    assert not [b for b in at.button if b.key == "pmo_leave_meeting"]
    assert len(codes(at)) == 2


def test_meeting_mode_does_not_run_form_pages(app_env):
    from support.apptest import rerun

    at = sign_in("pmo", query={"meeting": "1"})
    at.switch_page("views/standards.py")
    rerun(at)
    assert not at.exception, at.exception
    assert any("not shown in meeting mode" in i.value for i in at.info)
    assert not at.get("form")


def test_the_portfolio_filters_follow_the_user_to_the_next_page(app_env):
    from support.apptest import rerun

    at = sign_in("pmo", query={"department": "Finance"})
    assert not at.exception, at.exception
    at.switch_page("views/portfolio.py")
    rerun(at)
    assert not at.exception, at.exception
    assert at.multiselect(key="department").value == ["Finance"]
    assert at.query_params["department"] == ["Finance"] or at.query_params["department"] == "Finance"
    at.multiselect(key="department").set_value([])
    rerun(at)
    at.switch_page("views/risks.py")
    rerun(at)
    assert at.multiselect(key="department").value == []
