"""Platform families (Blogger, Drupal 8+, JComments, Komento, Discourse, phpBB, XenForo, vBulletin, Django, FOSComment, commontator, MediaWiki talk pages, Hacker News, Reddit, Something Awful, Mafra, Novinky, LiveJournal, rendered Disqus, Futaba, rendered OpenWeb, d3.ru, Stack Exchange, Livefyre, Echo) on their fixture pages."""
from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.items import FetchedPage
from newsarchive.pages.base import Page
from newsarchive.threads import choose_parser

from .conftest import FETCHED_AT, rows

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "families" / "html"


def thread(name: str, url: str = "https://example.org/article"):
    """(comments, page) of the fixture page ``name``."""
    fetched = FetchedPage(url, 200, [("Content-Type", "text/html; charset=utf-8")],
                          (PAGES / f"{name}.html").read_bytes(), FETCHED_AT)
    page = Page(url, [fetched])
    return page.comments(), page


def texts(comments) -> list[str]:
    return [" ".join(c.text.split()) for c in comments]


def dates(comments) -> list[str]:
    return [c.date_published for c in comments]


@pytest.mark.parametrize("name, family", [
    ("blogger_threaded", "blogger"), ("blogger_classic", "blogger"), ("drupal10_de", "drupal"),
    ("jcomments_ru", "jcomments"), ("komento_it", "komento"), ("discourse_crawler", "discourse"),
    ("discourse_embed", "discourse"), ("phpbb_fr", "phpbb"), ("xenforo_de", "xenforo"),
    ("vbulletin_pl", "vbulletin"), ("django_comments_pt", "django_comments"),
    ("django_threaded_es", "django_comments"), ("fos_comment_nl", "fos_comment"),
    ("commontator_en", "commontator"), ("mediawiki_talk_de", "mediawiki"),
    ("hacker_news_en", "hacker_news"), ("reddit_old_en", "reddit"),
    ("something_awful_en", "something_awful"), ("mafra_cs", "mafra"), ("novinky_cs", "novinky"),
    ("livejournal_ru", "livejournal"), ("disqus_rendered_es", "disqus_rendered"),
    ("futaba_ja", "futaba"), ("spotim_rendered_en", "spotim_rendered"),
    ("d3_ru", "d3"), ("stack_exchange_en", "stack_exchange"), ("livefyre_en", "livefyre"),
    ("echo_de", "echo"), ("echo_short_en", "echo")])
def test_each_platform_is_claimed_by_its_family(name, family):
    _, page = thread(name)
    assert choose_parser(page.tree).name == family


def test_blogger_threaded_replies_anonymous_and_permalink_times():
    comments, _ = thread("blogger_threaded")
    assert rows(comments) == [
        ("8812040117", None, 1, "comment", "Jardinera Lola", "https://www.blogger.com/profile/04412003391"),
        ("5530921874", "8812040117", 2, "comment", "Carmen Ruiz", "https://www.blogger.com/profile/09120000001"),
        ("2290137745", "8812040117", 2, "comment", "Anónimo", None),
        ("7003381920", None, 1, "comment", "Paco del Valle", "https://www.blogger.com/profile/17700231"),
    ]
    assert texts(comments)[2] == "Yo pongo cañas cruzadas y funciona igual de bien."  # no "Eliminar"/"Responder"
    # the permalink's showComment epoch is exact to the second
    assert dates(comments) == ["2024-03-03T10:25:00Z", "2024-03-03T13:00:00Z", "2024-03-03T15:33:20Z",
                               "2024-03-04T11:00:00Z"]


def test_blogger_classic_comments_block():
    comments, _ = thread("blogger_classic")
    assert rows(comments) == [
        ("4411829001", None, 1, "comment", "Signalman Sue", "https://www.blogger.com/profile/10022"),
        ("4411829002", None, 1, "comment", "Anonymous", None),
        ("4411829003", None, 1, "comment", "Tom Hale", "https://www.blogger.com/profile/10001"),
    ]
    assert texts(comments)[0] == "Rode it on the first day. The café does a proper bacon roll."
    assert dates(comments) == ["2024-03-02T11:50:00Z", "2024-03-02T16:10:00Z", "2024-03-02T17:20:00Z"]


