"""Evidence files are private documents of agencies: the backup archive keeps the rows that
name them, never the files (docs/backup.md says how to back up private storage)."""

import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Site

from cms.backup import create_backup
from pledge_forms import evidence, services
from pledge_forms.choices import PracticeStatus
from pledge_forms.testing.factories import (
    PledgeFormPageFactory,
    make_checklist,
    pledge_data,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% EVIDENCEINSIDE\n%%EOF\n"


def test_a_backup_with_media_leaves_evidence_files_out(tmp_path):
    root = Site.objects.get(is_default_site=True).root_page
    page = PledgeFormPageFactory(parent=root, checklist=make_checklist())
    item = page.checklist_items().first()
    name = evidence.store_evidence(
        evidence.check_evidence(SimpleUploadedFile("policy.pdf", PDF))
    )
    data = pledge_data(page.checklist, status=PracticeStatus.IN_PROGRESS)
    data[f"practice_{item.pk}"] = PracticeStatus.IN_PLACE
    data[f"evidence_file_{item.pk}"] = name
    pledge = services.submit(page, data).pledge
    assert pledge.practices.get(item=item).evidence_file.name == name

    path = tmp_path / "campaign.tar"
    create_backup(path, include_media=True)

    with tarfile.open(path) as archive:
        members = archive.getnames()
        payloads = b"".join(
            archive.extractfile(member).read()
            for member in archive.getmembers()
            if member.isfile() and member.name.startswith("media/")
        )
        manifest = archive.extractfile("manifest.json").read().decode()
    assert not any("evidence/" in member for member in members)
    assert name not in manifest
    assert b"EVIDENCEINSIDE" not in payloads
