"""Inside a thread's posts: the member panel and action bar go, each post's author stays as a line.

Fixture page ``tests/fixtures/threads/forum-user-panels.html``: four posts in the markup forum software
writes (a user cell with name, member title, avatar and "Joined / Messages / Reaction score" pairs, an
attribution line, the post's text in a ``message-userContent``, an action bar and a reactions bar);
the first and last posts are by the same member, the page's author by its metadata-free first post.
"""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from bundler.cleaning.posts import tidy_posts
from bundler.commands.extract import piece_text
from bundler.importers import ImportOptions, read_piece

PAGES = Path(__file__).parent.parent / "fixtures" / "threads"
AUTHORS_AND_STARTS = [
    ("Ingrid", "Our allotment shed has a felt roof"),
    ("Pavel", "Take the old felt off."),
    ("Okonkwo", "Agreed."),
    ("Ingrid", "Thank you both. The old felt came away"),
]


def _lines() -> list[str]:
    return piece_text(read_piece(PAGES / "forum-user-panels.html", ImportOptions())).splitlines()


def test_each_post_keeps_its_author_as_the_line_before_it_first_and_last_too():
    lines = _lines()
    starts = [next(i for i, line in enumerate(lines) if line.startswith(start)) for _, start in AUTHORS_AND_STARTS]
    assert starts == sorted(starts), lines
    assert [lines[i - 1] for i in starts] == [author for author, _ in AUTHORS_AND_STARTS], lines


def test_member_statistics_and_post_actions_are_furniture():
    text = "\n".join(_lines())
    for furniture in ("Joined", "Messages", "Reaction score", "3,118", "Well-known member", "Report", "Quote", "Reply", "Reactions:"):
        assert furniture not in text, furniture
    assert "Agreed." in text  # a one-word post in the post's own text container is the post, not furniture


def test_label_value_pairs_go_by_their_shape_and_a_post_body_stays_whatever_its_length():
    posts = lxml_html.fragment_fromstring(
        "<div>"
        "<div class='post'><dl><dt>Location</dt><dd>Leeds</dd><dt>Posts</dt><dd>52</dd></dl>"
        "<div class='post-author'><a href='/u/1'>Mira</a> Senior member</div><p>Short reply.</p></div>"
        "<div class='post'><div class='author-text'><p>A post body classed with an author word stays.</p></div>"
        "<dl><dt>Term defined in the post</dt><dd>a definition that is part of the post's own text, longer than a value</dd></dl></div>"
        "</div>"
    )
    dropped = tidy_posts(list(posts))
    assert dropped == ["Location Leeds Posts 52", "Mira Senior member"]
    first, second = (" ".join(" ".join(p.itertext()).split()) for p in posts)
    assert first == "Mira Short reply."
    assert "A post body classed with an author word stays." in second and "a definition that is part" in second


def test_an_author_line_holding_the_posts_date_stays():
    posts = lxml_html.fragment_fromstring(
        "<div>"
        "<div class='post'><p class='author'>by <a href='/u/2'>Jane</a> » <span class='posttime'>Aug 08, 2006</span></p>"
        "<div class='content'>The first reply.</div><ul class='post-buttons'><li><a href='/q'>Quote</a></li></ul></div>"
        "</div>"
    )
    assert tidy_posts(list(posts)) == ["Quote"]
    assert " ".join(" ".join(posts[0].itertext()).split()) == "by Jane » Aug 08, 2006 The first reply."
