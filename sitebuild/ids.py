"""Element ids for the article's sections: readable in any script, and unique over the whole page.

A section's id is its heading's slug with the letters of every script kept (like MkDocs'
slugify_unicode and Hugo's anchors): "Why ML cares" -> why-ml-cares, "你好 世界" -> 你好-世界.
The page's own parts (the figure, the legend, "Further reading", ...) and each section's
derived ids (its heading's "<id>-title") are reserved, so a section named like one of them gets
the next free id instead (further-reading-2). A heading that slugs to nothing (only emoji or
punctuation) gets section-<n>, n being its place in the article, so its id stays put while the
heading is edited.
"""

import re
import unicodedata

# The ids the page template derives from each section's id (see page.html).
SECTION_SUFFIXES = ("-title",)


def slugify(title):
    """Return the slug of a heading: lower-case words of any script joined by hyphens."""
    text = unicodedata.normalize("NFKC", title)
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[\s-]+", "-", text).strip("-")


def section_ids(titles, reserved=(), suffixes=SECTION_SUFFIXES):
    """Return one id per title, unique among themselves, their suffixed forms and reserved."""
    taken = set(reserved)
    ids = []
    for place, title in enumerate(titles, start=1):
        base = slugify(title) or f"section-{place}"
        candidate, n = base, 1
        while any(candidate + suffix in taken for suffix in ("", *suffixes)):
            n += 1
            candidate = f"{base}-{n}"
        taken.update(candidate + suffix for suffix in ("", *suffixes))
        ids.append(candidate)
    return ids