def test_drupal10_olivero_nested_indented_replies_and_german_dates():
    comments, page = thread("drupal10_de", "https://stadtanzeiger.example.de/lokales/radwege")
    assert [(c.comment_id, c.parent_comment_id, c.depth) for c in comments] == [
        ("1187", None, 1), ("1190", "1187", 2), ("1194", "1190", 3), ("1201", None, 1)]
    assert [c.author_name for c in comments] == [
        "Peter aus Süd (nicht überprüft)", "Sabine Keller", "Peter aus Süd (nicht überprüft)", "m.wagner"]
    assert comments[1].text == "Und wo parken die Lieferwagen der Geschäfte künftig?"  # no "Als Antwort auf" line
    assert [c.title for c in comments] == ["Endlich", "Parkplätze", "Ladezone", "Kosten"]
    assert dates(comments) == ["2024-03-03T09:05:00Z", "2024-03-03T10:40:00Z", "2024-03-03T12:46:00Z",
                               "2024-03-04T09:00:00Z"]
    assert choose_parser(page.tree).pagination_links(page.tree, _context(page.url)) == [
        "https://stadtanzeiger.example.de/lokales/radwege?page=0",
        "https://stadtanzeiger.example.de/lokales/radwege?page=1"]


def test_jcomments_tree_votes_and_buttons_left_out():
    comments, _ = thread("jcomments_ru")
    assert rows(comments) == [("341", None, 1, "comment", "Дмитрий", None),
                              ("344", "341", 2, "comment", "Ольга Смирнова", None),
                              ("350", None, 1, "comment", "Наташа К.", None)]
    assert texts(comments) == ["А коньки для взрослых есть всех размеров? У меня 46-й.",
                               "Дмитрий, до 47-го размера, спрашивала у администратора.",
                               "Вход для детей до семи лет бесплатный. А для школьников скидка есть?"]
    assert dates(comments) == ["2024-03-02T11:20:00Z", "2024-03-02T12:05:00Z", "2024-03-03T18:42:00Z"]


def test_komento_flat_list_parents_from_parentid():
    comments, _ = thread("komento_it")
    assert rows(comments) == [
        ("88", None, 1, "comment", "Giulia R.", None),
        ("91", "88", 2, "comment", "Redazione Eventi", "https://example.org/component/komento/profile/62"),
        ("97", None, 1, "comment", "Ospite - Marco", None)]
    assert texts(comments)[1] == "Sì, lo stand della Pro Loco lo prepara tutti e tre i giorni."  # no "in risposta a"


def test_discourse_crawler_view_posts_and_quoted_post_as_parent():
    comments, _ = thread("discourse_crawler")
    # the opening post (not marked as a schema.org comment) is the topic itself, and a "Pinned globally"
    # notice (post 5, no text) is no reply
    assert [(c.comment_id, c.parent_comment_id, c.author_name) for c in comments] == [
        ("2", None, "maria_k"), ("3", "2", "Dave_R"), ("4", None, "pedalpusher")]
    assert comments[0].author_url == "https://forum.riverside.example/u/maria_k"
    assert texts(comments)[1] == ("Will there be a station near the hospital? The map in the council papers "
                                  "shows one at the east entrance, next to the bus stop.")  # no "maria_k:" header
    assert texts(comments)[0].endswith("Night shift staff would use it.")  # no "5 Likes", no position


def test_discourse_embed_in_reply_to_and_link_title_times():
    comments, _ = thread("discourse_embed")
    assert [(c.comment_id, c.parent_comment_id, c.author_name) for c in comments] == [
        ("88120", None, "old_salt"), ("88125", "88120", "ellen.price"), ("88131", None, "jnorris")]
    assert texts(comments)[:2] == ["My grandfather said the same thing in 1981. Nobody listened then either.",
                                   "Do you still have anything in writing from him? I would love to see it."]
    assert dates(comments) == ["2024-03-06T10:04:00Z", "2024-03-06T11:30:00Z", "2024-03-07T08:15:00Z"]


