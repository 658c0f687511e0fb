"""Package data: the site's Jinja2 templates and assets (installed as ``generator.site_templates``)."""
