"""A root found as the posts' parent is a thread too: its posts lose their member panels.

real12 made a thread of a root that is one of its posts, or of a thread inside a broad root; a root
that already is the posts' parent was left a plain root, so ``cleaning.posts`` never saw its posts.
Two shapes of it, fixture pages in ``tests/fixtures/threads/``:

- ``forum-page-body.html``: a board's posts (``div.post``, each with a ``postbody`` and a ``dl.postprofile``
  of "Posts:" and "Joined:") side by side in the page body; when trafilatura reads them all, the content
  rule's candidates (the ``postbody`` elements) meet in their common ancestor, the posts' parent;
- ``qa-question-answers.html``: a question and its answers, each with a user card (reputation, badges)
  and a vote count, the question beside the answers' container in the page's ``role=main`` element, which
  is the root.
"""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from bundler.cleaning.content import Support, find_root, thread_posts
from bundler.cleaning.posts import tidy_posts
from bundler.commands.extract import piece_text
from bundler.importers import ImportOptions, read_piece
from bundler.importers.html import parse_page

PAGES = Path(__file__).parent.parent / "fixtures" / "threads"
BOARD_POSTS = ["I am getting my first colony", "Use what your association uses", "A full brood box", "Thank you both."]
ANSWERS = ["I am going away for three weeks", "Dry some of it.", "Three weeks in the fridge", "You can also freeze"]


def _tree(name: str):
    return parse_page((PAGES / name).read_text(encoding="utf-8"), name, [])


def _text(name: str) -> str:
    return piece_text(read_piece(PAGES / name, ImportOptions()))


def _in_order(text: str, starts: list[str]) -> bool:
    positions = [text.find(start) for start in starts]
    return -1 not in positions and positions == sorted(positions)


def test_the_common_ancestor_of_every_post_is_a_thread_root():
    tree = _tree("forum-page-body.html")
    everything = " ".join(post.text_content() for post in tree.xpath("//div[@class='content']"))
    root = find_root(tree, "", Support(everything))  # trafilatura read every post: no one postbody holds half
    assert root.element.get("id") == "page-body"
    assert root.posts
    assert [post.get("id") for post in thread_posts(root) if post.get("id")] == ["p90211", "p90215", "p90230", "p90241"]


def test_a_boards_member_profiles_go_and_every_post_stays():
    text = _text("forum-page-body.html")
    assert _in_order(text, BOARD_POSTS), text
    for furniture in ("Joined:", "Posts: 4,032", "Queen breeder", "Newcomer"):
        assert furniture not in text, furniture


def test_a_question_beside_its_answers_makes_the_main_element_a_thread():
    tree = _tree("qa-question-answers.html")
    root = find_root(tree, "", Support(tree.xpath("//div[@id='mainbar']")[0].text_content()))
    assert root.element.get("id") == "mainbar"
    assert root.posts
    assert [post.get("id") for post in thread_posts(root)] == ["question", "answer-4412", "answer-4417", "answer-4430"]


def test_user_cards_of_a_question_and_its_answers_go_and_each_post_names_its_writer():
    text = _text("qa-question-answers.html")
    assert _in_order(text, ANSWERS), text
    for furniture in ("gold badge", "silver badges", "23.8k", "1,204"):
        assert furniture not in text, furniture
    lines = text.splitlines()
    for writer, start in zip(("Tomasz", "Aisling", "Benedikt"), ANSWERS[1:], strict=True):
        assert lines[next(i for i, line in enumerate(lines) if line.startswith(start)) - 1] == writer, lines
    assert "Related questions" not in text and "Rye or wheat" not in text