def test_phpbb_posts_quote_parent_signature_and_profile_left_out():
    comments, page = thread("phpbb_fr", "https://forum.example.fr/viewtopic.php?t=2210")
    assert rows(comments) == [
        ("9101", None, 1, "comment", "Lucette", "https://forum.example.fr/memberlist.php?mode=viewprofile&u=54"),
        ("9104", "9101", 2, "comment", "ClubNautique",
         "https://forum.example.fr/memberlist.php?mode=viewprofile&u=77"),
        ("9110", None, 1, "comment", "Invité", None)]
    assert texts(comments)[0] == ("La piscine ferme trois mois pour travaux à partir d'avril. "
                                  "Quelqu'un sait où les clubs vont s'entraîner ?")  # no signature
    assert texts(comments)[1] == ("Quelqu'un sait où les clubs vont s'entraîner ? "
                                  "À la piscine de Saint-Rémy, le mardi et le jeudi soir.")  # no "a écrit"
    assert comments[0].title == "Fermeture de la piscine municipale"
    assert dates(comments) == ["2024-03-02T08:14:00Z", "2024-03-02T10:30:00Z", "2024-03-03T17:45:00Z"]
    assert choose_parser(page.tree).pagination_links(page.tree, _context(page.url)) == [
        "https://forum.example.fr/viewtopic.php?t=2210&start=4"]


def test_xenforo_data_author_quote_source_and_offset_times():
    comments, _ = thread("xenforo_de")
    assert [(c.comment_id, c.parent_comment_id, c.author_name) for c in comments] == [
        ("70211", None, "Hannes M."), ("70219", "70211", "Petra_K"), ("70230", None, "Bademeister")]
    assert texts(comments)[1] == "Ich wette, es wird 2026. Die Wette halte ich dagegen. Der Rohbau steht schon."
    assert dates(comments) == ["2024-03-02T18:10:00Z", "2024-03-02T19:45:00Z", "2024-03-03T08:05:00Z"]


def test_vbulletin_postbit_quote_parent_and_numeric_dates():
    comments, _ = thread("vbulletin_pl")
    assert [(c.comment_id, c.parent_comment_id, c.author_name) for c in comments] == [
        ("55120", None, "kolejarz58"), ("55127", "55120", "Ania_W"), ("55131", None, "Gość_Marek")]
    assert texts(comments)[1] == ("Czy ktoś wie, gdzie będą kasy w tym czasie? "
                                  "W kontenerze przy peronie pierwszym, od poniedziałku.")  # no "Napisał"
    assert dates(comments) == ["2024-03-02T18:30:00Z", "2024-03-02T19:02:00Z", "2024-03-03T07:45:00Z"]


def test_django_contrib_comments_date_and_name_line():
    comments, _ = thread("django_comments_pt")
    assert rows(comments) == [("412", None, 1, "comment", "Rogério", None),
                              ("415", None, 1, "comment", "Dona Cida", None),
                              ("419", None, 1, "comment", "Feirante Zé", None)]
    assert texts(comments)[1] == "Para quem vai a pé ficou longe. Vai ter ônibus até lá no sábado?"
    assert dates(comments) == ["2024-03-02T10:15:00Z", "2024-03-02T14:02:00Z", "2024-03-03T08:30:00Z"]


def test_django_threadedcomments_nested_lists():
    comments, _ = thread("django_threaded_es")
    assert rows(comments) == [("2051", None, 1, "comment", "Julián", None),
                              ("2053", "2051", 2, "comment", "Marisa P.", None),
                              ("2060", "2053", 3, "comment", "Julián", None),
                              ("2072", None, 1, "comment", "Puesto 14", None)]
    assert texts(comments)[3] == "Nosotros abriremos desde el primer domingo. ¡Os esperamos!"
    assert dates(comments)[2] == "2024-03-04T11:30:00Z"


def test_symfony_fos_comment_bundle_data_parent_and_metas_line():
    comments, _ = thread("fos_comment_nl")
    assert rows(comments) == [("901", None, 1, "comment", "Ingrid", None),
                              ("904", "901", 2, "comment", "Fietsersbond afdeling Maasdal", None),
                              ("912", None, 1, "comment", "Henk", None)]
    assert texts(comments)[0] == "Eindelijk een veilige oversteek voor de scholieren."  # no votes, no button
    assert [(c.date_published, c.date_published_raw) for c in comments][2] == (
        "2024-03-04T08:05:00Z", "4 maart 2024 08:05")


