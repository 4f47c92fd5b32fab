"""The hand-written XPaths of each corpus page, read by tools/corpus_gold.py."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from corpus_gold import Spec, container_parent, number


def epoch(attribute: str):
    """A machine time from a Unix timestamp attribute on the node or below it."""
    def read(node):
        found = node.xpath(f"(.//@{attribute} | @{attribute})[1]")
        return datetime.fromtimestamp(int(found[0]), timezone.utc).isoformat() if found else None
    return read


def utc(text: str, pattern: str) -> str | None:
    """A UTC time a page writes out in full, as ISO 8601."""
    try:
        return datetime.strptime(" ".join(text.split()), pattern).replace(tzinfo=timezone.utc).isoformat()
    except ValueError:
        return None


def attribute_number(xpath: str, pattern: str):
    """A level read from a number inside an attribute."""
    def read(node) -> int:
        return int(re.search(pattern, node.xpath(xpath)[0]).group(1))
    return read


def quoted_post(reference: str, pattern: str):
    """Parent for forum posts: the first post the reply quotes (``reference``: an XPath to the attribute naming
    it, ``pattern``: the number in it), when that post is on the page; a quote of a post elsewhere answers
    nothing the page holds."""
    def parent(node, ids) -> str | None:
        for value in node.xpath(reference):
            found = re.search(pattern, value)
            if found and found.group(1) in ids.values() and found.group(1) != ids[node]:
                return found.group(1)
        return None
    return parent


LJ_COMMENTS = '//article[contains(concat(" ", @class, " "), " mdspost-comment ")][@id]'
LJ_LEVEL = attribute_number("../@class", r"mdspost-thread--level-(\d+)")


def lj_parent(node) -> str | None:
    """LiveJournal lists every comment flat, indented by level: the parent is the last comment one level up
    (collapsed ones included: their text is not in the page, their place in the thread is)."""
    level = LJ_LEVEL(node)
    for before in reversed(node.xpath("preceding::article[@id]")):
        if before.get("id", "").startswith("t") and LJ_LEVEL(before) == level - 1:
            return before.get("id")[1:]
    return None


SPECS: dict[str, Spec] = {
    "hn-item_1.html": Spec(
        site="news.ycombinator.com",
        items='//tr[contains(concat(" ", @class, " "), " comtr ")]',
        ident="@id", text='.//div[@class="comment"]', drop='.//div[@class="reply"]',
        author='.//a[@class="hnuser"]', published_raw='.//span[@class="age"]',
        level=lambda node: int(node.xpath('.//td[@class="ind"]/img/@width')[0]) // 40 + 1),
    "pikabu-story_1.html": Spec(
        site="pikabu.ru",
        items='//div[@class="comment"][@data-id]', ident="@data-id",  # the sidebar's comment of the day has none
        text='./div[contains(@class,"comment__body")]/div[@class="comment__content"]',
        author='.//div[@class="comment__user"]/@data-name',
        published='./div[contains(@class,"comment__body")]//time[@class="comment__datetime hint"]/@datetime',
        published_raw='./div[contains(@class,"comment__body")]//time[@class="comment__datetime hint"]',
        declared=number(r"(\d+)", '//*[@class="story__comments-link-count"]')),
    "vc-ru_1.html": Spec(
        site="vc.ru",
        items='//div[contains(@class,"comments__item ") or @class="comments__item"]', ident="@data-id",
        text='./div[contains(@class,"comments__item__space")]//div[@class="comments__item__text"]',
        author='./div[contains(@class,"comments__item__space")]//p[@class="comments__item__user__name"]',
        published=lambda node: epoch("air-date-timestamp")(node.xpath('./div[contains(@class,"comments__item__space")]')[0]),
        published_raw='./div[contains(@class,"comments__item__space")]//time'),
    "4pda-news_1.html": Spec(
        site="4pda.ru",
        items='//div[starts-with(@id,"comment-")]', ident=lambda node: node.get("id")[len("comment-"):],
        parent=container_parent("li", './div[starts-with(@id,"comment-")]'),
        text='./p[@class="content"]', author='./div[@class="heading"]/a[@class="nickname"]',
        published_raw='./div[@class="heading"]/span[@class="h-meta"]/text()[1]'),
    "livejournal-lozga_1.html": Spec(
        site="lozga.livejournal.com",
        items=LJ_COMMENTS + '[div/div[@class="mdspost-comment__body"]]',
        parent=lambda node, ids: lj_parent(node),
        ident=lambda node: node.get("id")[1:], text='./div/div[@class="mdspost-comment__body"]',
        author='.//span[@class="mdspost-comment-username__name"]//a[@class="i-ljuser-username"]',
        published_raw='.//a[contains(@class,"mdspost-comment-time--ctime")]',
        published=lambda node: utc(node.xpath('string(.//a[contains(@class,"mdspost-comment-time--ctime")])'),
                                   "%B %d %Y, %H:%M:%S UTC"),
),
}


def habr(site: str) -> Spec:
    """Habr-family pages (habrahabr.ru, geektimes.ru in 2018): replies in a list inside the comment's li."""
    return Spec(
        site=site, items='//div[@class="comment"][starts-with(@id,"comment_")]',
        ident=lambda node: node.get("id")[len("comment_"):],
        parent=container_parent("li", './div[@class="comment"]'),
        text='./div[contains(@class,"comment__message")]',
        author='./div[contains(@class,"comment__head")]//span[contains(@class,"user-info__nickname")]',
        published_raw='./div[contains(@class,"comment__head")]/time',
        declared=number(r"(\d+)", '//span[@id="comments_count"] | //h2[@class="comments-section__head-title"]'))