def test_comments_side_by_side_with_a_story_do_not_make_a_thread():
    """The root's children being posts is not enough: they must hold most of its text (a story with three
    short comments beside it in one element is a story, with or without a second opinion)."""
    story = (
        "<div class='story'><h1>The orchard</h1>"
        + "<p>The neighbours cut back the brambles and grafted the old trees again.</p>" * 6
        + "</div>"
    )
    comments = "".join(f"<div class='comment' id='comment-{n}'><p>Lovely news, thank you for writing it up.</p></div>" for n in (1, 2, 3))
    tree = parse_page(f"<html><body><nav><a href='/'>Home</a></nav><main>{story}{comments}</main></body></html>", "story.html", [])
    for support in (Support(tree.xpath("//div[@class='story']")[0].text_content()), None):
        root = find_root(tree, "", support)
        assert root.element.tag == "main" and not root.posts


def test_a_blog_posts_body_whose_rows_are_classed_with_a_post_word_is_not_a_thread():
    """The root the rule found is itself the candidate (``post-content``), its rows merely named "post-row":
    the posts of a thread are the root's children holding the candidates, not the candidate's own rows."""
    rows = "".join(
        f"<div class='post-row'><p>{'The tide comes in twice a day along this stretch of coast. ' * 3}{n}</p></div>" for n in range(4)
    )
    tree = parse_page(f"<html><body><div class='post-content'>{rows}</div><footer>Harbour notes</footer></body></html>", "rows.html", [])
    root = find_root(tree, "", None)
    assert root.element.get("class") == "post-content"
    assert not root.posts


def test_a_vote_count_is_post_furniture_whatever_its_styling_classes_and_a_posts_own_text_stays():
    posts = lxml_html.fragment_fromstring(
        "<div>"
        "<div class='answer'><div class='vote-count fc-theme-body-font'>67</div>"
        "<div class='answer-body'><p>Use the fridge.</p></div></div>"
        "<div class='answer'><div class='vote-count fc-theme-body-font'>+100</div>"
        "<div class='message-body js-reactions'>Agreed, the fridge works.</div></div>"
        "</div>"
    )
    assert tidy_posts(list(posts)) == ["67", "+100"]
    assert [" ".join(" ".join(p.itertext()).split()) for p in posts] == ["Use the fridge.", "Agreed, the fridge works."]


MICRODATA_POSTS = [
    ("ruth", "I saved a walk from the desktop site"),
    ("dafydd", "The app cannot open GPX files"),
    ("ruth", "That worked, thank you."),
    ("morwenna", "One more tip: download the map area"),
]


def test_posts_marked_only_by_their_microdata_make_a_thread():
    """``forum-microdata-posts.html``: forum software that classes only some posts ("topic-owner-post"), the
    rest not at all, but marks each one ``itemtype="http://schema.org/Comment"``."""
    tree = _tree("forum-microdata-posts.html")
    root = find_root(tree, "", Support(tree.xpath("//main")[0].text_content()))
    assert root.posts
    assert [post.get("data-index") for post in thread_posts(root) if post.tag == "li"] == ["0", "1", "2", "3"]


def test_an_avatars_initial_is_not_the_author_the_posts_microdata_author_is():
    lines = _text("forum-microdata-posts.html").splitlines()
    starts = [next(i for i, line in enumerate(lines) if line.startswith(start)) for _, start in MICRODATA_POSTS]
    assert starts == sorted(starts), lines
    assert [lines[i - 1] for i in starts] == [name for name, _ in MICRODATA_POSTS], lines
    assert not [line for line in lines if len(line.strip()) == 1], lines  # no "R", "D", "M" initials
    assert not [line for line in lines if "Reply" in line or "Quote" in line], lines


def test_a_microdata_author_inside_an_attribution_line_stays_there():
    posts = lxml_html.fragment_fromstring(
        "<div>"
        "<div class='post'><span class='avatar'>A</span>"
        "<p>by <a itemprop='author' href='/u/ann'>Ann</a>: 9:43pm On Dec 09</p><div class='content'>First.</div></div>"
        "</div>"
    )
    assert tidy_posts(list(posts)) == ["A"]
    assert [p.text_content() for p in posts[0].iter("p")] == ["by Ann: 9:43pm On Dec 09"]  # no author line written
