"""A picture is public once uploaded (the web server hands out /media/ to anyone), so its
address must be one nobody can work out: each file name, the original's and every size's,
starts with a random part, different for every upload of the same name."""

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images import get_image_model

import pytest
from PIL import Image as PILImage

from core.storage import MediaStorage

pytestmark = pytest.mark.django_db

RANDOM = r"[0-9a-f]{16}"


def jpeg():
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 400), "#a30d1c").save(buffer, "JPEG")
    return buffer.getvalue()


def upload(admin_client, name="protest-in-lima.jpg"):
    """An editor's upload in Images → Add an image."""
    before = set(get_image_model().objects.values_list("pk", flat=True))
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {"title": "Protest", "file": SimpleUploadedFile(name, jpeg(), "image/jpeg")},
    )
    assert response.status_code == 302
    return get_image_model().objects.exclude(pk__in=before).get()


def test_an_uploaded_picture_has_an_address_nobody_can_work_out(admin_client):
    first, second = upload(admin_client), upload(admin_client)
    for image in (first, second):
        assert re.fullmatch(rf"original_images/{RANDOM}_protest-in-lima\.jpg", image.file.name)
        assert image.file.url == f"/media/{image.file.name}"
        assert (Path(settings.MEDIA_ROOT) / image.file.name).is_file()
    assert first.file.name != second.file.name
    # Nothing is left at the address the upload's name gives.
    assert not (Path(settings.MEDIA_ROOT) / "original_images/protest-in-lima.jpg").exists()


def test_each_size_of_it_has_a_random_name_too(admin_client):
    image = upload(admin_client)
    rendition = image.get_rendition("fill-1200x630|format-jpeg")
    random_part = image.file.name.removeprefix("original_images/")[:17]
    assert rendition.file.name.startswith(f"images/{random_part}")
    assert (Path(settings.MEDIA_ROOT) / rendition.file.name).is_file()


def test_a_size_of_a_picture_stored_before_gets_a_random_part_of_its_own():
    storage = MediaStorage()
    name = storage.generate_filename("images/old-photo.2e16d0ba.fill-160x90.format-webp.webp")
    assert re.fullmatch(
        rf"images/{RANDOM}_old-photo\.2e16d0ba\.fill-160x90\.format-webp\.webp", name
    )
    # A size whose name carries its original's random part keeps it, and gets no second one.
    named = f"images/{'0a' * 8}_photo.2e16d0ba.fill-160x90.format-webp.webp"
    assert storage.generate_filename(named) == named


def test_a_long_upload_name_is_cut_not_its_random_part(admin_client):
    image = upload(admin_client, name=f"{'a' * 120}.jpg")
    # Django shortens the name from its end to fit the field, adding a suffix of its own.
    assert re.fullmatch(rf"original_images/{RANDOM}_a+_\w{{7}}\.jpg", image.file.name)
    assert len(image.file.name) <= 100


def test_documents_keep_the_name_they_were_uploaded_with():
    assert MediaStorage().generate_filename("documents/annual-report.pdf") == (
        "documents/annual-report.pdf"
    )


def test_without_it_the_address_is_the_upload_name(admin_client, settings):
    """The positive control: Django's own storage keeps the name as uploaded."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    (Path(settings.MEDIA_ROOT) / "original_images/control-shot.jpg").unlink(missing_ok=True)
    image = upload(admin_client, name="control-shot.jpg")
    try:
        assert image.file.name == "original_images/control-shot.jpg"
    finally:
        image.file.delete(save=False)
