"""File downloads for pages and API alike: the export's bytes as an attachment whose name keeps
Norwegian letters (RFC 6266 ``filename*``) with an ASCII fallback."""

from io import BytesIO

from flask import Response, send_file

from portal.services.exports import ascii_filename, content_disposition


def attachment(data: bytes, filename: str, mimetype: str) -> Response:
    """A download response for ``data`` named ``filename``."""
    response = send_file(BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=ascii_filename(filename))
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response
