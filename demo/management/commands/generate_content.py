"""Add (or remove) invented news items in bulk, for load tests and the search benchmark.

    manage.py generate_content --news 10000    # adds 10,000 items under the news index
    manage.py generate_content --news 10000 --spanish 0.2   # a fifth of them in Spanish
    manage.py generate_content --remove        # deletes every item this command added

Items are published, themed and in the search index at once. They are written in bulk (tree
paths computed here, rows inserted in batches) because saving pages one by one takes minutes
per thousand. Their slugs start with `generated-`, which is how --remove finds them; they
have no revisions or history.

With `--spanish SHARE`, that share of the items (spread evenly, the same ones for the same
arguments) is written in Spanish, in the Spanish locale (made if missing), under the news
index's Spanish translation where there is one and under the news index itself otherwise.
"""

import datetime
import random
import time
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backends

from demo.synthetic import news_item
from home.models import Theme
from news.models import NewsIndexPage, NewsItemPage
from regions.models import Region

SLUG_PREFIX = "generated-"
BATCH_SIZE = 250


def child_path(parent_path, key):
    """The tree path of a child of the page at `parent_path` whose step is `key`."""
    return parent_path + key.rjust(Page.steplen, Page.alphabet[0])


def _base_row(page):
    """The wagtailcore_page part of a specific page, as a plain Page."""
    return Page(
        **{field.attname: getattr(page, field.attname) for field in Page._meta.concrete_fields}
    )


class Tree:
    """The children added under one page: the next free step of its path, and how many."""

    def __init__(self, page):
        self.page = page
        self.numbers = Page.numconv_obj()
        last_child = page.get_last_child()
        self.next_step = (
            self.numbers.str2int(last_child.path[-Page.steplen :]) + 1 if last_child else 1
        )
        self.added = 0


class Parent:
    """Where items of one language go: a page (its tree shared with any other language put
    there too) and the locale they are in."""

    def __init__(self, page, locale_id=None, tree=None):
        self.page = page
        self.locale_id = page.locale_id if locale_id is None else locale_id
        self.tree = tree or Tree(page)

    def next_path(self):
        """The path of the next child, and its step."""
        step = self.tree.next_step
        self.tree.next_step += 1
        self.tree.added += 1
        return child_path(self.page.path, self.tree.numbers.int2str(step)), step


