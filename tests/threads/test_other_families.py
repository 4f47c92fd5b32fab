"""wpDiscuz, Drupal, SPIP, schema.org microdata and the generic comment-card fallback."""
from __future__ import annotations

from newsarchive.threads import choose_parser, parse_thread, ThreadContext
from newsarchive.threads.base import content_id
from lxml import html

from .conftest import rows


def test_wpdiscuz_ids_encode_the_parent(thread):
    comments, page = thread("wpdiscuz.html")
    assert choose_parser(page.tree).name == "wpdiscuz"
    assert rows(comments) == [
        ("801", None, 1, "comment", "Kadi", "https://kadi.example.org"),
        ("802", "801", 2, "comment", "Editor", None),
        ("803", None, 1, "comment", "Issa", None),
    ]
    assert [c.text for c in comments] == [
        "Ours paid for itself in two years.", "Which brand?", "Dust is the real problem."]
    # the full date in the title wins over "9 months ago"
    assert [c.date_published for c in comments] == [
        "2024-03-03T09:12:00Z", "2024-03-03T10:00:00Z", "2024-03-04T18:30:00Z"]


def test_drupal7_anchors_and_indented_replies(thread):
    comments, _ = thread("drupal7.html")
    assert rows(comments) == [
        ("13843", None, 1, "comment", "JPA", None),
        ("13845", "13843", 2, "comment", "Rédaction", "https://example.org/users/redaction"),
        ("13846", "13845", 3, "comment", "JPA", None),
        ("13847", None, 1, "comment", "BINH", None),
    ]
    first = comments[0]
    assert (first.title, first.text) == ("Les harpistes", "Pourquoi en vouloir aux harpistes ?\nBonne écoute")
    assert (first.date_published, first.date_published_raw) == ("2020-05-07T12:38:00Z", "7 mai 2020 - 12:38")
    assert comments[1].text == "Personne ne leur en veut."  # "haut de page" link dropped


def test_drupal_olivero_articles(thread):
    comments, _ = thread("drupal_olivero.html")
    assert rows(comments) == [
        ("21", None, 1, "comment", "Oumar", None),
        ("22", "21", 2, "comment", "Aminata D.", "https://example.org/user/3"),
    ]
    assert (comments[0].title, comments[0].text) == ("Too expensive", "We pay twice what we paid in 2020.")
    assert comments[1].text == "Same in Ségou."
    assert [c.date_published for c in comments] == ["2024-03-01T11:00:00Z", "2024-03-01T12:30:00Z"]


def test_spip_dist_forum(thread):
    comments, _ = thread("spip_dist.html")
    assert rows(comments) == [
        ("88120", None, 1, "comment", "Wendkuni", None),
        ("88125", "88120", 2, "comment", "Ousmane", None),
        ("88130", None, 1, "comment", "Kadi", None),
    ]
    assert [c.title for c in comments] == ["Bonne décision", "Bonne décision", "Et les routes ?"]
    assert comments[0].text == "Il était temps.\n\nMerci au ministre."
    assert [c.date_published for c in comments] == [
        "2016-05-12T10:05:00Z", "2016-05-12T11:40:00Z", "2016-05-13T08:00:00Z"]


def test_spip_comments_plugin(thread):
    comments, _ = thread("spip_comments.html")
    assert rows(comments) == [
        ("81135", None, 1, "comment", "Gérard Martinez", None),  # not the "En réponse à" title link
        ("81145", "81135", 2, "comment", "Phile", None),
    ]
    assert comments[0].text == "La guitare électrique, c’est pas mal !"
    assert [c.date_published for c in comments] == ["2019-07-02T06:19:20Z", "2019-07-02T18:35:12Z"]


def test_schema_org_comment_microdata(thread):
    comments, _ = thread("microdata.html")
    assert rows(comments) == [
        ("4401", None, 1, "comment", "Guest", None),
        ("4402", "4401", 2, "comment", "Salif", None),
    ]
    assert [c.text for c in comments] == ["Fridays suit me better.", "Not for me."]
    assert [c.date_published for c in comments] == ["2018-10-05T11:15:08Z", "2018-10-05T12:00:00Z"]


def test_comment_cards_fallback(thread):
    comments, page = thread("cards.html")
    assert choose_parser(page.tree).name == "cards"
    assert rows(comments) == [
        ("12983938", None, 1, "comment", "Dekisefouton", None),
        ("12983935", None, 1, "comment", "Gigi de Rey", None),
        ("20785152", None, 1, "comment", "Muriel", None),  # "Name - Le DATE" split
    ]
    assert [c.text for c in comments] == [
        "Nos juges... Et lui ont-ils fixé une date ?", "On marche sur la tête !",
        "Pour sauver un fleuron du patrimoine."]  # no "Lire plus", "Signaler", like counter
    assert [c.date_published for c in comments] == [
        "2023-11-02T16:43:00Z", "2023-11-02T16:41:00Z", "2020-01-22T12:01:03Z"]