SPECS.update({
    "habrahabr_1.html": habr("habrahabr.ru"),
    "geektimes_1.html": habr("geektimes.ru"),
    "disqus-embed-mobile-review_1.html": Spec(
        site="android.mobile-review.com", widget="disqus",
        items='//li[contains(concat(" ", @class, " "), " post ")][starts-with(@id,"post-")]',
        ident=lambda node: node.get("id")[len("post-"):],
        text='./div[@data-role="post-content"]//div[@data-role="message"]',
        author='./div[@data-role="post-content"]//span[contains(@class,"author")]',
        published_raw='./div[@data-role="post-content"]//a[@data-role="relative-time"]/@title',
        declared=number(r"(\d+)", '//li[contains(@class,"tab-conversation")]//span[@class="comment-count"]')),
})

REDDIT_ENTRY = './div[contains(@class,"entry")]'
SPECS.update({
    "reddit-old_1.html": Spec(
        site="www.reddit.com",
        items='//div[contains(concat(" ", @class, " "), " comment ")][starts-with(@id,"thing_t1_")]',
        ident=lambda node: node.get("id")[len("thing_t1_"):],
        text=REDDIT_ENTRY + '//div[contains(@class,"usertext-body")]/div[@class="md"]',
        author=REDDIT_ENTRY + '/p[@class="tagline"]/*[contains(@class,"author")]',
        published=REDDIT_ENTRY + '/p[@class="tagline"]/time[contains(@class,"live-timestamp")]/@datetime',
        published_raw=REDDIT_ENTRY + '/p[@class="tagline"]/time[contains(@class,"live-timestamp")]'),
    "launchpad-bug_1.html": Spec(
        site="bugs.launchpad.net",
        items='//div[contains(@class,"boardComment")][div[@class="boardCommentDetails"]][.//div[@class="comment-text"]]',
        ident=lambda node: node.xpath('string(.//td[@class="bug-comment-index"]/a/@href)').rsplit("/", 1)[-1],
        text='.//div[@class="comment-text"]',
        author='.//div[@class="boardCommentDetails"]//a[contains(@class,"person")]',
        published='.//div[@class="boardCommentDetails"]//time/@datetime',
        published_raw='.//div[@class="boardCommentDetails"]//time'),
    "dataworld-wp_1.html": Spec(
        site="dataworld.info",
        items='//li[starts-with(@id,"comment-")]', ident=lambda node: node.get("id")[len("comment-"):],
        text='./div[@class="commententry"]',
        author=lambda node: node.xpath('string(./p[@class="comment-author"]/cite)').strip().removesuffix("пишет:").strip(),
        published_raw='./p[@class="comment-author"]/small[@class="comment-time"]',
        declared=number(r"(\d+)", '//*[@id="comments"]/h3 | //h3[@id="comments"]')),
    "spotim-conversation_1.html": Spec(
        site="spot.im", widget="spotim",
        items='//div[contains(@class,"sppre_message-view")][@data-message-id]', ident="@data-message-id",
        level=lambda node: int(node.get("data-message-depth")) + 1,
        text='.//div[contains(@class,"sppre_message-entities")]',
        author='.//span[@class="sppre_username"]', published_raw='.//*[contains(@class,"sppre_posted-at")]'),
    "youtube-watch_1.html": Spec(
        site="www.youtube.com",
        items='//ytd-comment-renderer[.//*[@id="content-text"]]', text='.//*[@id="content-text"]',
        ident=lambda node: node.xpath('string(.//*[@id="published-time-text"]//a/@href)').split("lc=")[-1],
        parent=lambda node, ids: next((ids[top] for top in node.xpath(
            'ancestor::ytd-comment-replies-renderer/ancestor::ytd-comment-thread-renderer[1]'
            '/ytd-comment-renderer') if top in ids), None),
        author='.//a[@id="author-text"]', published_raw='.//*[@id="published-time-text"]',
        declared=number(r"([\d,]+)", '//ytd-comments-header-renderer//*[@id="count"]')),
})

