"""Items fed from scores other domains store (``jixiao.lib.feeds``): for a supervising
department, the finance bureau's finalised appraisal of its budget-performance work (BUD-14)
feeds the item 预算绩效管理工作. The value and explanation the office took
(``services.item_feed_pull``) are kept on the item, so the scheme's result does not move when
the bureau finalises again; the scheme page says when a newer version is there to take."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.government import services, social
from jixiao.government.models import Item, Scheme
from jixiao.government.scoring import CENT, TARGET_RULES, Feed
from jixiao.lib import feeds


def pulled_feeds(scheme: Scheme, items: list[Item]) -> dict[int, Feed]:
    """indicator id → the value and explanation the item took from its source."""
    return {
        i.indicator_id: Feed(Decimal(i.fed_value).quantize(CENT), i.fed_explanation)
        for i in items
        if i.feed_source and i.fed_value is not None
    }


def scheme_feeds(scheme: Scheme, items: list[Item]) -> dict[int, Feed]:
    """Every outside value of the scheme's items: the public surveys (social.py) and the
    values taken from other domains' stored scores."""
    found = social.survey_feeds(scheme, items)
    found.update(pulled_feeds(scheme, items))
    return found


@dataclass
class FeedStatus:
    """What the scheme page shows the office for one source."""

    source: feeds.Source
    item: Item | None  # the item it feeds (linked, or of the standard name)
    latest: feeds.FedValue | None  # what the source stores now
    choices: list[Item]  # the target items the office may feed instead

    @property
    def taken(self) -> bool:
        return self.item is not None and bool(self.item.feed_source)

    @property
    def stale(self) -> bool:
        """A newer stored value than the one taken."""
        return (
            self.taken
            and self.latest is not None
            and self.item is not None
            and self.latest.reference != self.item.feed_reference
        )


def feed_statuses(scheme: Scheme) -> list[FeedStatus]:
    """Per registered source that concerns the scheme: it stores a value for the scheme's
    organisation and year, or the scheme has an item it feeds (linked, or of its name)."""
    out = []
    for source in feeds.sources():
        latest = source.for_assessment(scheme.organization, scheme.year)
        item = services.feed_item(scheme, source)
        if latest is None and item is None:
            continue
        choices = [
            i
            for i in scheme.items.select_related("indicator").order_by("part", "position")
            if i.indicator.rule in TARGET_RULES
        ]
        out.append(FeedStatus(source, item, latest, choices))
    return out
