"""WordPress family: core html5/xhtml walkers, WordPress.com, tagDiv and theme callbacks."""
from __future__ import annotations

from newsarchive.threads import choose_parser, comment_page_links, ThreadContext

from .conftest import rows


def test_core_html5_walker(thread):
    comments, page = thread("wp_html5.html")
    assert rows(comments) == [
        ("501", None, 1, "comment", "Awa Traoré", "https://awa.example.net/"),
        ("502", "501", 2, "comment", "Moussa", None),
        ("505", "502", 3, "comment", "Fatou", None),
        ("503", None, 1, "pingback", "Ten bridges worth a visit", "https://blog.example.com/niger-bridges/"),
    ]
    first, second, _, ping = comments
    assert first.text == "I crossed it last week.\n\nTraffic is still slow at noon."
    assert (first.date_published, first.date_published_raw) == ("2024-03-01T10:15:00Z", "March 1, 2024 at 10:15 am")
    assert second.date_published == "2024-03-01T11:40:00Z"  # +01:00 offset kept apart from UTC
    assert second.text == "Same here — very slow."  # no moderation notice, "says:" or "Reply"
    assert "<em>very</em>" in second.text_html
    assert ping.text == "" and ping.date_published is None
    assert [c.position for c in comments] == [0, 1, 2, 3]


def test_sidebar_recent_comments_are_not_the_thread(thread):
    comments, _ = thread("wp_html5.html")
    assert "9001" not in {c.comment_id for c in comments}


def test_classic_xhtml_walker(thread):
    comments, _ = thread("wp_xhtml.html")
    assert rows(comments) == [
        ("11", None, 1, "comment", "Backfee", "http://backfee.example.de"),
        ("12", "11", 2, "comment", "Admin", None),
        ("14", None, 1, "comment", "Jens", None),
    ]
    assert comments[0].text == "Super Rezept\n\nDanke!\nGleich ausprobiert."  # smiley image dropped
    assert comments[0].date_published_raw == "12. Mai 2016 um 10:05"
    assert [c.date_published for c in comments] == [
        "2016-05-12T10:05:00Z", "2016-05-13T08:30:00Z", "2016-06-01T18:47:00Z"]


def test_wordpress_com_highlander(thread):
    comments, _ = thread("wpcom.html")
    assert rows(comments) == [
        ("31", None, 1, "comment", "Lena", "http://lena.wordpress.com"),
        ("32", "31", 2, "comment", "Piet", None),
    ]
    assert comments[0].text == "Ein Text über Brücken.\n\nSchön gesagt."  # quote kept, "Liken" gone
    assert [c.date_published for c in comments] == ["2019-05-04T15:02:11Z", "2019-05-05T07:00:00Z"]


def test_tagdiv_newspaper(thread):
    comments, page = thread("tagdiv.html", "https://www.example.ml/politique/conseil-1642552.html")
    assert rows(comments) == [
        ("7001", None, 1, "comment", "Bamanan", None),
        ("7002", "7001", 2, "comment", "Sikasso Info", "http://sikasso.example.ml"),
        ("7003", None, 1, "pingback", "Revue de presse du 12 mai", "https://revue.example.ml/post/9"),
    ]
    assert comments[0].date_published == "2016-05-12T10:05:00Z"  # the pubdate epoch, not the text
    assert comments[1].text == "Pas si vite."  # moderation notice dropped
    assert comments[2].text == "[…] le conseil des ministres […]"  # a ping with an excerpt keeps it
    ctx = ThreadContext(page_url=page.url)
    assert comment_page_links(page.tree, ctx) == [
        "https://www.example.ml/politique/conseil-1642552.html/comment-page-1"]


def test_theme_callbacks_avada_and_bare_author_lines(thread):
    comments, page = thread("wp_theme.html")
    assert choose_parser(page.tree).name == "wordpress"
    assert rows(comments) == [
        ("114", None, 1, "comment", "Ben", None),
        ("122", "114", 2, "pingback", "Bloggertipps: Kennzeichnung", "https://castle.example.de/kennzeichnung/"),
        ("140", None, 1, "comment", "Miriam", None),
    ]
    assert comments[0].text == "Das Gericht denkt so."  # no "- Antworten", no date line
    assert comments[2].text == "Kenne ich nicht.\nKlingt gut."  # bare "März 7, 2018" line dropped