SPECS.update({
    "d3-ru-post_1.html": Spec(
        site="gif.d3.ru",
        items='//div[starts-with(@id,"b-comment-")][contains(concat(" ", @class, " "), " b-comment ")]'
              '[not(@id="b-comment-root")]',
        ident=lambda node: node.get("id")[len("b-comment-"):],
        text='./div[@class="b-comment__body"]//div[contains(@class,"b-comment__content-cell")]',
        author='./div[@class="b-comment__body"]//a[contains(@class,"b-comment__user-login")]',
        published_raw='./div[@class="b-comment__body"]//*[contains(@class,"b-comment__time")]'),
})


def wordpress(site: str, author: str, text: str = './*[contains(@class,"comment-body")]//div[contains(@class,"comment-content")]',
              published: str | None = './/time/@datetime', published_raw: str | None = './/time',
              drop: str | None = None, **more) -> Spec:
    """A WordPress walker: li#comment-N, replies in the li's children list."""
    return Spec(site=site, items='//li[starts-with(@id,"comment-")]', ident=lambda node: node.get("id")[8:],
                text=text, author=author, published=published, published_raw=published_raw, drop=drop, **more)


def own(xpath: str) -> str:
    """An XPath restricted to a WordPress comment's own part (not its replies)."""
    return f'./*[not(self::ol or self::ul)]{xpath}'


