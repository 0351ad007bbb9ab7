"""jineng: vocational skills training management platform."""
