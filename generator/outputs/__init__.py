"""Files for tools and readers outside the site: feeds, exports, citations, the email digest."""
