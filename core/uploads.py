"""Size limits for what editors upload. Wagtail limits images itself
(WAGTAILIMAGES_MAX_UPLOAD_SIZE); documents get the same from this form, which Wagtail uses for
every document upload (the add and edit pages, the multiple upload, the chooser) through
WAGTAILDOCS_DOCUMENT_FORM_BASE."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from wagtail.documents.forms import BaseDocumentForm


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        limit = settings.DOCUMENT_MAX_UPLOAD_SIZE
        # Only a new upload: a document already kept stays editable whatever its size.
        if isinstance(file, UploadedFile) and limit and file.size > limit:
            raise ValidationError(
                "This file is too big (%(size)s). The largest document accepted is %(limit)s: "
                "make it smaller (a PDF exported for screen rather than print, for instance) "
                "or split it.",
                code="file_too_large",
                params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            )
        return file
