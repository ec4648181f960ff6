"""Application request and response shapes (camelCase on the wire)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, PlainValidator, model_validator
from starlette.datastructures import UploadFile

from badgekit_api.applications.inputs import list_of
from badgekit_api.badges.schemas import BadgeRead, OptionalText, WireModel
from badgekit_api.fields import BlankIsNone, OptionalMoment, OptionalUrl
from badgekit_api.fields import EarnerEmail as Email
from badgekit_api.fields import OptionalEarnerEmail as OptionalEmail
from badgekit_api.http.pagination import PageData
from badgekit_api.images.service import is_empty_upload
from badgekit_api.timestamps import Timestamp

MediaType = Literal["image", "link"]


def _upload(value: Any) -> UploadFile | None:
    if value is None or (isinstance(value, str) and not value.strip()) or is_empty_upload(value):
        return None
    if not isinstance(value, UploadFile):
        raise ValueError("Must be a file uploaded in a multipart/form-data body")
    return value


def _url_not_file(value: Any) -> Any:
    if isinstance(value, UploadFile):
        raise ValueError("Upload an evidence file as `evidence[N][file]`, not as its url")
    return value


class ApplicationEvidenceInput(WireModel):
    """One evidence item: a `url` (or an uploaded image `file`), its `mediaType`, a reflection."""

    url: Annotated[OptionalUrl, BeforeValidator(_url_not_file)] = None
    media_type: Annotated[MediaType | None, BlankIsNone] = None
    reflection: OptionalText = None
    file: Annotated[UploadFile | None, PlainValidator(_upload)] = None

    @model_validator(mode="after")
    def _one_source(self) -> ApplicationEvidenceInput:
        if self.file is not None:
            if self.url is not None:
                raise ValueError("Give an evidence item a url or a file, not both")
            if self.media_type == "link":
                raise ValueError("An uploaded file is an image: its mediaType is `image`")
        if self.url is None and self.file is None and self.reflection is None:
            raise ValueError("An evidence item needs a url, a file or a reflection")
        return self


Evidence = Annotated[list[ApplicationEvidenceInput], list_of("evidence items")]
# On update the validator runs before the union, so an explicit null clears the list too.
EvidenceChange = Annotated[list[ApplicationEvidenceInput] | None, list_of("evidence items")]


class ApplicationCreate(WireModel):
    learner: Email
    evidence: Evidence = []
    assigned_to: OptionalEmail = None
    assigned_expiration: OptionalMoment = None


class ApplicationUpdate(WireModel):
    """Any subset of the fields; what is absent is left unchanged, null clears.

    `evidence`, when given, replaces the application's evidence.
    """

    learner: OptionalEmail = None
    evidence: EvidenceChange = None
    assigned_to: OptionalEmail = None
    assigned_expiration: OptionalMoment = None
    processed: OptionalMoment = None


class ApplicationEvidenceRead(WireModel):
    url: str | None
    media_type: str | None
    reflection: str | None


class ApplicationRead(WireModel):
    id: int
    slug: str
    learner: str
    created: Timestamp
    assigned_to: str | None
    assigned_expiration: Timestamp | None
    badge: BadgeRead
    processed: Timestamp | None
    evidence: list[ApplicationEvidenceRead]


class ApplicationEnvelope(WireModel):
    application: ApplicationRead


class ApplicationChanged(WireModel):
    status: Literal["created", "updated", "deleted"]
    application: ApplicationRead


class ApplicationList(WireModel):
    applications: list[ApplicationRead]
    page_data: PageData | None = None
