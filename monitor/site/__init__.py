"""The static site of the record: `build_site(config, store, out)` (docs/SITE.md)."""

from monitor.site.builder import SiteBuild, build_site

__all__ = ["SiteBuild", "build_site"]
