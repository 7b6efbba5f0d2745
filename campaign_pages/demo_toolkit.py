"""The press and social media toolkit of the demo site: the logo pack, the pledge badge
artwork, a sample announcement, social media posts and the key facts.

The artwork is read from ``cms/static/img/brand/`` (drawn and rendered by
``scripts/build_brand.py``); the logo pack is zipped from it when the demo is loaded. The
announcement and the posts are sample text written for this demo site, for editors to
replace: the page says so.
"""

import io
import zipfile
from pathlib import Path

from django.contrib.staticfiles import finders
from django.utils.html import escape

BRAND_STATIC = "img/brand/"
PACK_FOLDER = "trust-building-campaign-logo-pack"
PACK_FILENAME = f"{PACK_FOLDER}.zip"
# A fixed date for every file in the zip, so the same artwork makes the same bytes.
PACK_DATE = (2026, 1, 1, 0, 0, 0)
PNG_SIZES = (256, 512, 1024)

# (what it is, name of its files): each as SVG and as PNG renders PNG_SIZES wide
ARTWORK = [
    ("The logo for light backgrounds", "lockup"),
    ("The logo for dark backgrounds", "lockup-reversed"),
    ("The mark alone", "mark"),
]


def _artwork_files(stem: str) -> list[tuple[str, str]]:
    """(name in the pack, file under BRAND_STATIC) of one piece of artwork."""
    return [(f"svg/{stem}.svg", f"{stem}.svg")] + [
        (f"png/{stem}-{size}.png", f"{stem}-{size}.png") for size in PNG_SIZES
    ]


LOGO_PACK = [entry for _label, stem in ARTWORK for entry in _artwork_files(stem)]
README_NAME = "README.txt"

# The body the press page had before the toolkit (an earlier demo); replaced on the next
# load only while it is still exactly this.
PREVIOUS_PRESS_BODY = [
    (
        "rich_text",
        "<p>Use the key messages and images on this page freely when writing about "
        "the campaign.</p>",
    )
]

USAGE_GUIDE = """\
Trust Building Campaign: logo pack
==================================

Demo artwork drawn for the campaign website. The mark is an arch: its stones stand for
the practices an agency puts in place, the gold keystone for the trust that holds them
together.

What the pack holds
-------------------
svg/lockup.svg            the logo (mark and name) for white or light backgrounds
svg/lockup-reversed.svg   the logo for dark backgrounds
svg/mark.svg              the mark alone, for square spaces: avatars, app icons
png/...-256.png, -512.png, -1024.png
                          each of them 256, 512 and 1024 pixels wide, transparent

Use the SVG files wherever they are accepted (web pages, print, slides): they stay sharp
at every size. Use the PNG files where SVG is not accepted (some social networks, e-mail,
office software).

Clear space
-----------
Keep an empty margin around the logo at least a quarter of the mark's height: 8 px
around a logo 32 px high. No text, picture edge or other logo inside it.

Minimum size
------------
Logo with the name: 32 px high on screen, 10 mm in print. Smaller, use the mark alone.
Mark alone: 16 px on screen, 5 mm in print.

Colours
-------
Navy   #162e51   the tile; the name on light backgrounds
Gold   #ffbe2e   the keystone
White  #ffffff   the stones; the name on dark backgrounds
Blue   #005ea2   supporting colour (links, bands)
They are colours of the U.S. Web Design System theme the campaign website uses
(primary-darker, gold-20v, primary).

Please don't
------------
- stretch, squash, rotate or crop the logo;
- change its colours, or add shadows, outlines, glows or other effects;
- retype the name in another font, or move the name and the mark around;
- put the logo for light backgrounds on a dark or busy background (use the reversed one);
- merge the logo with another logo: place them side by side, each with its clear space;
- use the logo to suggest that the campaign endorses a product, a service or a claim.

Font and licence
----------------
The name is set in Public Sans Bold and converted to outlines: no font needs to be
installed. Public Sans is licensed under the SIL Open Font License, Version 1.1
(https://openfontlicense.org); copyright 2015 Impallari Type, with modifications by the
U.S. General Services Administration. To match the website's typography, use Public Sans
and Merriweather, both free under the same licence.
"""

