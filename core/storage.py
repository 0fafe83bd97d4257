"""Where uploaded files are kept: MEDIA_ROOT, as Django's FileSystemStorage keeps them, except that
each picture's file name (the original and every size made of it) starts with a random part.

The web server hands out /media/ without asking Wagtail, so a picture is public once uploaded,
even on a draft or private story; its address is at least one nobody can work out from the
name it was uploaded with (`/media/original_images/<upload name>` was). Files stored before
keep their names. Documents keep theirs: readers download them under that name, through
Wagtail's own view.
"""

import posixpath
import re
import secrets

from django.core.files.storage import FileSystemStorage

ORIGINALS, SIZES = "original_images", "images"  # Wagtail's folders (get_upload_to)
RANDOM_PART = re.compile(r"[0-9a-f]{16}_")


def random_part():
    return f"{secrets.token_hex(8)}_"  # 64 bits


class MediaStorage(FileSystemStorage):
    def generate_filename(self, filename):
        filename = super().generate_filename(filename)
        folder, name = posixpath.split(filename)
        # Wagtail names a size after its original, so it starts with the original's random
        # part, unless the original has none (stored before) or its name was cut short.
        if folder == ORIGINALS or (folder == SIZES and not RANDOM_PART.match(name)):
            # First in the name: a name too long for its field is cut at its end.
            return posixpath.join(folder, random_part() + name)
        return filename
