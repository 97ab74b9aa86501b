"""Site-wide pages, the top layer: home, site search, the staff dashboard and admin site, robots,
the sitemap index assembled from each app's sitemaps. It may import every app."""
