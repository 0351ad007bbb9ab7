"""Every form a demo user is shown, posted back with garbage in every field: the answer is a page
(with its message), a redirect or a refusal, never a server error. The forms are found the way a
user finds them: by following the links of the pages, from the home page."""

import re
from collections import deque
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db

# Values a tampered form carries: not a number, an absurd number, an id beyond any row, an
# impossible date, a negative number, a long text.
GARBAGE = ["abc", "1e999", "99999999999999999999999", "2025-02-30", "-1", "x" * 6000]
# Not followed: leaving, the admin and the API (their own tests), downloads.
SKIPPED = re.compile(r"^/(accounts/logout|admin|api|static|media)/|\.(pdf|csv|xlsx|json)$|/pdf/$")
PAGES_PER_USER = 120
SAME_SHAPE = 2  # pages whose address differs only by ids: this many are enough


class Forms(HTMLParser):
    """The links of a page and its POST forms (action, field names, with the fields placed
    outside a form that name it by `form="<id>"`)."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form = [], [], None
        self._by_id, self._outside = {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"].split("#")[0])
        elif tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "names": set()}
            self.forms.append(self._form)
            self._by_id[attrs.get("id")] = self._form
        elif tag in {"input", "select", "textarea", "button"}:
            name = attrs.get("name")
            if not name or name == "csrfmiddlewaretoken":
                return
            if attrs.get("form"):
                self._outside.append((attrs["form"], name))
            elif self._form is not None:
                self._form["names"].add(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None

    def close(self):
        super().close()
        for form_id, name in self._outside:
            if form_id in self._by_id:
                self._by_id[form_id]["names"].add(name)


def shape(url: str) -> str:
    return re.sub(r"\d+", "#", url.split("?")[0])


def posted_forms(client) -> dict:
    """{(action shape, field names): (action, field names)} of the pages reachable from home."""
    found, seen_shapes, seen = {}, {}, set()
    queue = deque(["/"])
    while queue and len(seen) < PAGES_PER_USER:
        url = queue.popleft()
        if url in seen or SKIPPED.search(url.split("?")[0]):
            continue
        if seen_shapes.get(shape(url), 0) >= SAME_SHAPE:
            continue
        seen.add(url)
        seen_shapes[shape(url)] = seen_shapes.get(shape(url), 0) + 1
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(response.content.decode())
        parser.close()
        queue.extend(link for link in parser.links if link not in seen)
        for form in parser.forms:
            action = form["action"] or url
            if SKIPPED.search(action.split("?")[0]):
                continue
            key = (shape(action), tuple(sorted(form["names"])))
            found.setdefault(key, (action, sorted(form["names"])))
    return found


@pytest.mark.parametrize(
    "username",
    ["admin", "city_reviewer", "county_reviewer", "institution", "evaluator", "worker", "finance"],
)
def test_garbage_in_every_field_of_every_form_is_never_a_server_error(login, username):
    client = login(username)
    forms = posted_forms(client)
    assert forms, "no form found"
    for action, names in forms.values():
        for value in GARBAGE:
            response = client.post(action, dict.fromkeys(names, value))
            assert response.status_code < 500, (action, value)
        # A form posted with nothing at all.
        assert client.post(action, {}).status_code < 500, action