SPECS.update({
    "profootballtalk_1.html": wordpress(
        "profootballtalk.nbcsports.com", author=own('//*[contains(@class,"comment-author")]//*[@class="fn"]'),
        published=own('//time/@datetime'), published_raw=own('//time'),
        drop='.//div[contains(@class,"pd-rating")]'),
    "givewell-blog_1.html": wordpress(
        "blog.givewell.org", author=own('//div[@class="comment-author"]/strong'),
        text=own('/self::div[contains(@class,"comment-body")]'),
        drop='./div[@class="comment-author"] | ./div[@class="reply"]',
        published=None, published_raw=own('//div[@class="comment-author"]/a')),
    "bigbrandsystem-mindset_1.html": wordpress(
        "www.bigbrandsystem.com", author=own('//cite[contains(@class,"fn")]'),
        published=own('//time/@datetime'), published_raw=own('//time')),
    "comoeducarseusfilhos_1.html": wordpress(
        "comoeducarseusfilhos.com.br", author=own('//cite[contains(@class,"comment-author")]'),
        text=own('//div[contains(@class,"comment-content")]'),
        published=own('//time/@datetime'), published_raw=own('//time')),
    "macrumors-article_1.html": Spec(
        site="www.macrumors.com", items='//div[contains(concat(" ", @class, " "), " comment ")][div[@class="comment_content"]]',
        ident=lambda node: node.xpath('string(.//div[@class="username"]/a/@href)').rstrip("/").rsplit("/", 1)[-1],
        text='./div[@class="comment_content"]/div[@class="content"]', author='.//div[@class="username"]',
        published_raw='.//div[@class="date"]'),
    "theantijunecleaver-hike_1.html": Spec(
        site="theantijunecleaver.com", items='//div[starts-with(@id,"comment-")][div[@class="thecomment"]]',
        ident=lambda node: node.get("id")[8:], text='./div[@class="thecomment"]//div[contains(@class,"comment-content")]',
        author='./div[@class="thecomment"]//span[@class="author"]', published='./div[@class="thecomment"]//span[@class="date"]/@datetime',
        published_raw='./div[@class="thecomment"]//span[@class="date"]'),
})
SPECS["theantijunecleaver-jam_1.html"] = SPECS["theantijunecleaver-hike_1.html"]
for _page, _site in (("theparadigmng-lawan_1.html", "www.theparadigmng.com"),
                     ("theparadigmng-saraki_1.html", "www.theparadigmng.com"),
                     ("telegraph-tennis_1.html", "www.telegraph.co.uk"),
                     ("quantamagazine-tuft_1.html", "www.quantamagazine.org"),
                     ("thesun-plague_1.html", "www.thesun.co.uk"),
                     ("physorg-hibernating_1.html", "phys.org")):
    SPECS[_page] = Spec(site=_site, items="/nothing", text=".", comments_in_html=False)


def position(prefix: str):
    """An id for comments that carry none: their place in the page (ids only serve to link parents)."""
    def ident(node) -> str:
        before = node.xpath('preceding::li[contains(@class, "fig-comment")]')
        return f"{prefix}{len(before) + 1}"
    return ident


SPECS.update({
    "netzpolitik-fundis_1.html": wordpress(
        "netzpolitik.org", author=own('//*[contains(@class,"comment-author")]//*[@class="fn"]'),
        published=own('//time/@datetime'), published_raw=own('//time')),
    "dailymaverick_1.html": wordpress(
        "www.dailymaverick.co.za", author=own('//*[contains(@class,"comment-author")]//*[@class="fn"]'),
        text=own('/self::div[contains(@class,"comment-body")]'),
        drop='./div[contains(@class,"comment-author")] | ./div[contains(@class,"comment-meta")] | ./div[@class="reply"]',
        published=None, published_raw=own('//div[contains(@class,"comment-meta")]/a')),
    "lefigaro-ukraine_1.html": Spec(
        site="www.lefigaro.fr", items='//li[contains(concat(" ", @class, " "), " fig-comment ")]',
        ident=position("fig-"), text='./p[@class="fig-comment__text"]', author='./p[@class="fig-comment__username"]',
        published='./p[@class="fig-comment__date"]/time/@datetime', published_raw='./p[@class="fig-comment__date"]/time',
        declared=number(r"(\d[\d\s\u00a0]*)", '//*[contains(@class,"fig-comments__count") or contains(@class,"fig-comments__title")]')),
})

SPECS["lefigaro-londres_1.html"] = SPECS["lefigaro-ukraine_1.html"]
for _page, _site in (("elpais-bruselas_1.html", "elpais.com"), ("rzeczpospolita-granice_1.html", "www.rp.pl"),
                     ("asahi-article_1.html", "www.asahi.com"), ("nrk-ol_1.html", "www.nrk.no")):
    SPECS[_page] = Spec(site=_site, items="/nothing", text=".", comments_in_html=False)

SPECS["smittenkitchen-raita_1.html"] = Spec(
    site="smittenkitchen.com", items='//li[starts-with(@id,"comment-")][contains(@class,"commentbody")]',
    ident=lambda node: node.get("id")[8:], text=".",
    drop='./cite | ./a[@class="commentlink"] | ./div[@class="commentcount"] | ./ul | ./ol',
    author="./cite", published_raw='./a[@class="commentlink"]')

