"""Add (or remove) invented news items in bulk, for load tests and the search benchmark.

    manage.py generate_content --news 10000    # adds 10,000 items under the news index
    manage.py generate_content --remove        # deletes every item this command added

Items are published, themed and in the search index at once. They are written in bulk (tree
paths computed here, rows inserted in batches) because saving pages one by one takes minutes
per thousand. Their slugs start with `generated-`, which is how --remove finds them; they
have no revisions or history.
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

from wagtail.models import Page
from wagtail.search.backends import get_search_backends

from core.caching import advance_content_version
from demo.synthetic import news_item
from home.models import Theme
from news.models import NewsIndexPage, NewsItemPage

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

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["remove"]:
            count = self.remove()
            verb = "Removed"
        else:
            if options["news"] < 1:
                raise CommandError("--news needs a positive number.")
            count = self.add(options["news"], random.Random(options["seed"]))
            verb = "Added"
        # Rows written in bulk send no signals: tell the page and fragment caches directly.
        advance_content_version()
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {count} generated news items in {seconds:.1f} s.")
        )

    @transaction.atomic
    def add(self, count, rng):
        # Locked so that two runs (or an editor adding an item) cannot take the same paths.
        index = NewsIndexPage.objects.select_for_update().order_by("path").first()
        if index is None:
            raise CommandError("There is no news index page: run load_demo_content first.")
        themes = {theme.slug: theme for theme in Theme.objects.all()}
        last_child = index.get_last_child()
        numbers = Page.numconv_obj()
        next_step = numbers.str2int(last_child.path[-Page.steplen :]) + 1 if last_child else 1
        content_type = ContentType.objects.get_for_model(NewsItemPage)
        london = timezone.get_default_timezone()

        for start in range(0, count, BATCH_SIZE):
            items = []
            for step in range(next_step + start, next_step + min(start + BATCH_SIZE, count)):
                fields, theme_slugs = news_item(rng)
                published = datetime.datetime.combine(
                    fields["date"], datetime.time(10), tzinfo=london
                )
                slug = f"{SLUG_PREFIX}{step}-{slugify(fields['title'])[:50]}"
                items.append(
                    (
                        NewsItemPage(
                            title=fields["title"],
                            draft_title=fields["title"],
                            slug=slug,
                            path=child_path(index.path, numbers.int2str(step)),
                            depth=index.depth + 1,
                            numchild=0,
                            url_path=f"{index.url_path}{slug}/",
                            content_type=content_type,
                            locale_id=index.locale_id,
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
                    )
                )
            self.insert(items)

        Page.objects.filter(pk=index.pk).update(numchild=F("numchild") + count)
        return count

    def insert(self, items):
        """Write one batch: base page rows, news item rows, themes, then the search index."""
        pages = [page for page, _ in items]
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
                for page, page_themes in items
                for theme in page_themes
            ]
        )
        indexed = NewsItemPage.objects.filter(pk__in=[page.pk for page in pages])
        indexed = list(indexed.prefetch_related("themes"))
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
