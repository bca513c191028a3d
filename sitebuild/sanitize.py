"""What content may contain: an allow-list of elements and attributes, and the URLs it may use.

Content (the article's body and its markdown fields) may hold what markdown, its extensions and
latex2mathml produce, and nothing that can act on its own: no element that navigates, submits,
embeds or loads (meta, base, form, iframe, object, embed, script, style, link, ...), no event
handler, style, formaction or srcdoc attribute, no URL with a scheme but http(s) and mailto for
links, and images only from the site itself. The templates are the project's code: they answer
only to the page's Content-Security-Policy (csp_problem). Tags arrive as html5lib parses them:
HTML by local name, MathML as {namespace}name.
"""

from urllib.parse import urlsplit

MATHML = "{http://www.w3.org/1998/Math/MathML}"

GLOBAL_ATTRIBUTES = {"id", "class", "title", "lang", "dir"}
HTML_ELEMENTS = {
    **dict.fromkeys(
        "p br hr h1 h2 h3 h4 h5 h6 blockquote ul dl dt dd pre code em strong b i u s del ins sub "
        "sup mark small kbd samp var abbr cite q span div figure figcaption table thead tbody "
        "tfoot tr caption summary".split(),
        set(),
    ),
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "details": {"open"},
}
MATHML_ELEMENTS = set(
    "math semantics annotation mrow mi mn mo ms mtext mspace msqrt mroot mfrac msub msup msubsup "
    "munder mover munderover mmultiscripts mprescripts none mtable mtr mtd mlabeledtr mstyle "
    "mpadded mphantom menclose merror".split()
)
MATHML_ATTRIBUTES = set(
    "display xmlns mathvariant mathsize mathcolor mathbackground stretchy fence separator lspace "
    "rspace accent accentunder linethickness columnalign columnspacing rowspacing rowalign "
    "columnlines rowlines frame framespacing width height depth voffset minsize maxsize "
    "movablelimits largeop symmetric form scriptlevel displaystyle notation encoding align "
    "equalrows equalcolumns side bevelled numalign denomalign".split()
)
LINK_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src"}

ADVICE = "content may hold markdown and the HTML markdown makes (see the README's Security section)"
CSP_ADVICE = (
    "the page's Content-Security-Policy runs no inline code or styles; move it into a file in "
    "site_templates/assets/ (a class in style.css)"
)


def local_name(tag):
    """Return an attribute's or element's name without its namespace."""
    return tag.rpartition("}")[2]


def csp_problem(tag, attributes):
    """Say what in this element the Content-Security-Policy would refuse, or None."""
    name = local_name(tag)
    if name == "script" and not attributes.get("src") or name == "style":
        return f"an inline <{name}> element: {CSP_ADVICE}"
    for attribute in map(local_name, attributes):
        if attribute.startswith("on") or attribute == "style":
            what = "a style attribute" if attribute == "style" else f"an {attribute} attribute"
            return f"{what} in <{name}>: {CSP_ADVICE}"
    return None


def content_problem(tag, attributes):
    """Say why content may not hold this element (tag and attributes as parsed), or None."""
    problem = csp_problem(tag, attributes)
    if problem:
        return problem
    if tag.startswith(MATHML):
        name, allowed = local_name(tag), MATHML_ATTRIBUTES | GLOBAL_ATTRIBUTES
        if name not in MATHML_ELEMENTS:
            return f"<{name}> is not MathML that content may use: remove it ({ADVICE})"
    elif tag in HTML_ELEMENTS:
        name, allowed = tag, HTML_ELEMENTS[tag] | GLOBAL_ATTRIBUTES
    else:
        name = local_name(tag)
        return f"<{name}> is not allowed in content: remove it; {ADVICE}"
    for attribute, value in attributes.items():
        attribute = local_name(attribute)
        if attribute not in allowed:
            return f"<{name} {attribute}=…> is not allowed in content: remove it; {ADVICE}"
        if attribute in URL_ATTRIBUTES:
            problem = url_problem(name, attribute, value)
            if problem:
                return problem
    return None


def url_problem(name, attribute, url):
    """Say why content may not use this URL, or None (whether it resolves is checks.py's)."""
    parts = urlsplit(url)
    if attribute == "href" and parts.scheme in LINK_SCHEMES:
        return None
    if parts.scheme or parts.netloc or url.strip().startswith(("/", "\\")):
        allowed = "http(s), mailto or a file of the site" if attribute == "href" else "a file"
        return (
            f"<{name} {attribute}={_short(url)!r}>: content may link to {allowed} only, and "
            "load nothing from elsewhere; put the file in content/ and use a relative path"
        )
    return None


def _short(url, limit=60):
    """Shorten a URL for a message."""
    return url if len(url) <= limit else url[: limit - 1] + "…"
