import datetime
from decimal import Decimal

from django.conf import settings

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale

import factory
import wagtail_factories

from briefings.models import BriefingIndexPage, BriefingPage
from bulletins.models import BulletinIndexPage, BulletinPage, Subscriber
from contact.models import ContactPage
from home.models import StandardPage, Theme
from members.models import JoinPage, MembershipApplication, MembershipTier
from news.models import NewsIndexPage, NewsItemPage


def default_locale():
    """The default language's locale; made if a transactional test emptied the tables."""
    return Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )[0]


class ThemeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")
    locale = factory.LazyFunction(default_locale)

    class Meta:
        model = Theme
        django_get_or_create = ("slug",)


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    title = "News"
    slug = "news"

    class Meta:
        model = NewsIndexPage


class NewsItemPageFactory(wagtail_factories.PageFactory):
    # Plain, predictable words: random ones can collide with what a search test looks for.
    title = factory.Sequence(lambda n: f"Factory news item {n}")
    slug = factory.Sequence(lambda n: f"news-item-{n}")
    date = factory.Sequence(lambda n: datetime.date(2016, 11, 27) - datetime.timedelta(days=n))
    summary = factory.Sequence(lambda n: f"Summary for factory item {n}.")

    # `themes=[...]` goes to the page before its first save, as the editor's form does
    # (a ParentalManyToManyField): no second save of the page to store them.

    class Meta:
        model = NewsItemPage


class BriefingIndexPageFactory(wagtail_factories.PageFactory):
    title = "Briefings"
    slug = "briefings"

    class Meta:
        model = BriefingIndexPage


class BriefingPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Factory briefing {n}")
    slug = factory.Sequence(lambda n: f"briefing-{n}")
    summary = factory.Sequence(lambda n: f"Summary for factory item {n}.")
    last_reviewed = datetime.date(2016, 11, 27)

    class Meta:
        model = BriefingPage


class BulletinIndexPageFactory(wagtail_factories.PageFactory):
    title = "Peru Update"
    slug = "peru-update"

    class Meta:
        model = BulletinIndexPage


class BulletinPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Peru Update {n}")
    slug = factory.Sequence(lambda n: f"update-{n}")
    date = datetime.date(2016, 11, 30)

    class Meta:
        model = BulletinPage


class SubscriberFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    language = "en-gb"
    status = Subscriber.Status.SUBSCRIBED
    consent_wording = "Send me Peru Update by email."

    class Meta:
        model = Subscriber


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Factory page {n}")
    slug = factory.Sequence(lambda n: f"standard-{n}")
    summary = factory.Sequence(lambda n: f"Summary for factory page {n}.")

    class Meta:
        model = StandardPage


class ContactPageFactory(wagtail_factories.PageFactory):
    title = "Contact"
    slug = "contact"
    summary = "How to get in touch."

    class Meta:
        model = ContactPage


class JoinPageFactory(wagtail_factories.PageFactory):
    title = "Join us"
    slug = "join"

    class Meta:
        model = JoinPage


class MembershipTierFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Tier {n}")
    annual_fee = Decimal("25.00")
    description = "For individual supporters."
    locale = factory.LazyFunction(default_locale)

    class Meta:
        model = MembershipTier
        django_get_or_create = ("name",)


class MembershipApplicationFactory(factory.django.DjangoModelFactory):
    full_name = factory.Sequence(lambda n: f"Applicant {n}")
    email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    country = "United Kingdom"
    tier = factory.SubFactory(MembershipTierFactory, name="Individual")
    consent = True

    class Meta:
        model = MembershipApplication
