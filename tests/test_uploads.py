"""Uploads are size-limited through the admin, with a message saying so: documents (the add
page and the multiple upload) and images."""

import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

import pytest
from PIL import Image as PillowImage


def document(size):
    return SimpleUploadedFile("minutes.txt", b"x" * size, content_type="text/plain")


def picture():
    """A PNG of noise, which does not compress: some 30 KB."""
    buffer = io.BytesIO()
    PillowImage.frombytes("RGB", (100, 100), os.urandom(30_000)).save(buffer, "PNG")
    return SimpleUploadedFile("march.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def root_collection(db):
    return Collection.get_first_root_node()


def test_the_limits_editors_get(settings):
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024
    assert settings.DOCUMENT_MAX_UPLOAD_SIZE == 25 * 1024 * 1024


@override_settings(DOCUMENT_MAX_UPLOAD_SIZE=1024)
def test_a_document_over_the_limit_is_refused_with_a_message(admin_client, root_collection):
    data = {"title": "Minutes", "collection": root_collection.pk}
    response = admin_client.post("/admin/documents/add/", {**data, "file": document(2048)})
    assert response.status_code == 200
    assert "This file is too big (2.0\xa0KB). The largest document accepted is 1.0\xa0KB" in (
        response.content.decode()
    )
    assert not Document.objects.exists()
    # Control: at the limit it is kept.
    response = admin_client.post("/admin/documents/add/", {**data, "file": document(1024)})
    assert response.status_code == 302
    assert Document.objects.get().file.size == 1024


@override_settings(DOCUMENT_MAX_UPLOAD_SIZE=1024)
def test_the_multiple_upload_refuses_it_too(admin_client, root_collection):
    data = {"collection": root_collection.pk}
    response = admin_client.post(
        "/admin/documents/multiple/add/", {**data, "files[]": document(2048)}
    )
    assert response.json()["success"] is False
    assert "The largest document accepted is 1.0\xa0KB" in response.json()["error_message"]
    assert not Document.objects.exists()
    response = admin_client.post(
        "/admin/documents/multiple/add/", {**data, "files[]": document(1000)}
    )
    assert response.json()["success"] is True
    assert Document.objects.count() == 1


def test_an_image_over_the_limit_is_refused_with_a_message(admin_client, root_collection, settings):
    data = {"title": "March", "collection": root_collection.pk}
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10_000
    response = admin_client.post("/admin/images/add/", {**data, "file": picture()})
    assert response.status_code == 200
    assert "This file is too big" in response.content.decode()
    assert "Maximum filesize 9.8\xa0KB" in response.content.decode()
    assert not Image.objects.exists()
    # Control: under a higher limit the same picture is kept.
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 100_000
    response = admin_client.post("/admin/images/add/", {**data, "file": picture()})
    assert response.status_code == 302
    assert Image.objects.count() == 1