SPECS["wday-model_1.html"] = Spec(
    site="www.wday.ru", items='//div[contains(concat(" ", @class, " "), " comment-item ")][@itemprop="comment"]',
    ident='./div[contains(@class,"comment-item__container")]/@id', text='.//div[@itemprop="text"]',
    author='.//span[@itemprop="author"]', published='.//span[@itemprop="datePublished"]/@content',
    published_raw='.//span[@itemprop="datePublished"]')
SPECS["wday-foodblogers_1.html"] = SPECS["wday-model_1.html"]

SPECS.update({
    # A forum thread page: the opening post is the page's article, the replies are its comments.
    "xenforo-techist_1.html": Spec(
        site="www.techist.com",
        items='(//article[contains(concat(" ", @class, " "), " message--post ")])[position() > 1]',
        drop='.//div[contains(@class,"bbCodeBlock-expandLink")] | .//div[contains(@class,"bbCodeBlock-title")]',
        ident=lambda node: node.get("data-content")[len("post-"):],
        parent=quoted_post('.//blockquote[@data-source]/@data-source', r"post:\s*(\d+)"),
        text='.//article[contains(@class,"message-body")]//div[contains(@class,"bbWrapper")]',
        author='.//h4[@class="message-name"]', published='.//header//time[@class="u-dt"]/@datetime',
        published_raw='.//header//time[@class="u-dt"]'),
    # The topic's only reply is a "Pinned globally" notice without text: nothing to take as a comment.
    "discourse-ttrss_1.html": Spec(site="community.tt-rss.org", items="/nothing", text=".", comments_in_html=False),
    "lemmy-startrek_1.html": Spec(
        site="startrek.website", items='//div[starts-with(@id,"comment-")][contains(@class,"comment-node")]',
        ident=lambda node: node.get("id")[len("comment-"):],
        parent=container_parent('div[contains(concat(" ", @class, " "), " comment ")]',
                                './div[starts-with(@id,"comment-")][contains(@class,"comment-node")]'),
        text='.//div[@class="md-div"]',
        author=lambda node: node.xpath('string(./div/div[1]/span[1]//a)').strip().removeprefix("@"),
        published_raw='./div/div[1]//span[@data-tippy-content]'),
})


def something_awful(site: str = "forums.somethingawful.com") -> Spec:
    """A Something Awful thread page past the first: a post answers the post it quotes (when that one is on the
    page), else the thread; a quoted post stays in the text, its "X posted:" heading does not (a label)."""
    return Spec(
        site=site, items='//table[contains(concat(" ", @class, " "), " post ")][starts-with(@id,"post")]',
        ident=lambda node: node.get("id")[len("post"):],
        parent=quoted_post('.//div[@class="bbc-block"]/h4/a[@class="quote_link"]/@href', r"postid=(\d+)"),
        text='.//td[@class="postbody"]', author='.//dt[contains(@class,"author")]',
        drop='.//p[@class="editedby"] | .//div[contains(@class,"userinfo")] | .//div[contains(concat(" ", @class, " "), " bbc-block ")]/*[self::h4 or self::h5]',
        published_raw=lambda node: " ".join(node.xpath('string(.//td[@class="postdate"]/text()[last()])').split()))


SPECS.update({
    "somethingawful-canpoli_1.html": something_awful(),
    "somethingawful-logie_1.html": something_awful(),
    "somethingawful-codinghorrors_1.html": something_awful(),
    "v2ex-topic_1.html": Spec(
        site="www.v2ex.com", items='//div[starts-with(@id,"r_")][contains(@class,"cell")]',
        ident=lambda node: node.get("id")[2:], parent=lambda node, ids: None,
        text='.//div[@class="reply_content"]', author='.//strong/a[starts-with(@href,"/member/")]',
        published_raw='.//span[@class="ago"]',
        declared=number(r"(\d+)\s*条回复", '//div[@class="box"]/div[@class="cell"]/span[@class="gray"]')),
})


def margin_level(node) -> int:
    """The depth a Mafra discussion shows by indentation: the rank of the comment's left margin among the
    page's margins (0px is the top level)."""
    def margin(element) -> int:
        found = re.search(r"margin-left:\s*(\d+)px", element.get("style") or "")
        return int(found.group(1)) if found else 0
    margins = sorted({margin(other) for other in node.xpath('//div[contains(concat(" ", @class, " "), " contribution ")]')})
    return margins.index(margin(node)) + 1


