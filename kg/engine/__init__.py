"""The per-article engine of `kg build`: one article's work as a job (article), what it gives
(result), its cache (cache), the jobs run here, in worker processes or on Dask (runner), the checks
that span articles (spanning), and the progress of a long build (progress)."""
