"""Server-rendered pages for legal staff, validators and researchers (Jinja2, autoescaped), their
templates, static files and the server-side SVG pictures.
"""
from policykg.web.pages import render
from policykg.web.urls import page_url

__all__ = ["page_url", "render"]