def idnes(site: str) -> Spec:
    """iDNES.cz discussions (Mafra): a flat list indented by margin; the names are salted with hidden <i> digits."""
    return Spec(
        site=site, items='//div[@class="contribution"][@id]', ident="@id", level=margin_level,
        text='.//div[@class="user-text"]',
        author=lambda node: "".join(node.xpath('.//h4[@class="name"]/a/text()')).strip(),
        published_raw='.//div[contains(@class,"date")]')


def lidovky(site: str = "www.lidovky.cz") -> Spec:
    """Lidovky.cz discussions (Mafra, older template): text paragraphs next to the action list."""
    return Spec(
        site=site, items='//div[contains(concat(" ", @class, " "), " contribution ")]',
        ident=lambda node: node.xpath('string(.//ul[@class="itemrow"]//a[@name]/@name)'), level=margin_level,
        text='.//td[@class="right"]/p', author='.//h5/span[@class="name"]', published_raw='.//h5/span[2]')


def novinky(site: str = "www.novinky.cz") -> Spec:
    """Novinky.cz discussions (2018): one flat list; the name is followed by the writer's town."""
    return Spec(
        site=site, items='//div[contains(concat(" ", @class, " "), " contribution ")][starts-with(@id,"c")]',
        ident=lambda node: node.get("id")[1:], parent=lambda node, ids: None,
        text='./div[@class="content"]', author='.//h4[@class="name"]/span[starts-with(@id,"name-")]',
        published_raw='.//div[@class="infoDate"]/span[1]')


SPECS.update({
    "idnes-naraz_1.html": idnes("pardubice.idnes.cz"),
    "idnes-diskuse_1.html": idnes("www.idnes.cz"),
    "idnes-ridic_1.html": idnes("budejovice.idnes.cz"),
    "lidovky-posta_1.html": lidovky(),
    "lidovky-volby_1.html": lidovky(),
    "novinky-jaro_1.html": novinky(),
    "novinky-miliardy_1.html": novinky(),
})


def joyreactor(site: str = "joyreactor.cc") -> Spec:
    """JoyReactor posts: a comment's replies sit in the sibling list whose id names it (comment_list_comment_N)."""
    def parent(node, ids) -> str | None:
        holder = node.getparent()
        name = holder.get("id") or ""
        return name[len("comment_list_comment_"):] if name.startswith("comment_list_comment_") else None
    return Spec(
        site=site, items='//div[@class="comment"][starts-with(@id,"comment")]',
        ident=lambda node: node.get("id")[len("comment"):], parent=parent,
        text='./div[@class="txt"]/div[not(@class="comments_bottom")]',
        author='.//a[contains(@class,"comment_username")]', published=epoch("timestamp"),
        published_raw=lambda node: " ".join(node.xpath('.//span[@class="comment_date"]//span/text()')))


SPECS.update({"joyreactor-post_1.html": joyreactor(), "joyreactor-cats_1.html": joyreactor()})

SPECS["habr-wikiasaria_1.html"] = habr("habr.com")

SPECS.update({
    "somethingawful-last_1.html": something_awful(),
    "somethingawful-fyad_1.html": something_awful(),
    # the thread's first page: its opening post is the page's article, not a comment
    "somethingawful-fyad-first_1.html": Spec(**{**something_awful().__dict__, "items":
        '(//table[contains(concat(" ", @class, " "), " post ")][starts-with(@id,"post")])[position() > 1]'}),
})