class Command(BaseCommand):
    help = "Add N invented news items (--news N) or remove all of them (--remove)."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--news", type=int, metavar="N", help="How many news items to add.")
        action.add_argument(
            "--remove", action="store_true", help="Delete every item this command added."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed, for repeatable content."
        )
        parser.add_argument(
            "--spanish",
            type=float,
            default=0.0,
            metavar="SHARE",
            help="The share of items to write in Spanish, from 0 (default) to 1.",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["remove"]:
            count = self.remove()
            verb = "Removed"
        else:
            if options["news"] < 1:
                raise CommandError("--news needs a positive number.")
            if not 0 <= options["spanish"] <= 1:
                raise CommandError("--spanish needs a share from 0 to 1.")
            count = self.add(options["news"], random.Random(options["seed"]), options["spanish"])
            verb = "Added"
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {count} generated news items in {seconds:.1f} s.")
        )

    @transaction.atomic
    def add(self, count, rng, spanish=0.0):
        # Locked so that two runs (or an editor adding an item) cannot take the same paths.
        index = NewsIndexPage.objects.select_for_update().order_by("path").first()
        if index is None:
            raise CommandError("There is no news index page: run load_demo_content first.")
        parents = {"en": Parent(index)}
        if spanish:
            locale = Locale.objects.get_or_create(language_code="es")[0]
            translated = index.get_translation_or_none(locale)
            if translated is None:
                # A Spanish page lives in the Spanish tree, or it has no Spanish address.
                raise CommandError(
                    "--spanish needs the news list in Spanish: run load_demo_content first."
                )
            translated = NewsIndexPage.objects.select_for_update().get(pk=translated.pk)
            parents["es"] = Parent(translated, locale_id=locale.pk)
        themes = {theme.slug: theme for theme in Theme.objects.all()}
        # The invented texts name regions as readers do, in either language ("Lima" is the
        # city's, as the demo's own items use it).
        regions = {}
        for region in Region.objects.all():
            regions[region.name] = regions[region.spanish_name] = region
        regions["Lima"] = Region.objects.get(code="PE-LMA")
        content_type = ContentType.objects.get_for_model(NewsItemPage)
        london = timezone.get_default_timezone()

        for start in range(0, count, BATCH_SIZE):
            items = []
            for number in range(start, min(start + BATCH_SIZE, count)):
                # Spread evenly: item n is Spanish when the running share passes a whole one.
                language = "es" if int((number + 1) * spanish) > int(number * spanish) else "en"
                parent = parents[language]
                fields, theme_slugs = news_item(rng, language)
                published = datetime.datetime.combine(
                    fields["date"], datetime.time(10), tzinfo=london
                )
                path, step = parent.next_path()
                slug = f"{SLUG_PREFIX}{step}-{slugify(fields['title'])[:50]}"
                items.append(
                    (
                        NewsItemPage(
                            title=fields["title"],
                            draft_title=fields["title"],
                            slug=slug,
                            path=path,
                            depth=parent.page.depth + 1,
                            numchild=0,
                            url_path=f"{parent.page.url_path}{slug}/",
                            content_type=content_type,
                            locale_id=parent.locale_id,
                            translation_key=uuid.uuid4(),
                            live=True,
                            has_unpublished_changes=False,
                            first_published_at=published,
                            last_published_at=published,
                            date=fields["date"],
                            summary=fields["summary"],
                            body=fields["body"],
                        ),
                        [themes[slug] for slug in theme_slugs if slug in themes],
                        [regions[name] for name in fields.pop("region_names") if name in regions],
                    )
                )
            self.insert(items)

        for parent in {id(parent.tree): parent for parent in parents.values()}.values():
            Page.objects.filter(pk=parent.page.pk).update(
                numchild=F("numchild") + parent.tree.added
            )
        return count

    def insert(self, items):
        """Write one batch: base page rows, news item rows, themes, then the search index."""
        pages = [page for page, *_ in items]
        # Django cannot bulk_create a multi-table model: insert the Page rows first...
        base_rows = Page.objects.bulk_create([_base_row(page) for page in pages])
        for page, row in zip(pages, base_rows, strict=True):
            page.pk = page.page_ptr_id = row.pk
        # ...then the news item rows, which point at them.
        fields = NewsItemPage._meta.local_concrete_fields
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(NewsItemPage._meta.db_table),
            ", ".join(quote(field.column) for field in fields),
            ", ".join(["%s"] * len(fields)),
        )
        rows = [
            [field.get_db_prep_save(getattr(page, field.attname), connection) for field in fields]
            for page in pages
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        through = NewsItemPage.themes.through
        through.objects.bulk_create(
            [
                through(newsitempage_id=page.pk, theme_id=theme.pk)
                for page, page_themes, _ in items
                for theme in page_themes
            ]
        )
        through = NewsItemPage.regions.through
        through.objects.bulk_create(
            [
                through(newsitempage_id=page.pk, region_id=region.pk)
                for page, _, page_regions in items
                for region in page_regions
            ]
        )
        indexed = NewsItemPage.objects.filter(pk__in=[page.pk for page in pages])
        indexed = list(indexed.prefetch_related("themes", "regions"))
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(NewsItemPage, indexed)

    @transaction.atomic
    def remove(self):
        generated = NewsItemPage.objects.filter(slug__startswith=SLUG_PREFIX)
        ids = list(generated.values_list("pk", flat=True))
        # Through the tree's own delete, which keeps the parent's child count right; the
        # search index entries go with their pages.
        for start in range(0, len(ids), 1000):
            Page.objects.filter(pk__in=ids[start : start + 1000]).delete()
        return len(ids)
