"""The public link as a QR code (segno, pure Python), for invitations and posters."""

from __future__ import annotations

import base64
import io

import segno


def qr_svg(url: str, *, scale: int = 8) -> bytes:
    """An SVG QR code of ``url`` (error correction M, quiet zone of four modules)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", scale=scale, border=4)
    return buffer.getvalue()


def qr_png(url: str, *, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_data_uri(url: str, *, scale: int = 3) -> str:
    """An inline SVG QR code (``data:`` URI, allowed by the CSP's img-src) for a printed slip."""
    data = base64.b64encode(qr_svg(url, scale=scale)).decode()
    return f"data:image/svg+xml;base64,{data}"