SPECS.update({
    # taz.de: one flat list; a reply is marked only by its indentation class (mgl-xlarge)
    "taz-selbstbestimmung_1.html": Spec(
        site="taz.de", items='//li[starts-with(@id,"bb_message_")][contains(concat(" ", @class, " "), " comment ")]',
        ident="@data-cid", level=lambda node: 2 if "mgl-xlarge" in node.get("class", "").split() else 1,
        text='(.//div[contains(@class,"message-text-container")])[1]', author='(.//span[contains(@class,"author")])[1]',
        published='(.//time)[1]/@datetime', published_raw='(.//time)[1]',
        declared=number(r"(\d+)\s*Kommentar", '//*[contains(@class,"comments-list")]/preceding-sibling::*[1]')),
})
for _page, _site in (("larepubblica-laziale_1.html", "roma.repubblica.it"), ("hankookilbo_1.html", "www.hankookilbo.com"),
                     ("haberturk-yangin_1.html", "www.haberturk.com"), ("aftonbladet-ukraina_1.html", "www.aftonbladet.se")):
    SPECS[_page] = Spec(site=_site, items="/nothing", text=".", comments_in_html=False)


def stack_exchange_time(node) -> str | None:
    """A Stack Exchange post's time (its owner's signature, or the comment's date) as ISO 8601."""
    title = node.xpath('string(.//span[@class="relativetime-clean"]/@title)') if node.get("data-comment-id") else \
        node.xpath('string(.//div[contains(@class,"post-signature")][last()]//span[@class="relativetime"]/@title)')
    return f"{title.replace(' ', 'T')[:-1]}+00:00" if title else None


def stack_exchange(site: str) -> Spec:
    """A Stack Exchange question: the question is the article; each answer answers it, each comment under a post
    answers that post (comments under the question answer the question)."""
    answer = 'ancestor-or-self::div[contains(concat(" ", @class, " "), " answer ")][@data-answerid]'
    def ident(node) -> str:
        return node.get("data-answerid") or node.get("data-comment-id")
    def parent(node, ids) -> str | None:
        if node.get("data-answerid"):
            return None
        owner = node.xpath(answer)
        return owner[0].get("data-answerid") if owner else None
    def author(node) -> str | None:
        if node.get("data-comment-id"):
            return node.xpath('string(.//a[contains(@class,"comment-user")])').strip() or None
        owners = node.xpath('.//div[contains(@class,"post-signature")][last()]//div[@class="user-details"]/a')
        return owners[0].text_content().strip() if owners else None
    return Spec(
        site=site, items='//div[contains(concat(" ", @class, " "), " answer ")][@data-answerid]'
                         ' | //li[contains(concat(" ", @class, " "), " comment ")][@data-comment-id]',
        ident=ident, parent=parent, author=author, published=stack_exchange_time,
        text='./self::li//span[@class="comment-copy"] | ./self::div//div[contains(@class,"post-text")]')


SPECS.update({"stackoverflow-scala_1.html": stack_exchange("stackoverflow.com"),
              "ru-stackoverflow-php_1.html": stack_exchange("ru.stackoverflow.com")})

# Listing pages: posts of a community or a forum with their reply counts, or a feed showing the top comment of
# each post; none of it is this page's thread.
for _page, _site in (("lemmy-community-listing_1.html", "startrek.website"),
                     ("discourse-latest-topics_1.html", "community.tt-rss.org"),
                     ("joyreactor-feed_1.html", "joyreactor.cc")):
    SPECS[_page] = Spec(site=_site, items="/nothing", text=".", comments_in_html=False)


TALK_ID = re.compile(r"^c-(?P<author>.+?)-(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z)(?:-(?P<rest>.*))?$")
BLOCKS = {"p", "dd", "dt", "li", "div", "br", "blockquote", "pre", "h2", "h3", "h4", "table", "tr", "td"}


def talk_texts(document) -> dict[str, str]:
    """Each comment's text on a MediaWiki talk page served with DiscussionTools markup: what stands between
    its start marker (span[data-mw-comment-start]) and its signature marker (span[data-mw-comment-sig])."""
    texts: dict[str, list[str]] = {}
    current: list[str] | None = None

    def walk(element) -> None:
        nonlocal current
        if element.get("data-mw-comment-start") is not None and (element.get("id") or "").startswith("c-"):
            current = texts.setdefault(element.get("id"), [])
        elif element.get("data-mw-comment-sig") is not None or element.get("data-mw-comment-end") is not None:
            current = None
        if isinstance(element.tag, str) and element.tag not in ("script", "style"):
            if current is not None and element.tag in BLOCKS:
                current.append(" ")
            if current is not None and element.text:
                current.append(element.text)
            for child in element:
                walk(child)
                if current is not None and child.tail:
                    current.append(child.tail)
            if current is not None and element.tag in BLOCKS:
                current.append(" ")

    walk(document)
    return {key: "".join(parts) for key, parts in texts.items()}