PRESS_RELEASE = {
    "headline": "[Agency name] joins the Trust Building Campaign",
    "standfirst": (
        "[Agency name] commits to 25 policies and practices that build trust with the "
        "community it serves."
    ),
    "dateline": "[CITY, State or province], [Month day, year]",
    "paragraphs": [
        "[Agency name] has pledged to put 25 key policies and practices in place within "
        "36 months as a member of the Trust Building Campaign, a national and "
        "international effort in which police agencies and the people they serve work "
        "on trust together.",
        "The practices cover six focus areas: bias-free policing; use of force; "
        "leadership and culture; recruitment, hiring and retention; victim services; "
        "and community relations. They range from a written policy on bias-free "
        "policing and regular scenario-based de-escalation training to an employee "
        "wellness programme and taking part in the national use-of-force data "
        "collection.",
        "“[One or two sentences from the chief executive: why the agency joined, and "
        "what residents will notice.]” said [Name], [title] of [Agency name].",
        "The agency reports its progress to the campaign, and its pledge is listed on "
        "the campaign's public member showcase at [address of the member page].",
    ],
    "about_agency": (
        "[Two or three sentences on the agency: the community it serves, the number of "
        "officers and staff, a recent community initiative.]"
    ),
    "about_campaign": (
        "The Trust Building Campaign asks law-enforcement agencies to adopt 25 policies "
        "and practices in six focus areas within 36 months of pledging. Agencies that "
        "show serious commitment across all six areas are recognised publicly as "
        "members; those that put all 25 practices in place are confirmed as having "
        "completed the campaign. Joining is free."
    ),
    "contact": "[Name], [title], [Agency name] · [e-mail address] · [telephone]",
}

# (text, hashtags, which image: "share" the share image, "focus_areas" the square card)
SOCIAL_POSTS = [
    (
        "We have taken the pledge. [Agency name] is committing to 25 policies and "
        "practices that build trust between our officers and the community we serve. "
        "Follow our progress: [address of our member page]",
        "#TrustBuildingCampaign #CommunityPolicing",
        "share",
    ),
    (
        "Trust is built in everyday encounters. Over the next 36 months we are working "
        "on six focus areas, from bias-free policing to victim services. What it means "
        "for you: [address]",
        "#TrustBuildingCampaign #BuildingTrust",
        "focus_areas",
    ),
    (
        "How are we doing? We will report our progress on all 25 practices of the Trust "
        "Building Campaign, so you can see what is already in place and what comes next. "
        "[address]",
        "#TrustBuildingCampaign #Transparency",
        "share",
    ),
    (
        "Police agencies of every size, in the United States and beyond, are joining the "
        "Trust Building Campaign. Is yours one of them? Find out how to pledge: "
        "[address of the pledge page]",
        "#TrustBuildingCampaign #Policing",
        "share",
    ),
]


def brand_file(name: str) -> Path:
    """A file of the brand artwork, found where Django finds static files."""
    found = finders.find(BRAND_STATIC + name)
    if not found:
        raise FileNotFoundError(f"brand artwork {BRAND_STATIC}{name} is missing")
    return Path(found)


def pack_names() -> list[str]:
    """The files of the logo pack, as they are named inside the zip."""
    return [f"{PACK_FOLDER}/{README_NAME}"] + [
        f"{PACK_FOLDER}/{name}" for name, _source in LOGO_PACK
    ]


def pack_contents() -> list[tuple[str, list[str]]]:
    """What the pack holds, grouped for the page: (what it is, its files in the zip)."""
    return [("The usage guide", [README_NAME])] + [
        (label, [name for name, _source in _artwork_files(stem)])
        for label, stem in ARTWORK
    ]