def test_rails_commontator_children_box_and_posted_on_times():
    comments, _ = thread("commontator_en")
    assert rows(comments) == [("5101", None, 1, "comment", "Grace T.", "https://example.org/users/31"),
                              ("5106", "5101", 2, "comment", "Library Board", None),
                              ("5112", None, 1, "comment", "rlopez", "https://example.org/users/58")]
    assert texts(comments)[2] == ("And what happens in two years when the grant runs out? "
                                  "We have seen this before with the pool.")  # no vote count, no "Reply"
    assert dates(comments) == ["2024-03-03T14:20:00Z", "2024-03-03T16:05:00Z", "2024-03-04T09:30:00Z"]


@pytest.mark.parametrize("name", ["no_thread_forum_sidebar", "no_thread_phpbb_topics"])
def test_latest_posts_sidebars_and_related_lists_are_not_a_thread(name):
    comments, page = thread(name)
    assert comments == []
    assert choose_parser(page.tree) is None  # the digest's posts look like a forum's, in an aside


def _context(url: str):
    from newsarchive.threads import ThreadContext
    return ThreadContext(page_url=url, article_url=url)


@pytest.mark.parametrize("name", sorted(path.stem for path in PAGES.glob("*.html")))
def test_a_comment_page_read_from_its_section_alone_keeps_every_comment(name):
    """Extra comment pages are parsed from ``id="comments"`` on when no item comes before it."""
    from newsarchive.pages.base import comment_section_tree
    from newsarchive.threads import ThreadContext, parse_thread

    fetched = FetchedPage("https://example.org/a", 200, [("Content-Type", "text/html; charset=utf-8")],
                          (PAGES / f"{name}.html").read_bytes(), FETCHED_AT)
    section = comment_section_tree(fetched)
    if section is None:
        return  # parsed whole
    whole, _ = thread(name, "https://example.org/a")
    alone = parse_thread(section, ThreadContext(page_url="https://example.org/a"))
    assert [c.comment_id for c in alone] == [c.comment_id for c in whole]


def test_mediawiki_talk_comments_run_from_start_marker_to_signature():
    comments, _ = thread("mediawiki_talk_de")
    assert [(c.author_name, c.depth) for c in comments] == [
        ("Gleisbauer", 1), ("Anna Fahrplan", 2), ("Gleisbauer", 3), ("2001:DB8:11:5C00:1", 1), ("Anna Fahrplan", 2)]
    assert comments[2].parent_comment_id == comments[1].comment_id  # named in the reply's own id
    # the signature, its "--" and the timestamp link are not text; the text's own list is
    assert texts(comments)[1].endswith("als Beleg eingefügt.")
    assert "Zugang Marktplatz" in texts(comments)[4]
    assert dates(comments)[0] == "2023-04-02T08:15:00Z" and comments[0].date_published_raw == "10:15, 2. Apr. 2023 (CEST)"


def test_hacker_news_rows_nest_by_their_indentation():
    comments, page = thread("hacker_news_en", "https://news.example.com/item?id=39000")
    assert [(c.comment_id, c.parent_comment_id, c.depth) for c in comments] == [
        ("39001", None, 1), ("39004", "39001", 2), ("39007", "39004", 3), ("39010", "39001", 2), ("39012", None, 1)]
    assert texts(comments)[0].endswith("Downtime was under four minutes.")  # no "reply" link
    assert [c.author_name for c in comments][:2] == ["marta_k", "dbnerd"]
    assert dates(comments)[4] == "2024-02-10T11:20:31Z" and comments[4].date_published_raw == "52 minutes ago"


