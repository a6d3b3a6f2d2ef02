"""Settings for the Halvard Instruments expert network (the demo site `make html` builds).

The structural settings (URL scheme, plugins, theme, feeds) come from Chorus; this file
holds what belongs to this site. Every Pelican setting can still be overridden here.
It uses only what any network's settings use (the installed `chorus` package), so the
demo builds from a wheel as it does from this checkout (tests/test_packaging.py).
"""

from chorus.conf import chorus_settings

globals().update(chorus_settings(__file__))

SITENAME = "Halvard Voices"
SITESUBTITLE = "Field notes from the people who build, sell and service Halvard Instruments"
CHORUS_COMPANY = "Halvard Instruments"
SITEURL = ""
TIMEZONE = "Europe/Berlin"

# Code owners (`chorus codeowners` writes .github/CODEOWNERS): editors review everything
# outside an author's own folder; department editors co-own their department's folders.
CHORUS_EDITORS = ["@halvard/web-editors"]
CHORUS_DEPARTMENT_EDITORS = {
    "service": ["@halvard/service-editors"],
    "product-management": ["@halvard/pm-editors"],
    "sales": ["@halvard/sales-editors"],
    "logistics": ["@halvard/logistics-editors"],
    "hr": ["@halvard/hr-editors"],
    "marketing": ["@halvard/marketing-editors"],
    "rnd": ["@halvard/rnd-editors"],
}

# Feed entry ids are tag: URIs from this domain, so moving the site to another host or
# URL scheme never makes subscribers see a post twice.
DEPARTMENT_FEEDS_ID_DOMAIN = "voices.halvard.example"

# The theme's bundled open-licence text font (a 13 KB WOFF2 subset per weight).
BRAND_FONT = "DejaVu Sans"

# Comments are off (COMMENTS_PROVIDER = None): this demo has no discussion repository. To
# keep comments in the network's GitHub Discussions, with giscus.app's values for the repo:
#   COMMENTS_PROVIDER = "giscus"
#   COMMENTS_GISCUS = {"repo": "halvard/voices", "repo_id": "R_…", "category": "Comments", "category_id": "DIC_…"}
# or, on the company's own Remark42 server:
#   COMMENTS_PROVIDER = "remark42"
#   COMMENTS_REMARK42 = {"host": "https://comments.halvard.example", "site_id": "voices"}
# Every comments section links the comment policy, content/pages/comment-policy.md
# (COMMENTS_POLICY_PAGE). See docs/conversation.md.