def logo_pack_zip() -> bytes:
    """The logo pack: the SVG logos, their PNG renders and the usage guide."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        entries = [(README_NAME, USAGE_GUIDE.encode())] + [
            (name, brand_file(source).read_bytes()) for name, source in LOGO_PACK
        ]
        for name, data in entries:
            info = zipfile.ZipInfo(f"{PACK_FOLDER}/{name}", date_time=PACK_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            pack.writestr(info, data)
    return buffer.getvalue()


def _paragraphs(*texts: str) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def press_release_html() -> str:
    release = PRESS_RELEASE
    return "".join(
        [
            f"<h3>{escape(release['headline'])}</h3>",
            f"<p><i>{escape(release['standfirst'])}</i></p>",
            f"<p><b>{escape(release['dateline'])}</b> – {escape(release['paragraphs'][0])}</p>",
            _paragraphs(*release["paragraphs"][1:]),
            "<h3>About [Agency name]</h3>",
            _paragraphs(release["about_agency"]),
            "<h3>About the Trust Building Campaign</h3>",
            _paragraphs(release["about_campaign"]),
            "<h3>Media contact</h3>",
            _paragraphs(release["contact"]),
        ]
    )


def body(
    *,
    pack,
    badge_svg,
    badge_png,
    lockup_image,
    badge_image,
    post_images,
    focus_areas,
    contact,
):
    """The toolkit page's StreamField body, in blocks editors can change or remove."""
    pack_list = _list(
        f"{escape(label)}: "
        + ", ".join(f"<code>{escape(name)}</code>" for name in names)
        for label, names in pack_contents()
    )
    area_links = _list(
        f'<a linktype="page" id="{page.pk}">{escape(page.title)}</a>'
        for page in focus_areas
    )
    return [
        (
            "rich_text",
            _paragraphs(
                "Everything agencies, partners and journalists need to write about the "
                "campaign: the logo, the pledge badge, a sample announcement, posts for "
                "social media and the key facts. Use them freely when you write about "
                "the campaign.",
                "The announcement and the posts are sample text written for this demo "
                "site: replace the parts in square brackets, and adapt the wording to "
                "your agency.",
            ),
        ),
        ("heading", {"text": "Logo pack", "level": "h2"}),
        ("image", {"image": lockup_image, "caption": "The campaign logo."}),
        (
            "rich_text",
            _paragraphs(
                "The logo for light and dark backgrounds and the mark alone, as SVG and "
                "as PNG 256, 512 and 1024 pixels wide, with a short usage guide. Keep a "
                "margin of a quarter of the mark's height around the logo, and show it "
                "at least 32 pixels high (the mark alone: 16 pixels). Colours: navy "
                "#162e51, gold #ffbe2e, white #ffffff.",
                "The pack holds:",
            )
            + pack_list,
        ),
        ("document_list", {"heading": "", "documents": [pack]}),
        ("heading", {"text": "Pledge badge", "level": "h2"}),
        (
            "rich_text",
            _paragraphs(
                "Agencies that have taken the pledge can show this badge in newsletters, "
                "presentations and print. On your website, prefer the badge on your own "
                "member page: it names your agency and links back to the page, so "
                "anyone can check it."
            ),
        ),
        ("image", {"image": badge_image, "caption": "The pledge badge."}),
        ("document_list", {"heading": "", "documents": [badge_svg, badge_png]}),
        ("heading", {"text": "Sample announcement", "level": "h2"}),
        (
            "rich_text",
            _paragraphs(
                "Sample text for an agency announcing its pledge: fill in the parts in "
                "square brackets."
            )
            + press_release_html(),
        ),
        (
            "social_posts",
            {
                "heading": "Social media posts",
                "intro": (
                    "Sample posts to copy and adapt. Attach the image with its alt "
                    "text, so that everyone can follow the post."
                ),
                "posts": [
                    {
                        "text": text,
                        "hashtags": hashtags,
                        "image": post_images[image],
                        "alt_text": "",
                    }
                    for text, hashtags, image in SOCIAL_POSTS
                ],
            },
        ),
        (
            "key_figures",
            {
                "heading": "Key facts",
                "figures": [
                    {"figure": "25", "label": "policies and practices"},
                    {"figure": "6", "label": "focus areas"},
                    {"figure": "36", "label": "months to put them in place"},
                ],
            },
        ),
        (
            "rich_text",
            _paragraphs(
                "Agencies pledge to put all 25 practices in place within 36 months. "
                "Agencies that show serious commitment in all six focus areas are "
                "recognised publicly as members. The six focus areas:"
            )
            + area_links
            + _paragraphs(
                "Practices 14 to 25 shown on this site are illustrative wording prepared "
                "for this website, pending the campaign's official text.",
            )
            + (
                f'<p>Press enquiries: <a href="mailto:{escape(contact)}">'
                f"{escape(contact)}</a>.</p>"
                if contact
                else ""
            ),
        ),
    ]
