"""Logo uploads: PNG, JPEG or WebP, size- and pixel-limited, re-encoded before storing.

Re-encoding keeps the pixels only: every kind of metadata (EXIF, JPEG comments, PNG text
chunks, ICC profiles, XMP) is dropped, so a logo never publishes where or with what a
photo was taken, or who edited it."""

import io
import os
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, UnidentifiedImageError

from pledge_forms import conf

ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


def _to_srgb(image: Image.Image, mode: str) -> Image.Image:
    """``image`` in ``mode`` with its colours moved to sRGB when it has an ICC profile.

    The profile itself is not stored (it is metadata, and can name its maker), so colours
    are converted first; a profile Little CMS cannot use is ignored."""
    profile = image.info.get("icc_profile")
    if profile:
        try:
            return ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                ImageCms.createProfile("sRGB"),
                outputMode=mode,
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass
    return image.convert(mode)


def process_logo(upload) -> ContentFile:
    """Check an uploaded logo and return it re-encoded (metadata dropped, size bounded).

    Raises ``ValidationError`` with a message for the person uploading.
    """
    max_bytes = conf.get("LOGO_MAX_BYTES")
    max_pixels = conf.get("LOGO_MAX_PIXELS")
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The logo is too large: at most %(mb)s MB, please.")
            % {"mb": round(max_bytes / 1024 / 1024, 1)}
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(
            _("The logo is too large: at most %(mb)s MB, please.")
            % {"mb": round(max_bytes / 1024 / 1024, 1)}
        )
    too_many_pixels = ValidationError(
        _("The logo has too many pixels: at most %(mp)s megapixels, please.")
        % {"mp": max_pixels // 1_000_000}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationError(
            _("The logo must be a PNG, JPEG or WebP image.")
        ) from None
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("The logo must be a PNG, JPEG or WebP image."))
    if width * height > max_pixels:
        raise too_many_pixels
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            has_alpha = (
                image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
            )
            image = _to_srgb(image, "RGBA" if has_alpha else "RGB")
            side = conf.get("LOGO_MAX_SIDE")
            image.thumbnail((side, side))
            # Only the pixels go on: a new image has no ``info`` to carry over, so no
            # EXIF (GPS, camera, author), JPEG comment, PNG text chunk, ICC profile or
            # XMP packet reaches the stored file, whatever Pillow's savers copy.
            image = Image.frombytes(image.mode, image.size, image.tobytes())
            output = io.BytesIO()
            if image_format == "JPEG":
                image.save(output, "JPEG", quality=88, optimize=True)
            elif image_format == "WEBP":
                image.save(output, "WEBP", quality=88)
            else:
                image.save(output, "PNG", optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("The logo could not be read; please try another file.")
        ) from None
    stem = os.path.splitext(os.path.basename(upload.name or ""))[0][:40] or "logo"
    safe_stem = "".join(
        char if char.isalnum() or char in "-_" else "-" for char in stem
    )
    return ContentFile(
        output.getvalue(),
        name=f"{safe_stem}-{uuid.uuid4().hex[:8]}.{ALLOWED_FORMATS[image_format]}",
    )
