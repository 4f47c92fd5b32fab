"""A comment body read in one walk is exactly the text and HTML of its cleaned copy."""
from __future__ import annotations

import pytest
from lxml import etree, html

from newsarchive.pages.base import HTML_PARSER
from newsarchive.threads.fields import body_text, clean_body, clean_copy, is_meta

BODIES = [
    "<p>Bravo &amp; merci &lt;script&gt; à tous</p><p>Deuxième<br>ligne</p>",
    "Texte nu &lt;b&gt; avant <p>un paragraphe</p> et après",
    "<ul><li></li><li><span class='reply'>x</span></li><li>plein</li></ul>",
    "<p>avant <span class='comment-meta'>meta</span> après</p><img src='/a.png'> fin",
    "<div><section>bloc <font>sans</font> balise sûre</section></div><hr>",
    "<p>un <ins>ajout</ins> <script>x()</script>suite <object><b>objet</b></object></p>",
    "<p><em>Votre commentaire est en attente de modération.</em></p><p>texte</p>",
    "<p>&nbsp;espaces&#8203;  insécables \u2009 fines</p><!-- note --><p>&#13;retour</p>",
    "<blockquote><p>cité</p></blockquote><p>réponse <a>sans lien</a></p>",
    "<p>un <a href='https://example.org/a b'>lien</a> gardé</p>",
    "<p>un <a href='javascript:alert(1)'>faux lien</a></p>",
    "<table><tr><td>a</td><td>b</td></tr></table>",
]


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("root", ["div", "li", "p"])
def test_one_walk_equals_the_cleaned_copy(body, root):
    tree = html.document_fromstring(
        f"<html><body><ol><{root} class='comment-content'>{body}</{root}></ol></body></html>",
        parser=HTML_PARSER)
    content = tree.find(".//*[@class='comment-content']")
    text, text_html = clean_body(content, is_meta)
    assert (text, text_html) == body_text(clean_copy(content, is_meta))
    assert "<script" not in text_html and "href=\"javascript" not in text_html


def test_an_xml_document_keeps_its_own_escaping():
    box = etree.Element("div")
    paragraph = etree.SubElement(box, "p")
    paragraph.text = "a\rb & c"
    assert clean_body(box) == body_text(clean_copy(box))
