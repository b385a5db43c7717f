"""A listing keeps its lines however the page wrote them: newlines, ``<br>``s or one element a line."""

from __future__ import annotations

from bundler.importers import read_piece
from bundler.model import Preformatted

PAGE = """<!doctype html><html lang="en"><head><title>Setting up the tool</title></head><body><main><article>
<h1>Setting up the tool</h1>
<p>Install the package and check that the interpreter sees it before you go any further with the setup.</p>
<pre>pip install example-tool<br>python3<br/>import example_tool</pre>
<p>A highlighter may write one element per line of the listing instead of newline characters in the text.</p>
<pre><code><div>first = 1</div><div>second = 2</div></code></pre>
<p>Plain listings keep their own newlines and indentation exactly as the page wrote them, comments aside.</p>
<pre><code>def total():
    return first + <!-- kept out --> second
</code></pre>
<p>That is all the setup needs; the rest of the guide covers what the tool does with your files.</p>
</article></main></body></html>"""


def test_listing_lines_survive_br_and_line_elements(tmp_path):
    page = tmp_path / "setup.html"
    page.write_text(PAGE, encoding="utf-8")
    listings = [block.text for block in read_piece(page).body if isinstance(block, Preformatted)]
    assert listings == [
        "pip install example-tool\npython3\nimport example_tool",
        "first = 1\nsecond = 2",
        "def total():\n    return first +  second",
    ]