def test_reddit_things_nest_in_their_child_lists_without_load_more_stubs():
    comments, page = thread("reddit_old_en", "https://old.example.com/r/velocity/comments/1abc/bike_lanes/")
    assert [(c.comment_id, c.parent_comment_id, c.author_name) for c in comments] == [
        ("k2a1b3c", None, "velo_maria"), ("k2a1d9x", "k2a1b3c", "citycouncil_watch"),
        ("k2a1f02", "k2a1d9x", "velo_maria"), ("k2a1h77", None, "pedestrian_paul")]
    assert texts(comments)[0] == ("The new bike lanes on the ring road are great until the junction with the bridge,"
                                  " where they just stop. Nobody seems to know who is responsible for that stretch.")
    assert dates(comments)[1] == "2024-05-03T08:05:40Z"


def test_something_awful_posts_answer_the_post_they_quote_on_the_page():
    comments, page = thread("something_awful_en", "https://forums.example.com/showthread.php?threadid=3900001&pagenumber=3")
    assert [(c.comment_id, c.parent_comment_id, c.author_name) for c in comments] == [
        ("91000101", None, "Grimsby Tom"), ("91000117", "91000101", "wet_socks"), ("91000130", None, "Harbourmaster Flo"),
        ("91000152", "91000130", "Grimsby Tom"), ("91000188", None, "elsewhere_quoter")]  # its quote is of another page
    # the quote is text, its "X posted:" heading is not
    assert texts(comments)[1].startswith("So the council finally published") and "posted:" not in texts(comments)[1]
    assert comments[0].date_published == "2024-03-04T09:12:00Z"


def test_mafra_contributions_nest_by_margin_and_names_lose_their_hidden_digits():
    comments, _ = thread("mafra_cs")
    assert [(c.comment_id, c.parent_comment_id, c.author_name) for c in comments] == [
        ("90010001", None, "Petra Nováková"), ("90010007", "90010001", "Jan Dvořák"),
        ("90010012", "90010007", "Petra Nováková"), ("90010020", None, "Karel Svoboda")]
    assert texts(comments)[3] == "Řidiči tam jezdí moc rychle. Pomohl by i obyčejný retardér."


def test_novinky_names_without_the_writers_town():
    comments, _ = thread("novinky_cs")
    assert [(c.comment_id, c.parent_comment_id, c.author_name) for c in comments] == [
        ("31000100", None, "Jana Malá"), ("31000200", None, "Tomáš Král"), ("31000300", None, "Eva Horáková")]
    assert texts(comments)[1] == "Jízdné se nezdražovalo od roku 2015, inflace mezitím byla přes 40 procent."
    assert comments[2].date_published_raw.startswith("Po, 4. března 2024")


def test_livejournal_levels_with_a_collapsed_comment_keeping_its_place():
    comments, _ = thread("livejournal_ru", "https://garden.livejournal.example/4412.html")
    # 9003 is collapsed (no text on the page): not archived, and 9004 does not answer 9002 instead
    assert [(c.comment_id, c.author_name) for c in comments] == [
        ("9001", "sadovnik"), ("9002", "ogorod_ira"), ("9004", "ogorod_ira"), ("9005", "dachnik77")]
    assert [c.parent_comment_id for c in comments] == [None, "9001", None, None]
    assert dates(comments)[0] == "2024-04-03T06:12:40Z"  # the full time, not "1 week ago"


def test_rendered_disqus_posts_nest_in_their_children_lists():
    comments, page = thread("disqus_rendered_es", "https://disqus.example.com/embed/comments/?t_u=galaxy-a55")
    assert [(c.comment_id, c.parent_comment_id, c.author_name) for c in comments] == [
        ("4100001", None, "Lucía Ferrer"), ("4100005", "4100001", "Andrés M."), ("4100009", "4100005", "Lucía Ferrer"),
        ("4100012", None, "Pablo R.")]
    assert texts(comments)[1] == "¿Lo has probado con el 5G activado todo el día? Ahí es donde se nota."  # no "Responder", no votes


def test_futaba_replies_are_the_numbered_cells_and_the_opening_post_is_the_article():
    comments, page = thread("futaba_ja", "https://img.example.jp/b/res/51200050.htm")
    assert [c.comment_id for c in comments] == ["51200104", "51200131", "51200187", "51200220"]
    assert {c.parent_comment_id for c in comments} == {None} and {c.author_name for c in comments} == {None}
    assert texts(comments)[2] == ">去年も早かったよね 今年は三月中に満開かも"
    assert comments[0].date_published_raw == "24/03/09(土)20:01:12"


