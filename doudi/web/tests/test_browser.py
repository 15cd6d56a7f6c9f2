"""End to end in a real browser: headless Chromium from Debian's packages, driven by Playwright.

The caseworker logs in, opens a household, files an application in the form and finds it in the
work list. The test is skipped where /usr/bin/chromium is missing (``make browser`` installs it
when run as root)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

from doudi.intake.models import Application

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is missing: install Debian's chromium (`make browser` as root)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page(live_server, monkeypatch) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio event loop in the test's thread, so Django's
    # async-unsafe check would refuse the ORM calls the test itself makes (reading the household,
    # asserting the application). No coroutine touches the database: the loop only drives the
    # browser, and the live server answers in its own thread. Lifted for this test only.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(locale="zh-CN")
            context.set_default_timeout(15_000)
            yield context.new_page()
        finally:
            browser.close()
            # While the loop runs, Django keeps its connections per async context: the ones this
            # test opened would outlive it and keep PostgreSQL from dropping the test database.
            connections.close_all()


def test_a_caseworker_files_an_application_and_sees_it_in_the_worklist(
    live_server, page, caseworker_user, household
):
    # given: the caseworker is logged in
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "wuhang_caseworker")
    page.fill("input[name=password]", "pass-1234")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # when: they open the household, fill in the form and submit it
    page.goto(f"{live_server.url}/households/{household.public_id}/")
    page.click("[data-testid=apply]")
    page.check("#programme_dibao")
    for membership in household.memberships.filter(is_counted=True, is_active=True):
        key = membership.person.public_id
        page.check(f"#consent_{key}")
        if membership.relation == "child":
            page.select_option(f"select[name=signed_by_{key}]", "guardian")
            page.fill(f"input[name=proxy_reason_{key}]", "未成年")
        if membership.relation == "head":
            page.select_option(f"select[name=income_type_{key}_0]", "wage")
            page.fill(f"input[name=income_amount_{key}_0]", "1200.00")
    page.click("[data-testid=submit-application]")

    # then: the case page confirms it, and the work list shows it
    page.wait_for_url(f"{live_server.url}/applications/*/")
    assert "申请已提交" in page.content()
    assert page.inner_text("[data-testid=status]") == "已提交"
    application = Application.objects.get()
    assert page.url == f"{live_server.url}/applications/{application.public_id}/"
    page.click("[data-testid=nav-applications]")
    rows = page.inner_text("[data-testid=applications]")
    assert "林建国" in rows
    assert "最低生活保障（低保）" in rows
    assert "已提交" in rows