def test_cards_without_ids_get_stable_content_ids():
    page = ("<html><body><div class='comments'><div class='comment-item'><b>Ali</b>"
            "<div class='comment-text'><p>First!</p></div></div></div></body></html>")
    ctx = ThreadContext(page_url="https://example.org/a")
    first = parse_thread(html.document_fromstring(page), ctx)
    again = parse_thread(html.document_fromstring(page), ctx)
    assert [(c.comment_id, c.author_name, c.text) for c in first] == [
        (content_id("Ali", None, "First!"), "Ali", "First!")]
    assert first[0].comment_id == again[0].comment_id and first[0].comment_id.startswith("h")


def test_a_page_without_comment_markup_has_no_thread(thread):
    comments, page = thread("disqus_only.html")
    assert comments == [] and choose_parser(page.tree) is None


def test_blogger_threads_by_the_blogger_family(thread):
    comments, page = thread("blogger.html")
    assert choose_parser(page.tree).name == "blogger"
    assert rows(comments) == [
        ("6021", None, 1, "comment", "Nana", "https://www.blogger.com/profile/11"),
        ("6022", "6021", 2, "comment", "Kofi", None),
    ]
    assert [c.text for c in comments] == ["Lovely pictures.\nWhich camera?", "An old Nikon."]
    assert [c.date_published for c in comments] == ["2020-01-26T01:53:00Z", "2020-01-26T03:40:00Z"]


def test_idless_li_holding_the_comment_id_still_nests_replies():
    page = ("<html><body><ol class='commentlist'>"
            "<li class='comment'><div id='comment-1' class='comment-body'><cite class='fn'>Ada</cite>"
            "<div class='comment-text'><p>Top.</p></div></div>"
            "<ul class='children'><li class='comment'><div id='comment-2' class='comment-body'>"
            "<cite class='fn'>Bo</cite><div class='comment-text'><p>Reply.</p></div></div></li></ul>"
            "</li></ol></body></html>")
    comments = parse_thread(html.document_fromstring(page), ThreadContext(page_url="https://x.org/a"))
    assert [(c.comment_id, c.parent_comment_id, c.author_name, c.text) for c in comments] == [
        ("1", None, "Ada", "Top."), ("2", "1", "Bo", "Reply.")]


def test_parse_thread_sets_depths_itself(thread):
    _, page = thread("drupal7.html")
    comments = parse_thread(page.tree, ThreadContext(page_url=page.url))
    assert [(c.comment_id, c.depth) for c in comments] == [
        ("13843", 1), ("13845", 2), ("13846", 3), ("13847", 1)]


def test_indented_replies_also_follow_comments_that_carry_their_id():
    page = ("<html><body><div id='comments'>"
            "<div class='comment' id='comment-5'><span class='username'>Ali</span>"
            "<div class='content'><p>Top.</p></div></div>"
            "<div class='indented'><div class='comment' id='comment-6'><span class='username'>Bo</span>"
            "<div class='content'><p>Reply.</p></div></div></div>"
            "<div class='comment' id='comment-7'><span class='username'>Cy</span>"
            "<div class='content'><p>Next.</p></div></div></div></body></html>")
    comments = parse_thread(html.document_fromstring(page), ThreadContext(page_url="https://x.org/a"))
    assert [(c.comment_id, c.parent_comment_id, c.depth, c.author_name, c.text) for c in comments] == [
        ("5", None, 1, "Ali", "Top."), ("6", "5", 2, "Bo", "Reply."), ("7", None, 1, "Cy", "Next.")]


def test_comment_item_ids_nest_like_wordpress_items():
    page = ("<html><body><div class='comments-list' id='comments-list-0'>"
            "<div class='even' id='comment-item-41'><div class='comment-box'>"
            "<span class='comment-author'>Issa</span><span class='comment-date'>12.05.2016 10:05</span>"
            "<div class='comment-body'>First.</div></div>"
            "<div class='comments-list' id='comments-list-41'><div class='odd' id='comment-item-42'>"
            "<div class='comment-box'><span class='comment-author'>Awa</span>"
            "<span class='comment-date'>12.05.2016 11:00</span><div class='comment-body'>Second.</div>"
            "</div></div></div></div></div></body></html>")
    comments = parse_thread(html.document_fromstring(page), ThreadContext(page_url="https://x.org/a"))
    assert [(c.comment_id, c.parent_comment_id, c.author_name, c.date_published, c.text) for c in comments] == [
        ("41", None, "Issa", "2016-05-12T10:05:00Z", "First."),
        ("42", "41", "Awa", "2016-05-12T11:00:00Z", "Second.")]