def test_rendered_openweb_messages_nest_by_their_depth():
    comments, _ = thread("spotim_rendered_en")
    assert [(c.parent_comment_id, c.depth, c.author_name) for c in comments] == [
        (None, 1, "RiverWatcher"), ("sp_Ab12_9001_c_Q1", 2, "Amelia_T"), ("sp_Ab12_9001_c_Q1_r_W2", 3, "RiverWatcher"),
        (None, 1, "northbank_dan")]
    assert texts(comments)[1] == "Agreed. They said more lamps would come after the winter."  # no "Reply", no likes


def test_d3_comments_nest_and_the_fold_line_is_not_text():
    comments, _ = thread("d3_ru", "https://gif.d3.example.ru/koty-1750/")
    assert [(c.comment_id, c.parent_comment_id, c.author_name) for c in comments] == [
        ("31000001", None, "kotofei"), ("31000004", "31000001", "murka_z"), ("31000009", None, "gif_hunter")]
    assert texts(comments)[0] == "Кот на третьей гифке явно всё спланировал заранее."


def test_stack_exchange_answers_and_the_comments_under_each_post():
    comments, _ = thread("stack_exchange_en", "https://stackoverflow.example.com/questions/5550001/read-a-csv-file")
    assert [(c.comment_id, c.parent_comment_id, c.author_name) for c in comments] == [
        ("11700001", None, "Kiran"), ("5550007", None, "Jonas"), ("11700009", "5550007", "Marta"),
        ("11700015", "5550007", "Lee"), ("5550012", None, "Sofia")]  # the answer's owner, not its editor
    assert dates(comments)[1] == "2021-03-02T09:31:05Z"
    assert texts(comments)[3] == "Add an encoding argument if the file comes from Excel on Windows."  # no name, no date


def test_livefyre_messages_answer_the_message_before_their_replies_box():
    comments, _ = thread("livefyre_en", "https://harbourcourier.example.co.uk/news/ferry-fares-rise")
    assert [(c.comment_id, c.parent_comment_id, c.author_name) for c in comments] == [
        ("203144001", None, "islander_pete"), ("203144017", "203144001", "MairiCampbell"),
        ("203144058", "203144017", "islander_pete"), ("203144071", "203144001", "Tom Rennie"),
        ("203144102", None, "Ailsa M")]
    assert dates(comments)[2] == "2014-06-11T15:10:00Z"  # the time's datetime, not "1 hour ago"
    assert texts(comments)[1] == ("To be fair the late sailings were mostly the old boat, "
                                  "the one they are finally fixing.")  # no "Like", no "Reply"


def test_echo_items_nest_in_their_children_boxes():
    comments, _ = thread("echo_de", "https://rundschau.example.at/lokales/sesselbahn-hochstein")
    assert [(c.depth, c.author_name, c.date_published) for c in comments] == [
        (1, "Bergfex_Toni", "2013-02-12T08:41:00Z"), (2, "Lisi aus Lienz", "2013-02-12T09:03:00Z"),
        (2, "Bergfex_Toni", "2013-02-12T09:20:00Z"), (1, "Markus W.", "2013-02-12T11:15:00Z")]
    assert [c.parent_comment_id for c in comments] == [None, comments[0].comment_id, comments[0].comment_id, None]
    assert texts(comments)[1] == "Weil die Bahn zwölf Millionen gekostet hat. Irgendwer muss das zahlen."  # no "Antworten"


def test_an_echo_stream_of_one_comment_and_its_reply_is_still_a_thread():
    comments, _ = thread("echo_short_en", "https://sportsdaily.example.com/baseball/a-september-to-forget")
    assert [(c.depth, c.author_name, c.date_published) for c in comments] == [
        (1, "jwalsh_44", "2011-10-03T19:52:00Z"), (2, "Dee from Dorchester", "2011-10-03T20:10:00Z")]
    assert comments[1].parent_comment_id == comments[0].comment_id
