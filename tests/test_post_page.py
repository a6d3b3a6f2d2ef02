"""The post page: task lists, headings a reader can link to, code to copy, images that fit."""

from __future__ import annotations

from conftest import post


def test_task_lists_render_as_disabled_checkboxes_labelled_by_their_text(site):
    body = """
    Before the visit:

    - [x] Order the **spare** seal
    - [ ] Book the crane
        - [X] Ask the site manager

    1. [ ] Numbered too

    - A plain item stays plain
    """
    site.write("content/alice/hello.md", post("Checklist", body=body))
    site.build()
    prose = site.page("posts/alice/hello/index.html").cssselect(".prose")[0]
    labels = prose.cssselect("li.task-list-item > label")
    assert [label.text_content().strip() for label in labels] == [
        "Order the spare seal",
        "Book the crane",
        "Ask the site manager",
        "Numbered too",
    ]
    boxes = [label.cssselect("input")[0] for label in labels]
    assert all(box.get("type") == "checkbox" and box.get("disabled") is not None for box in boxes)
    assert [box.get("checked") is not None for box in boxes] == [True, False, True, False]
    assert "[ ]" not in prose.text_content() and "[x]" not in prose.text_content()
    assert len(prose.cssselect("ul.task-list, ol.task-list")) == 3
    plain = prose.cssselect("ul:not(.task-list) > li")
    assert [li.text_content() for li in plain] == ["A plain item stays plain"]
