/* A test binary that registers no test: weft must refuse it. */