def talk_page(site: str) -> Spec:
    """A MediaWiki talk page with DiscussionTools markup: each comment's id names its author, its UTC time and
    the comment it answers (or its section's heading)."""
    cache: dict[int, dict[str, str]] = {}

    def text(node) -> str:
        document = node.getroottree().getroot()
        if id(document) not in cache:
            cache[id(document)] = talk_texts(document)
        # the "--" or "~" a writer puts before the signature is part of signing, not of the comment
        return cache[id(document)].get(node.get("id"), "").rstrip(" \n\t-\u2013\u2014~")

    def parent(node, ids) -> str | None:
        rest = TALK_ID.match(node.get("id")).group("rest") or ""
        answered = TALK_ID.match(f"c-{rest}")
        if not answered:
            return None
        prefix = f"c-{answered.group('author')}-{answered.group('time')}"
        return next((key for key in ids.values() if key.startswith(prefix)), None)

    return Spec(
        site=site, items='//span[@data-mw-comment-start][starts-with(@id,"c-")]', ident="@id", parent=parent, text=text,
        author=lambda node: TALK_ID.match(node.get("id")).group("author").replace("_", " "),
        published=lambda node: TALK_ID.match(node.get("id")).group("time")[:19] + "+00:00",
        published_raw=lambda node: next((link.text_content() for link in node.xpath(
            '//a[contains(@class,"ext-discussiontools-init-timestamplink")]')
            if link.get("href", "").endswith("#" + node.get("id"))), None))


SPECS.update({
    "wikipedia-kawiarenka_1.html": talk_page("pl.wikipedia.org"),
    "wikipedia-ar-talk_1.html": talk_page("ar.wikipedia.org"),
    "wikipedia-fr-le-monde_1.html": talk_page("fr.wikipedia.org"),
    "wikipedia-it-sportello_1.html": talk_page("it.wikipedia.org"),
})

SPECS["wikipedia-nl-overleg_1.html"] = talk_page("nl.wikipedia.org")

SPECS.update({"wikipedia-it-vandalismi_1.html": talk_page("it.wikipedia.org"),
              "wikipedia-en-afd_1.html": talk_page("en.wikipedia.org"),
              "wikipedia-pl-medal_1.html": talk_page("pl.wikipedia.org")})


def hacker_news_2012(site: str = "news.ycombinator.com") -> Spec:
    """Hacker News in 2012: each comment a table row indented by a spacer image 40px a level."""
    row = "ancestor::table[1]/ancestor::tr[1]"
    return Spec(
        site=site, items='//span[@class="comment"]',
        ident=lambda node: node.xpath(f'string({row}//span[@class="comhead"]/a[starts-with(@href,"item?id=")]/@href)')[8:],
        level=lambda node: int(node.xpath(f'{row}//td/img[@src][contains(@src,"s.gif")]/@width')[0]) // 40 + 1,
        text=".", author=f'{row}//span[@class="comhead"]/a[starts-with(@href,"user?id=")]',
        published_raw=lambda node: " ".join((node.xpath(f'{row}//span[@class="comhead"]/a[1]')[0].tail or "").split()).strip(" |") or None)


SPECS.update({
    "hn-2012-outage_1.html": hacker_news_2012(),
    "hn-2012-ask_1.html": hacker_news_2012(),
    # Futaba (2chan.net): the thread's opening post is its article; each reply a table cell with its number
    "futaba-thread_1.html": Spec(
        site="img.2chan.net", items='//td[@bgcolor="#F0E0D6"][input[@type="checkbox"]]',
        ident="./input/@name", parent=lambda node, ids: None, text="./blockquote",
        published_raw=lambda node: " ".join((node.xpath("./input")[0].tail or "").split()[:1]) or None),
})
